"""Command handlers: plain functions (command, unit of work) -> the id they changed.

Each loads the states its command needs, lets the domain decide, and records
the events. The message bus commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from app.domain import apikey, cluster, pact, repartition, results, unit
from app.domain import commands as c
from app.domain.apikey import APIKEY
from app.domain.cluster import CLUSTER
from app.domain.pact import PACT
from app.domain.unit import UNIT
from app.projections import tables as t
from app.services.clock import today
from app.services.scoring_handlers import SCORING_HANDLERS, adopt_with_proposal
from app.services.tables import api_key_hashes
from app.services.unit_of_work import UnitOfWork, Written

# What a handler changed: the kind and id of the aggregate its command names.


def register_unit(cmd: c.RegisterUnit, uow: UnitOfWork) -> Written:
    existing = uow.load(UNIT, cmd.id)
    uow.record(UNIT, cmd.id, unit.register(existing, cmd), cmd.expected_version)
    return UNIT, cmd.id


def rename_unit(cmd: c.RenameUnit, uow: UnitOfWork) -> Written:
    state = uow.get(UNIT, cmd.unit_id)
    uow.record(UNIT, cmd.unit_id, unit.rename(state, cmd), cmd.expected_version)
    return UNIT, cmd.unit_id


def merge_unit(cmd: c.MergeUnit, uow: UnitOfWork) -> Written:
    """Record the merger; the absorbed unit leaves its cluster on the same date, and
    the cluster waits for an admin's decision on its successor (DecideRepartition)."""
    absorbed = uow.get(UNIT, cmd.unit_id)
    successor = uow.get_ref(UNIT, cmd.into, "into")
    uow.record(UNIT, cmd.unit_id, unit.merge(absorbed, successor, cmd), cmd.expected_version)
    for cluster_id in seats_of(uow, cmd.unit_id):
        state = uow.get(CLUSTER, cluster_id)
        uow.record(CLUSTER, cluster_id, repartition.leave_on_merger(state, cmd))
    return UNIT, cmd.unit_id


def seats_of(uow: UnitOfWork, unit_id: str, kind: str | None = None) -> list[str]:
    """The clusters (of ``kind``, if given) that hold ``unit_id`` as a current member now. The read model
    knows the seats committed before this transaction; clusters touched earlier in
    it (a batch) are newer, so their states are asked too."""
    committed = uow.conn.execute(
        sa.select(t.cluster_members.c.cluster_id).where(
            t.cluster_members.c.unit_id == unit_id, t.cluster_members.c.left_on.is_(None)
        )
    ).scalars()
    seated = []
    for cluster_id in sorted({*committed, *uow.touched(CLUSTER)}):
        state = uow.load(CLUSTER, cluster_id)  # None: a cluster this very command forms
        if state is not None and unit_id in state.current_members() and kind in (None, state.kind):
            seated.append(cluster_id)
    return seated


def _rivals(uow: UnitOfWork, unit_id: str, kind: str) -> list[str]:
    """The emulation clusters seating ``unit_id``, if it is to join one (the invariant)."""
    return seats_of(uow, unit_id, "emulation") if kind == "emulation" else []


def decide_repartition(cmd: c.DecideRepartition, uow: UnitOfWork) -> Written:
    state = uow.get(CLUSTER, cmd.cluster_id)
    into = repartition.pending_seat(state, cmd.unit_id).into
    successor = uow.get(UNIT, into)
    events = repartition.decide_repartition(state, successor, cmd, _rivals(uow, into, state.kind))
    uow.record(CLUSTER, cmd.cluster_id, events, cmd.expected_version)
    return CLUSTER, cmd.cluster_id


def form_cluster(cmd: c.FormCluster, uow: UnitOfWork) -> Written:
    existing = uow.load(CLUSTER, cmd.id)
    members = {u: uow.get_ref(UNIT, u, "members") for u in cmd.members}
    seats = {u: _rivals(uow, u, cmd.kind) for u in cmd.members}
    uow.record(CLUSTER, cmd.id, cluster.form(existing, cmd, members, seats), cmd.expected_version)
    return CLUSTER, cmd.id


def add_member(cmd: c.AddMember, uow: UnitOfWork) -> Written:
    state = uow.get(CLUSTER, cmd.cluster_id)
    member = uow.get_ref(UNIT, cmd.unit_id, "unit_id")
    events = cluster.add_member(state, member, cmd, _rivals(uow, cmd.unit_id, state.kind))
    uow.record(CLUSTER, cmd.cluster_id, events, cmd.expected_version)
    return CLUSTER, cmd.cluster_id


def remove_member(cmd: c.RemoveMember, uow: UnitOfWork) -> Written:
    state = uow.get(CLUSTER, cmd.cluster_id)
    uow.record(CLUSTER, cmd.cluster_id, cluster.remove_member(state, cmd), cmd.expected_version)
    return CLUSTER, cmd.cluster_id


def assign_leadership(cmd: c.AssignLeadership, uow: UnitOfWork) -> Written:
    state = uow.get(CLUSTER, cmd.cluster_id)
    uow.record(CLUSTER, cmd.cluster_id, cluster.assign_leadership(state, cmd), cmd.expected_version)
    return CLUSTER, cmd.cluster_id


def hand_over_host_flag(cmd: c.HandOverHostFlag, uow: UnitOfWork) -> Written:
    state = uow.get(CLUSTER, cmd.cluster_id)
    receiver = uow.get_ref(UNIT, cmd.to_unit, "to_unit")
    receiver.ensure_active_on(cmd.handed_over_on, "receive the host flag")
    uow.record(CLUSTER, cmd.cluster_id, cluster.hand_over_host_flag(state, cmd), cmd.expected_version)
    return CLUSTER, cmd.cluster_id


def propose_pact(cmd: c.ProposePact, uow: UnitOfWork) -> Written:
    existing = uow.load(PACT, cmd.id)
    owner = uow.get_ref(CLUSTER, cmd.cluster_id, "cluster_id")
    others = _cluster_pact_years(uow, cmd.cluster_id)
    uow.record(PACT, cmd.id, pact.propose(existing, owner, cmd, others=others), cmd.expected_version)
    if cmd.score_sheet is not None:
        adopt_with_proposal(cmd, uow)
    return PACT, cmd.id


def _cluster_pact_years(uow: UnitOfWork, cluster_id: str) -> dict[str, tuple[int, int]]:
    """The cluster's pacts and the years each covers: those committed (the read model,
    current under the write lock) and those proposed earlier in this transaction."""
    p = t.pacts.c
    committed = uow.conn.execute(
        sa.select(p.id, p.year, p.period_start, p.period_end).where(p.cluster_id == cluster_id)
    )
    years = {row.id: pact.years_of(row.year, row.period_start, row.period_end) for row in committed}
    for pact_id in uow.touched(PACT):
        state = uow.load(PACT, pact_id)
        if state is not None and state.cluster_id == cluster_id:
            years[pact_id] = state.years
    return years


def sign_pact(cmd: c.SignPact, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    signer = uow.get_ref(UNIT, cmd.unit_id, "unit_id")
    owner = uow.get(CLUSTER, state.cluster_id)
    uow.record(PACT, cmd.pact_id, pact.sign(state, owner, signer, cmd), cmd.expected_version)
    return PACT, cmd.pact_id


def set_target(cmd: c.SetTarget, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    uow.record(PACT, cmd.pact_id, pact.set_target(state, cmd), cmd.expected_version)
    return PACT, cmd.pact_id


def record_result(cmd: c.RecordResult, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    uow.record(PACT, cmd.pact_id, results.record_result(state, cmd, today()), cmd.expected_version)
    return PACT, cmd.pact_id


def withdraw_result(cmd: c.WithdrawResult, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    uow.record(PACT, cmd.pact_id, results.withdraw_result(state, cmd, today()), cmd.expected_version)
    return PACT, cmd.pact_id


def grant_award(cmd: c.GrantAward, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    recipient = uow.get_ref(UNIT, cmd.recipient_unit, "recipient_unit")
    uow.record(PACT, cmd.pact_id, pact.grant_award(state, recipient, cmd), cmd.expected_version)
    return PACT, cmd.pact_id


def close_pact(cmd: c.ClosePact, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    uow.record(PACT, cmd.pact_id, pact.close(state, cmd), cmd.expected_version)
    return PACT, cmd.pact_id


def create_api_key(cmd: c.CreateApiKey, uow: UnitOfWork) -> Written:
    """Record who holds the key; keep its secret's hash beside the log, never in it."""
    existing = uow.load(APIKEY, cmd.id)
    assert existing is None or isinstance(existing, apikey.ApiKey)
    if cmd.unit_id is not None:
        uow.get_ref(UNIT, cmd.unit_id, "unit")
    if cmd.cluster_id is not None:
        uow.get_ref(CLUSTER, cmd.cluster_id, "cluster")
    uow.record(APIKEY, cmd.id, apikey.create(existing, cmd), cmd.expected_version)
    uow.conn.execute(api_key_hashes.insert(), {"key_id": cmd.id, "secret_hash": cmd.secret_hash})
    return APIKEY, cmd.id


def revoke_api_key(cmd: c.RevokeApiKey, uow: UnitOfWork) -> Written:
    state = uow.get(APIKEY, cmd.key_id)
    assert isinstance(state, apikey.ApiKey)
    uow.record(APIKEY, cmd.key_id, apikey.revoke(state, cmd), cmd.expected_version)
    return APIKEY, cmd.key_id


HANDLERS: dict[type[c.Command], Callable[[Any, UnitOfWork], Written]] = {
    c.RegisterUnit: register_unit,
    c.RenameUnit: rename_unit,
    c.MergeUnit: merge_unit,
    c.FormCluster: form_cluster,
    c.AddMember: add_member,
    c.RemoveMember: remove_member,
    c.DecideRepartition: decide_repartition,
    c.AssignLeadership: assign_leadership,
    c.HandOverHostFlag: hand_over_host_flag,
    c.ProposePact: propose_pact,
    c.SignPact: sign_pact,
    c.SetTarget: set_target,
    c.RecordResult: record_result,
    c.WithdrawResult: withdraw_result,
    c.GrantAward: grant_award,
    c.ClosePact: close_pact,
    c.CreateApiKey: create_api_key,
    c.RevokeApiKey: revoke_api_key,
}
# Scoring by score sheet (docs/scoring.md): its handlers live in their own module.
HANDLERS.update(SCORING_HANDLERS)
