"""Seats a merger empties (issue 15): the absorbed unit leaves, the cluster waits for
an admin's decision on its successor; never a silent second seat."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.cluster import Cluster, Repartition, add_member, ensure_unseated, remove_member
from app.domain.unit import Unit

__all__ = ["decide_repartition", "ensure_unseated", "leave_on_merger", "pending_seat"]


def leave_on_merger(cluster: Cluster, cmd: c.MergeUnit) -> list[e.Event]:
    """The absorbed unit leaves on the merger's date; unless its successor already
    sits here, the cluster waits for an admin's decision (never a silent seat)."""
    if cmd.unit_id not in cluster.current_members():
        return []
    leave = c.RemoveMember(cluster_id=cluster.id, unit_id=cmd.unit_id, effective_on=cmd.effective_on)
    events = remove_member(cluster, leave)
    if cmd.into not in cluster.current_members():
        events.append(e.RepartitionPending(unit_id=cmd.unit_id, into=cmd.into, effective_on=cmd.effective_on))
    return events


def pending_seat(cluster: Cluster, unit_id: str) -> Repartition:
    for p in cluster.pending:
        if p.unit_id == unit_id:
            return p
    raise errors.NotPendingRepartition(f"cluster {cluster.id} has no repartition pending for unit {unit_id}")


def decide_repartition(
    cluster: Cluster, successor: Unit, cmd: c.DecideRepartition, seated_in: Iterable[str]
) -> list[e.Event]:
    """Close a pending seat; admitting the successor seats it from ``decided_on``."""
    pending = pending_seat(cluster, cmd.unit_id)
    if cmd.decided_on < pending.effective_on:
        raise errors.DateOutOfOrder("decided_on is before the merger took effect")
    if not cmd.decision_ref.strip():
        raise errors.InvalidValue("decision_ref", "a repartition is decided by a numbered decision")
    events: list[e.Event] = [
        e.RepartitionDecided(
            unit_id=pending.unit_id,
            into=pending.into,
            admitted=cmd.admit_successor,
            decision_ref=cmd.decision_ref,
            decided_on=cmd.decided_on,
        )
    ]
    if cmd.admit_successor and successor.id not in cluster.current_members():
        join = c.AddMember(cluster_id=cluster.id, unit_id=successor.id, joined_on=cmd.decided_on)
        events += add_member(cluster, successor, join, seated_in)
    return events
