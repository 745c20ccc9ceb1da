"""A merger empties a seat: the cluster waits for an admin's decision (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import cluster, errors, repartition, unit
from app.domain import commands as c
from app.domain import events as e
from tests.unit.builders import (
    CLUSTER_ID,
    HA_TINH,
    MERGER_DAY,
    QUANG_BINH,
    QUANG_TRI,
    a_cluster,
    a_unit,
    fold,
)

GIA_LAI = "gia-lai"
DECIDED = date(2025, 8, 15)


def gia_lai() -> unit.Unit:
    return fold(unit.apply, [e.UnitRegistered(id=GIA_LAI, name="Sở Công Thương Gia Lai", province="Gia Lai")])


def merge(unit_id: str, into: str) -> c.MergeUnit:
    return c.MergeUnit(unit_id=unit_id, into=into, effective_on=MERGER_DAY, legal_basis="NQ 202/2025/QH15")


def decide(unit_id: str = HA_TINH, admit: bool = True, on: date = DECIDED) -> c.DecideRepartition:
    return c.DecideRepartition(
        cluster_id=CLUSTER_ID,
        unit_id=unit_id,
        admit_successor=admit,
        decision_ref="QĐ 1/QĐ-BCT",
        decided_on=on,
    )


def test_a_successor_already_seated_takes_nothing_and_leaves_nothing_pending():
    events = repartition.leave_on_merger(a_cluster(), merge(QUANG_BINH, QUANG_TRI))

    assert events == [e.MemberLeft(unit_id=QUANG_BINH, effective_on=MERGER_DAY)]
    assert not a_cluster(*events).pending_repartition


def test_a_successor_from_outside_is_not_seated_the_cluster_waits():
    events = repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI))

    assert events == [
        e.MemberLeft(unit_id=HA_TINH, effective_on=MERGER_DAY),
        e.RepartitionPending(unit_id=HA_TINH, into=GIA_LAI, effective_on=MERGER_DAY),
    ]
    state = a_cluster(*events)
    assert state.pending_repartition and GIA_LAI not in state.current_members()
    assert [(p.unit_id, p.into) for p in state.pending] == [(HA_TINH, GIA_LAI)]


def test_a_unit_outside_the_cluster_changes_nothing():
    assert repartition.leave_on_merger(a_cluster(), merge("phu-yen", "dak-lak")) == []


def test_admitting_the_successor_seats_it_from_the_decision():
    state = a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)))

    events = repartition.decide_repartition(state, gia_lai(), decide(), seated_in=())

    assert events[1] == e.MemberJoined(unit_id=GIA_LAI, joined_on=DECIDED)
    after = a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)), *events)
    assert not after.pending_repartition and after.is_member_on(GIA_LAI, DECIDED)
    assert after.repartitions[0].decision_ref == "QĐ 1/QĐ-BCT" and after.repartitions[0].admitted


def test_declining_closes_the_seat_without_a_member():
    state = a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)))

    events = repartition.decide_repartition(state, gia_lai(), decide(admit=False), seated_in=("tay-nguyen",))

    assert [type(x) for x in events] == [e.RepartitionDecided]
    assert not a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)), *events).pending


def test_a_successor_seated_in_another_cluster_is_refused():
    state = a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)))

    with pytest.raises(errors.MemberOfAnotherCluster, match="tay-nguyen"):
        repartition.decide_repartition(state, gia_lai(), decide(), seated_in=("tay-nguyen",))


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (decide(unit_id=QUANG_BINH), errors.NotPendingRepartition),
        (decide(on=date(2025, 6, 30)), errors.DateOutOfOrder),
    ],
)
def test_a_decision_needs_a_pending_seat_and_a_date_after_the_merger(command, error):
    state = a_cluster(*repartition.leave_on_merger(a_cluster(), merge(HA_TINH, GIA_LAI)))

    with pytest.raises(error):
        repartition.decide_repartition(state, gia_lai(), command, seated_in=())


def test_joining_while_seated_elsewhere_is_refused_and_names_the_other_cluster():
    join = c.AddMember(cluster_id=CLUSTER_ID, unit_id=GIA_LAI, joined_on=date(2024, 1, 1))

    with pytest.raises(errors.MemberOfAnotherCluster, match="tay-nguyen"):
        cluster.add_member(a_cluster(), gia_lai(), join, seated_in=("tay-nguyen",))
    assert cluster.add_member(a_cluster(), gia_lai(), join, seated_in=(CLUSTER_ID,))


def test_an_unknown_kind_is_refused():
    cmd = c.FormCluster(
        id="k", name="K", region="R", members=(HA_TINH,), formed_on=date(2020, 1, 1), kind="bloc"
    )

    with pytest.raises(errors.InvalidValue, match="kind"):
        cluster.form(None, cmd, {HA_TINH: a_unit(HA_TINH)})
