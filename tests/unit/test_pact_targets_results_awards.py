"""Targets (chỉ tiêu), results (kết quả) and awards (khen thưởng) of a pact."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import commands as c
from app.domain import errors, pact, results
from app.domain import events as e
from tests.unit.builders import (
    HA_TINH,
    HUE,
    MERGER_DAY,
    NGHE_AN,
    PACT_ID,
    PROPOSED_ON,
    QUANG_BINH,
    THANH_HOA,
    a_pact,
    a_unit,
    pact_proposed,
    quang_binh_merged,
    result_recorded,
    signed_by_all,
    target_set,
)

CLOSED = e.PactClosed(closed_on=date(2022, 12, 31))
TODAY = date(2023, 1, 15)  # the server's date in these scenarios
# Hà Tĩnh registers its own target: exports of 2 billion USD.
EXPORTS = target_set(
    "XK", title="Kim ngạch xuất khẩu", measure="tỷ USD", value=2.0, weight=5.0, applies_to=(HA_TINH,)
)
# A qualitative target: the points given, 0..weight.
COOPERATION = target_set("HT", title="Hợp tác", kind="qualitative", value=None, weight=5.0)


def target_cmd(code: str = "KH", **overrides) -> c.SetTarget:
    event = target_set(code)
    fields = dict(
        pact_id=PACT_ID,
        code=code,
        title=event.title,
        kind=event.kind,
        measure=event.measure,
        direction=event.direction,
        value=event.value,
        weight=event.weight,
        applies_to=None,
        set_on=event.set_on,
    )
    fields.update(overrides)
    return c.SetTarget(**fields)


def result_cmd(unit_id: str, code: str, value: float, on: date = date(2022, 12, 31)) -> c.RecordResult:
    event = result_recorded(unit_id, code, value, on)
    return c.RecordResult(
        pact_id=PACT_ID, unit_id=unit_id, target_code=code, value=value, reported_on=on, source=event.source
    )


# --- targets -------------------------------------------------------------------


def test_a_common_target_is_set_for_every_party():
    events = pact.set_target(a_pact(*signed_by_all()), target_cmd())

    assert events == [target_set()]
    assert a_pact(*events).targets["KH"].applies(HUE)


def test_a_registered_target_applies_only_to_its_units():
    cmd = target_cmd(
        "XK",
        title="Kim ngạch xuất khẩu",
        measure="tỷ USD",
        value=2.0,
        weight=5.0,
        applies_to=(HA_TINH,),
    )

    events = pact.set_target(a_pact(), cmd)

    assert events == [EXPORTS]
    target = a_pact(*events).targets["XK"]
    assert target.applies(HA_TINH) and not target.applies(NGHE_AN)


def test_an_at_most_target_may_aim_for_zero():
    cmd = target_cmd("KL", title="Cán bộ bị kỷ luật", measure="người", direction="at_most", value=0.0)

    assert pact.set_target(a_pact(), cmd)[0].value == 0.0


def test_a_qualitative_target_needs_no_value():
    cmd = target_cmd("HT", title="Hợp tác", kind="qualitative", value=None, weight=5.0)

    assert pact.set_target(a_pact(), cmd) == [COOPERATION]


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(kind="percentage"), "kind"),
        (dict(direction="exactly"), "direction"),
        (dict(weight=0.0), "weight"),
        (dict(weight=-1.0), "weight"),
        (dict(value=None), "value"),
        (dict(direction="at_least", value=0.0), "value"),
        (dict(direction="at_least", value=-5.0), "value"),
        (dict(direction="at_most", value=-1.0), "value"),
        (dict(applies_to=()), "applies_to"),
    ],
)
def test_an_ill_formed_target_is_rejected(overrides, field):
    with pytest.raises(errors.InvalidValue) as caught:
        pact.set_target(a_pact(), target_cmd(**overrides))
    assert caught.value.field == field


def test_a_target_applies_only_to_parties():
    proposed = pact_proposed(parties=(THANH_HOA, NGHE_AN))

    with pytest.raises(errors.NotAMember):
        pact.set_target(a_pact(proposed=proposed), target_cmd(applies_to=(THANH_HOA, HA_TINH)))


def test_no_target_is_set_on_a_closed_pact():
    with pytest.raises(errors.PactIsClosed):
        pact.set_target(a_pact(CLOSED), target_cmd())


# --- results -------------------------------------------------------------------


def test_a_result_is_recorded_for_a_party():
    events = results.record_result(a_pact(target_set()), result_cmd(HA_TINH, "KH", 102.5), TODAY)

    assert events == [result_recorded(HA_TINH, "KH", 102.5)]
    assert a_pact(target_set(), *events).results[(HA_TINH, "KH")].value == 102.5


def test_a_later_result_supersedes_the_earlier_one():
    mid_year = result_recorded(HA_TINH, "KH", 48.0, date(2022, 6, 30))
    year_end = result_recorded(HA_TINH, "KH", 101.0, date(2022, 12, 31))

    state = a_pact(target_set(), mid_year, year_end)

    assert state.results == {(HA_TINH, "KH"): pact.Result(101.0, date(2022, 12, 31), year_end.source, None)}


def test_a_result_for_an_unknown_target_is_rejected():
    with pytest.raises(errors.UnknownTarget):
        results.record_result(a_pact(target_set()), result_cmd(HA_TINH, "IIP", 108.0), TODAY)


def test_a_result_for_a_unit_that_is_not_a_party_is_rejected():
    proposed = pact_proposed(parties=(THANH_HOA, NGHE_AN))

    with pytest.raises(errors.NotAMember):
        results.record_result(
            a_pact(target_set(), proposed=proposed), result_cmd(HA_TINH, "KH", 100.0), TODAY
        )


def test_a_result_against_another_units_registered_target_is_rejected():
    with pytest.raises(errors.TargetDoesNotApply):
        results.record_result(a_pact(EXPORTS), result_cmd(NGHE_AN, "XK", 1.5), TODAY)


@pytest.mark.parametrize("points", [0.0, 3.5, 5.0])
def test_a_qualitative_result_gives_points_up_to_the_weight(points):
    events = results.record_result(a_pact(COOPERATION), result_cmd(HUE, "HT", points), TODAY)

    assert events == [result_recorded(HUE, "HT", points)]


@pytest.mark.parametrize("points", [-0.5, 5.5])
def test_qualitative_points_outside_0_to_weight_are_rejected(points):
    with pytest.raises(errors.InvalidValue) as caught:
        results.record_result(a_pact(COOPERATION), result_cmd(HUE, "HT", points), TODAY)
    assert caught.value.field == "value"


def test_a_negative_quantitative_result_is_a_fact_to_record():
    # Growth can be negative (e.g. -3.2% year on year); scoring floors it, recording keeps it.
    events = results.record_result(a_pact(target_set()), result_cmd(HA_TINH, "KH", -3.2), TODAY)

    assert events == [result_recorded(HA_TINH, "KH", -3.2)]


def test_no_result_is_recorded_on_a_closed_pact():
    with pytest.raises(errors.PactIsClosed):
        results.record_result(a_pact(target_set(), CLOSED), result_cmd(HA_TINH, "KH", 100.0), TODAY)


# --- awards --------------------------------------------------------------------


def award_cmd(recipient: str, on: date = date(2023, 1, 20), person: str | None = None) -> c.GrantAward:
    return c.GrantAward(
        pact_id=PACT_ID,
        recipient_unit=recipient,
        title="Cờ thi đua của Bộ Công Thương",
        conferred_by="Bộ Công Thương",
        granted_on=on,
        recipient_person=person,
        decision_ref="QĐ 123/QĐ-BCT",
    )


def test_a_party_receives_an_award():
    events = pact.grant_award(a_pact(), a_unit(HA_TINH), award_cmd(HA_TINH))

    assert events == [
        e.AwardGranted(
            recipient_unit=HA_TINH,
            recipient_person=None,
            title="Cờ thi đua của Bộ Công Thương",
            conferred_by="Bộ Công Thương",
            decision_ref="QĐ 123/QĐ-BCT",
            granted_on=date(2023, 1, 20),
        )
    ]
    assert a_pact(*events).awards[0].recipient_unit == HA_TINH


def test_a_person_of_a_party_receives_an_award():
    events = pact.grant_award(a_pact(), a_unit(HA_TINH), award_cmd(HA_TINH, person="Hoàng Văn Quảng"))

    assert events[0].recipient_person == "Hoàng Văn Quảng"


def test_a_unit_that_is_not_a_party_receives_nothing():
    proposed = pact_proposed(parties=(THANH_HOA, NGHE_AN))

    with pytest.raises(errors.NotAMember):
        pact.grant_award(a_pact(proposed=proposed), a_unit(HA_TINH), award_cmd(HA_TINH))


def test_an_award_cannot_predate_the_pact():
    with pytest.raises(errors.DateOutOfOrder):
        pact.grant_award(a_pact(), a_unit(HA_TINH), award_cmd(HA_TINH, PROPOSED_ON.replace(day=1)))


@pytest.mark.parametrize("granted_on", [MERGER_DAY, date(2025, 12, 1)])
def test_an_absorbed_unit_receives_nothing_from_the_merger_day(granted_on):
    proposed = pact_proposed(id=PACT_ID, year=2025, proposed_on=date(2025, 3, 1))
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())

    with pytest.raises(errors.UnitMergedAway):
        pact.grant_award(a_pact(proposed=proposed), quang_binh, award_cmd(QUANG_BINH, granted_on))


def test_an_absorbed_unit_may_be_awarded_the_day_before_the_merger():
    proposed = pact_proposed(id=PACT_ID, year=2025, proposed_on=date(2025, 3, 1))
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())

    cmd = award_cmd(QUANG_BINH, date(2025, 6, 30))

    events = pact.grant_award(a_pact(proposed=proposed), quang_binh, cmd)

    assert events[0].recipient_unit == QUANG_BINH


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_result_must_be_a_finite_number(value):
    state = a_pact(*signed_by_all(), target_set("KH"))

    with pytest.raises(errors.InvalidValue) as caught:
        results.record_result(state, result_cmd(THANH_HOA, "KH", value), TODAY)
    assert caught.value.field == "value"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weight": float("inf")}, "weight"),
        ({"value": float("nan")}, "value"),
    ],
)
def test_a_target_needs_finite_numbers(overrides, field):
    with pytest.raises(errors.InvalidValue) as caught:
        pact.set_target(a_pact(), target_cmd(**overrides))
    assert caught.value.field == field


def test_a_target_with_results_cannot_change_its_kind():
    state = a_pact(*signed_by_all(), target_set("KH"), result_recorded(THANH_HOA, "KH", 95.0))

    with pytest.raises(errors.RuleViolated):
        pact.set_target(state, target_cmd(kind="qualitative", value=None))


def test_a_target_without_results_may_be_redefined():
    state = a_pact(*signed_by_all(), target_set("KH"))

    events = pact.set_target(state, target_cmd(kind="qualitative", value=None))

    assert a_pact(*signed_by_all(), target_set("KH"), *events).targets["KH"].kind == "qualitative"
