"""An emulation cluster (cụm thi đua): members over time, leadership, host rotation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.aggregate import Aggregate
from app.domain.state import evolve
from app.domain.unit import Unit


@dataclass(frozen=True, slots=True)
class Membership:
    unit_id: str
    joined_on: date
    left_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True, slots=True)
class Repartition:
    """A seat a merger emptied: ``unit_id`` left on ``effective_on``, absorbed by
    ``into``; pending until decided (``decided_on``)."""

    unit_id: str
    into: str
    effective_on: date
    decision_ref: str | None = None
    decided_on: date | None = None
    admitted: bool | None = None


@dataclass(frozen=True, slots=True)
class Leadership:
    year: int
    chair: str
    deputy: str | None
    decision_ref: str


@dataclass(frozen=True, slots=True)
class Handover:
    conference_number: int
    year: int
    from_unit: str
    to_unit: str
    handed_over_on: date


def host_of(handovers: Iterable[Handover], year: int) -> tuple[str, int] | None:
    """(unit, conference number) of the year's conference: the flag's receiver
    for that year, or else the unit that handed it on the year after. The read
    side asks it too, with the handovers of those two years."""
    by_year = [(h.year, h) for h in handovers if h.year in (year, year + 1)]
    for h_year, h in by_year:
        if h_year == year:
            return h.to_unit, h.conference_number
    for _, h in by_year:
        return h.from_unit, h.conference_number - 1
    return None


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    name: str
    region: str
    formed_on: date
    memberships: tuple[Membership, ...] = ()
    leadership: Mapping[int, Leadership] = field(default_factory=dict)
    handovers: tuple[Handover, ...] = ()
    repartitions: tuple[Repartition, ...] = ()
    kind: str = "emulation"

    @property
    def pending(self) -> tuple[Repartition, ...]:
        return tuple(r for r in self.repartitions if r.decided_on is None)

    @property
    def pending_repartition(self) -> bool:
        """A merger emptied a seat and no admin has decided the memberships yet."""
        return bool(self.pending)

    def members_on(self, day: date) -> tuple[str, ...]:
        return tuple(m.unit_id for m in self.memberships if m.covers(day))

    def is_member_on(self, unit_id: str, day: date) -> bool:
        return any(m.unit_id == unit_id and m.covers(day) for m in self.memberships)

    def current_members(self) -> tuple[str, ...]:
        return tuple(m.unit_id for m in self.memberships if m.left_on is None)

    def host_of(self, year: int) -> tuple[str, int] | None:
        return host_of(self.handovers, year)

    @property
    def flag_holder(self) -> str | None:
        """Who holds the host flag: the receiver of the last handover, if any."""
        return self.handovers[-1].to_unit if self.handovers else None


def _ensure_member(cluster: Cluster, unit_id: str, day: date, role: str) -> None:
    if not cluster.is_member_on(unit_id, day):
        raise errors.NotAMember(
            f"{role} {unit_id} is not a member of cluster {cluster.id} on {day.isoformat()}"
        )


# What a group is: the Ministry's emulation cluster (cụm thi đua), a cooperation
# conference of neighbouring departments (hosts rotate a flag; not the Ministry's
# cluster even with the same members), or a department's own internal movement.
KINDS = ("emulation", "cooperation", "internal")


def ensure_unseated(unit_id: str, cluster_id: str, seated_in: Iterable[str]) -> None:
    """The invariant: a unit is a current member of at most one emulation cluster.

    ``seated_in``: the emulation clusters that hold ``unit_id`` as a current member now."""
    others = sorted(set(seated_in) - {cluster_id})
    if others:
        raise errors.MemberOfAnotherCluster(
            f"unit {unit_id} is a current member of cluster {others[0]}; "
            "a unit is a current member of at most one cluster"
        )


def form(
    existing: Cluster | None,
    cmd: c.FormCluster,
    units: Mapping[str, Unit],
    seats: Mapping[str, Iterable[str]] | None = None,
) -> list[e.Event]:
    """``seats``: unit -> the clusters it is a current member of (none if absent)."""
    if existing is not None:
        raise errors.AlreadyExists(f"cluster {cmd.id} already exists")
    if cmd.kind not in KINDS:
        raise errors.InvalidValue("kind", f"one of {', '.join(KINDS)}")
    if not cmd.members:
        raise errors.InvalidValue("members", "a cluster needs at least one member")
    if len(set(cmd.members)) != len(cmd.members):
        raise errors.InvalidValue("members", "a unit is listed twice")
    for unit_id in cmd.members:
        units[unit_id].ensure_active_on(cmd.formed_on, "join a cluster")
        ensure_unseated(unit_id, cmd.id, (seats or {}).get(unit_id, ()))
    return [
        e.ClusterFormed(
            id=cmd.id,
            name=cmd.name,
            region=cmd.region,
            members=cmd.members,
            formed_on=cmd.formed_on,
            kind=cmd.kind,
        )
    ]


def add_member(
    cluster: Cluster, unit: Unit, cmd: c.AddMember, seated_in: Iterable[str] = ()
) -> list[e.Event]:
    unit.ensure_active_on(cmd.joined_on, "join a cluster")
    if unit.id in cluster.current_members():
        raise errors.AlreadyAMember(f"unit {unit.id} is already a member of {cluster.id}")
    ensure_unseated(unit.id, cluster.id, seated_in)
    if cmd.joined_on < cluster.formed_on:
        raise errors.DateOutOfOrder("joined_on is before the cluster was formed")
    left = [m.left_on for m in cluster.memberships if m.unit_id == unit.id and m.left_on]
    if left and cmd.joined_on < max(left):
        raise errors.DateOutOfOrder(
            f"unit {unit.id} left on {max(left).isoformat()}; it cannot rejoin before that"
        )
    return [e.MemberJoined(unit_id=unit.id, joined_on=cmd.joined_on)]


def remove_member(cluster: Cluster, cmd: c.RemoveMember) -> list[e.Event]:
    current = [m for m in cluster.memberships if m.unit_id == cmd.unit_id and m.left_on is None]
    if not current:
        raise errors.NotAMember(f"unit {cmd.unit_id} is not a member of {cluster.id}")
    if cmd.effective_on <= current[0].joined_on:
        raise errors.DateOutOfOrder("effective_on must be after the unit joined")
    return [e.MemberLeft(unit_id=cmd.unit_id, effective_on=cmd.effective_on)]


def assign_leadership(cluster: Cluster, cmd: c.AssignLeadership) -> list[e.Event]:
    if cmd.deputy is not None and cmd.chair == cmd.deputy:
        raise errors.SameChairAndDeputy("chair and deputy must be two different members")
    if cmd.year in cluster.leadership:
        raise errors.LeadershipAlreadyAssigned(
            f"cluster {cluster.id} already has a chair and deputy for {cmd.year}"
        )
    day = cmd.decided_on or date(cmd.year, 1, 1)
    _ensure_member(cluster, cmd.chair, day, "chair")
    if cmd.deputy is not None:
        _ensure_member(cluster, cmd.deputy, day, "deputy")
    return [
        e.LeadershipAssigned(
            year=cmd.year,
            chair=cmd.chair,
            deputy=cmd.deputy,
            decision_ref=cmd.decision_ref,
            decided_on=cmd.decided_on,
        )
    ]


def hand_over_host_flag(cluster: Cluster, cmd: c.HandOverHostFlag) -> list[e.Event]:
    day = cmd.handed_over_on
    holder = cluster.flag_holder
    if holder is not None and cmd.from_unit != holder:
        raise errors.NotFlagHolder(f"the host flag of {cluster.id} is held by {holder}, not {cmd.from_unit}")
    if cmd.conference_number < 1:
        raise errors.InvalidValue("conference_number", "conferences are numbered from 1")
    if cmd.from_unit == cmd.to_unit:
        raise errors.RuleViolated("the host flag must go to another member")
    _ensure_member(cluster, cmd.from_unit, day, "from_unit")
    _ensure_member(cluster, cmd.to_unit, day, "to_unit")
    if cluster.handovers:
        last = cluster.handovers[-1]
        if cmd.conference_number != last.conference_number + 1:
            raise errors.WrongConferenceNumber(
                f"the next conference of {cluster.id} is number {last.conference_number + 1}"
            )
        if cmd.year <= last.year or day < last.handed_over_on:
            raise errors.DateOutOfOrder("a handover must come after the previous one")
    return [
        e.HostFlagHandedOver(
            conference_number=cmd.conference_number,
            year=cmd.year,
            from_unit=cmd.from_unit,
            to_unit=cmd.to_unit,
            handed_over_on=day,
        )
    ]


CLUSTER: Aggregate[Cluster] = Aggregate("cluster", Cluster)
apply = CLUSTER.apply


@apply.register
def _(event: e.ClusterFormed, state: Cluster | None) -> Cluster:
    members = tuple(Membership(u, event.formed_on) for u in event.members)
    return Cluster(event.id, event.name, event.region, event.formed_on, members, {}, kind=event.kind)


@apply.register
def _(event: e.MemberJoined, state: Cluster) -> Cluster:
    return evolve(state, memberships=(*state.memberships, Membership(event.unit_id, event.joined_on)))


@apply.register
def _(event: e.MemberLeft, state: Cluster) -> Cluster:
    memberships = tuple(
        evolve(m, left_on=event.effective_on) if m.unit_id == event.unit_id and m.left_on is None else m
        for m in state.memberships
    )
    return evolve(state, memberships=memberships)


@apply.register
def _(event: e.RepartitionPending, state: Cluster) -> Cluster:
    entry = Repartition(event.unit_id, event.into, event.effective_on)
    return evolve(state, repartitions=(*state.repartitions, entry))


@apply.register
def _(event: e.RepartitionDecided, state: Cluster) -> Cluster:
    decided = tuple(
        evolve(r, decision_ref=event.decision_ref, decided_on=event.decided_on, admitted=event.admitted)
        if r.unit_id == event.unit_id and r.decided_on is None
        else r
        for r in state.repartitions
    )
    return evolve(state, repartitions=decided)


@apply.register
def _(event: e.LeadershipAssigned, state: Cluster) -> Cluster:
    entry = Leadership(event.year, event.chair, event.deputy, event.decision_ref)
    return evolve(state, leadership={**state.leadership, event.year: entry})


@apply.register
def _(event: e.HostFlagHandedOver, state: Cluster) -> Cluster:
    entry = Handover(
        event.conference_number, event.year, event.from_unit, event.to_unit, event.handed_over_on
    )
    return evolve(state, handovers=(*state.handovers, entry))
