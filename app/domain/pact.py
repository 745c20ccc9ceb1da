"""An emulation pact (giao ước thi đua): proposal, signatures, targets, results, awards."""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TypeVar, cast

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.aggregate import Aggregate
from app.domain.cluster import Cluster
from app.domain.persistent import PersistentMap
from app.domain.state import evolve
from app.domain.unit import Unit

KINDS = ("quantitative", "qualitative")
DIRECTIONS = ("at_least", "at_most")
# Weights are points on a scoring sheet; the bound keeps weight x cap finite.
MAX_WEIGHT = 1_000_000.0


@dataclass(frozen=True, slots=True)
class Target:
    code: str
    title: str
    kind: str
    measure: str
    direction: str
    value: float | None
    weight: float
    applies_to: tuple[str, ...] | None

    def applies(self, unit_id: str) -> bool:
        return self.applies_to is None or unit_id in self.applies_to


@dataclass(frozen=True, slots=True)
class Result:
    value: float
    reported_on: date
    source: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Award:
    recipient_unit: str
    recipient_person: str | None
    title: str
    conferred_by: str
    decision_ref: str | None
    granted_on: date


@dataclass(frozen=True, slots=True)
class Signature:
    signed_by: str
    signed_on: date


@dataclass(frozen=True, slots=True)
class Pact:
    id: str
    cluster_id: str
    title: str
    theme: str
    year: int | None
    period_start: int | None
    period_end: int | None
    content_items: tuple[str, ...]
    parties: tuple[str, ...]
    proposed_on: date
    attainment_cap: float
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    targets: Mapping[str, Target] = field(default_factory=dict)
    # (unit_id, target_code) -> the latest result; earlier ones stay in the log.
    results: Mapping[tuple[str, str], Result] = field(default_factory=dict)
    awards: tuple[Award, ...] = ()
    closed_on: date | None = None

    @property
    def status(self) -> str:
        return status_of(self.parties, self.signatures, self.closed_on)

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year the pact covers."""
        return years_of(self.year, self.period_start, self.period_end)

    def ensure_open(self) -> None:
        if self.closed_on is not None:
            raise errors.PactIsClosed(f"pact {self.id} was closed on {self.closed_on.isoformat()}")

    def ensure_party(self, unit_id: str) -> None:
        if unit_id not in self.parties:
            raise errors.NotAMember(f"unit {unit_id} is not a party to pact {self.id}")


def years_of(year: int | None, period_start: int | None, period_end: int | None) -> tuple[int, int]:
    """(first, last) year of a yearly pact or of a period pact."""
    if year is not None:
        return year, year
    return period_start, period_end  # type: ignore[return-value]


def status_of(parties: tuple[str, ...], signed: Container[str], closed_on: object) -> str:
    """closed once closed; in force once every party has signed; proposed before."""
    if closed_on is not None:
        return "closed"
    if all(p in signed for p in parties):
        return "in_force"
    return "proposed"


def propose(
    existing: Pact | None,
    cluster: Cluster,
    cmd: c.ProposePact,
    *,
    others: Mapping[str, tuple[int, int]],
) -> list[e.Event]:
    """``others``: the cluster's other pacts, each with its (first, last) year."""
    if existing is not None:
        raise errors.AlreadyExists(f"pact {cmd.id} already exists")
    if (cmd.year is None) == (cmd.period_start is None and cmd.period_end is None):
        raise errors.InvalidValue("year", "give either year or period_start and period_end")
    if cmd.year is None and (cmd.period_start is None or cmd.period_end is None):
        raise errors.InvalidValue("period_end", "a period needs both period_start and period_end")
    if cmd.period_start is not None and cmd.period_end < cmd.period_start:  # type: ignore[operator]
        raise errors.InvalidValue("period_end", "the period ends before it starts")
    if not 1.0 <= cmd.attainment_cap <= 2.0:
        raise errors.InvalidValue("attainment_cap", "must be between 1.0 and 2.0")
    first, last = years_of(cmd.year, cmd.period_start, cmd.period_end)
    for other_id, (other_first, other_last) in sorted(others.items()):
        if other_id != cmd.id and first <= other_last and other_first <= last:
            covered = str(other_first) if other_first == other_last else f"{other_first}-{other_last}"
            raise errors.PactExistsForYear(
                f"cluster {cluster.id} already has pact {other_id} for {covered}", other_id
            )
    parties = cluster.members_on(cmd.proposed_on)
    if not parties:
        raise errors.RuleViolated(f"cluster {cluster.id} has no members on {cmd.proposed_on.isoformat()}")
    return [
        e.PactProposed(
            id=cmd.id,
            cluster_id=cluster.id,
            title=cmd.title,
            theme=cmd.theme,
            year=cmd.year,
            period_start=cmd.period_start,
            period_end=cmd.period_end,
            content_items=cmd.content_items,
            parties=parties,
            proposed_on=cmd.proposed_on,
            attainment_cap=cmd.attainment_cap,
        )
    ]


def sign(pact: Pact, cluster: Cluster, unit: Unit, cmd: c.SignPact) -> list[e.Event]:
    pact.ensure_open()
    unit.ensure_active_on(cmd.signed_on, "sign a pact")
    pact.ensure_party(unit.id)
    if not cluster.is_member_on(unit.id, cmd.signed_on):
        raise errors.NotAMember(
            f"unit {unit.id} is not a member of {cluster.id} on {cmd.signed_on.isoformat()}"
        )
    if unit.id in pact.signatures:
        raise errors.AlreadySigned(f"unit {unit.id} has already signed pact {pact.id}")
    if cmd.signed_on < pact.proposed_on:
        raise errors.DateOutOfOrder("signed_on is before the pact was proposed")
    return [e.PactSigned(unit_id=unit.id, signed_by=cmd.signed_by, signed_on=cmd.signed_on)]


def set_target(pact: Pact, cmd: c.SetTarget) -> list[e.Event]:
    pact.ensure_open()
    if cmd.kind not in KINDS:
        raise errors.InvalidValue("kind", f"must be one of {', '.join(KINDS)}")
    if cmd.direction not in DIRECTIONS:
        raise errors.InvalidValue("direction", f"must be one of {', '.join(DIRECTIONS)}")
    if not 0 < cmd.weight <= MAX_WEIGHT:
        raise errors.InvalidValue("weight", f"must be greater than 0 and at most {MAX_WEIGHT:g}")
    if cmd.value is not None and not math.isfinite(cmd.value):
        raise errors.InvalidValue("value", "must be a finite number")
    previous = pact.targets.get(cmd.code)
    if previous is not None and previous.kind != cmd.kind and _has_results(pact, cmd.code):
        # A recorded 3.5 would silently change meaning (points given vs. an actual value).
        raise errors.RuleViolated(
            f"target {cmd.code} already has results as a {previous.kind} target; "
            "set a new code instead of changing its kind"
        )
    if cmd.kind == "quantitative":
        if cmd.value is None:
            raise errors.InvalidValue("value", "a quantitative target needs a value")
        if cmd.direction == "at_least" and not cmd.value > 0:
            raise errors.InvalidValue("value", "an at_least target needs a value above 0")
        if cmd.direction == "at_most" and cmd.value < 0:
            raise errors.InvalidValue("value", "an at_most target needs a value of 0 or more")
    if cmd.applies_to is not None:
        if not cmd.applies_to:
            raise errors.InvalidValue("applies_to", "give null for all parties, or at least one unit")
        strangers = [u for u in cmd.applies_to if u not in pact.parties]
        if strangers:
            raise errors.NotAMember(f"not parties to pact {pact.id}: {', '.join(strangers)}")
    return [
        e.TargetSet(
            code=cmd.code,
            title=cmd.title,
            kind=cmd.kind,
            measure=cmd.measure,
            direction=cmd.direction,
            value=cmd.value,
            weight=cmd.weight,
            applies_to=cmd.applies_to,
            set_on=cmd.set_on,
        )
    ]


def _has_results(pact: Pact, code: str) -> bool:
    return any(target_code == code for _, target_code in pact.results)


def grant_award(pact: Pact, recipient: Unit, cmd: c.GrantAward) -> list[e.Event]:
    recipient.ensure_active_on(cmd.granted_on, "receive an award")
    pact.ensure_party(recipient.id)
    if cmd.granted_on < pact.proposed_on:
        raise errors.DateOutOfOrder("granted_on is before the pact was proposed")
    return [
        e.AwardGranted(
            recipient_unit=recipient.id,
            recipient_person=cmd.recipient_person,
            title=cmd.title,
            conferred_by=cmd.conferred_by,
            decision_ref=cmd.decision_ref,
            granted_on=cmd.granted_on,
        )
    ]


def close(pact: Pact, cmd: c.ClosePact) -> list[e.Event]:
    pact.ensure_open()
    if cmd.closed_on < pact.proposed_on:
        raise errors.DateOutOfOrder("closed_on is before the pact was proposed")
    return [e.PactClosed(closed_on=cmd.closed_on)]


PACT: Aggregate[Pact] = Aggregate("pact", Pact)
apply = PACT.apply


# --- the one mapping from a pact's events to its state ------------------------
# The pact takes the proposal's fields by name, and each record of it takes the
# fields of the same names from the event that makes it (RECORD_OF). The fold
# below, the snapshot codec and the rebuild's builder all build from these, so a
# field added to a record and its event reaches each of them;
# tests/unit/test_pact_fields.py enumerates every field of Pact and of its events
# and fails when a representation (rows included) misses one.
R = TypeVar("R")


def field_names(cls: type) -> tuple[str, ...]:
    """A state record's or an event's fields, in their declared order."""
    return tuple(f.name for f in fields(cls))


PROPOSAL = tuple(name for name in field_names(Pact) if name in field_names(e.PactProposed))
RECORD_OF: Mapping[type[e.Event], type] = {
    e.PactSigned: Signature,
    e.TargetSet: Target,
    e.ResultRecorded: Result,
    e.AwardGranted: Award,
}


def record_maker(cls: type[R]) -> Callable[[object], R]:
    """``cls`` from an object holding its fields by name (the event that makes it).
    Generated once per record class, one attribute read per field: the fold of a
    result costs what the hand-written call did (an attrgetter took 3% more)."""
    args = ", ".join(f"source.{name}" for name in field_names(cls))
    namespace: dict[str, object] = {"cls": cls}
    exec(f"def make(source):\n    return cls({args})", namespace)
    return cast("Callable[[object], R]", namespace["make"])


_signature = record_maker(Signature)
_target = record_maker(Target)
_result = record_maker(Result)
_award = record_maker(Award)


@apply.register
def _(event: e.PactProposed, state: Pact | None) -> Pact:
    return Pact(**{name: getattr(event, name) for name in PROPOSAL})


@apply.register
def _(event: e.PactSigned, state: Pact) -> Pact:
    signature = _signature(event)
    return evolve(state, signatures={**state.signatures, event.unit_id: signature})


@apply.register
def _(event: e.TargetSet, state: Pact) -> Pact:
    target = _target(event)
    return evolve(state, targets={**state.targets, event.code: target})


@apply.register
def _(event: e.ResultRecorded, state: Pact) -> Pact:
    result = _result(event)
    key = (event.unit_id, event.target_code)
    return evolve(state, results=PersistentMap.of(state.results).set(key, result))


@apply.register
def _(event: e.ResultWithdrawn, state: Pact) -> Pact:
    key = (event.unit_id, event.target_code)
    if key not in state.results:
        return state
    return evolve(state, results=PersistentMap.of(state.results).delete(key))


@apply.register
def _(event: e.AwardGranted, state: Pact) -> Pact:
    award = _award(event)
    return evolve(state, awards=(*state.awards, award))


@apply.register
def _(event: e.PactClosed, state: Pact) -> Pact:
    return evolve(state, closed_on=event.closed_on)
