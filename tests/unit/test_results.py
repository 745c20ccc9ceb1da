"""Results: their dates, their withdrawal, and a year's rows checked all at once."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import commands as c
from app.domain import errors, results
from app.domain import events as e
from app.domain.scoring import unit_score
from tests.unit.builders import (
    HA_TINH,
    NGHE_AN,
    PACT_ID,
    PROPOSED_ON,
    THANH_HOA,
    a_pact,
    pact_proposed,
    result_recorded,
    target_set,
)

TODAY = date(2023, 1, 15)
EXPORTS = target_set("XK", title="Kim ngạch xuất khẩu", value=2.0, weight=5.0, applies_to=(HA_TINH,))


def result_cmd(unit_id: str, code: str, value: float, on: date = date(2022, 12, 31)) -> c.RecordResult:
    return c.RecordResult(
        pact_id=PACT_ID, unit_id=unit_id, target_code=code, value=value, reported_on=on, source="Báo cáo"
    )


def withdraw_cmd(unit_id: str, code: str, on: date = date(2023, 1, 10)) -> c.WithdrawResult:
    return c.WithdrawResult(
        pact_id=PACT_ID,
        unit_id=unit_id,
        target_code=code,
        reason="Số liệu nhập nhầm đơn vị",
        withdrawn_on=on,
    )


# --- the dates of a result ---------------------------------------------------------


@pytest.mark.parametrize("on", [PROPOSED_ON, TODAY, date(2023, 1, 16)])  # the day after today is slack
def test_a_result_may_be_reported_from_the_proposal_to_a_day_ahead(on):
    [event] = results.record_result(a_pact(target_set()), result_cmd(HA_TINH, "KH", 99.0, on), TODAY)
    assert event.reported_on == on


@pytest.mark.parametrize(
    ("on", "reason"),
    [
        (date(2022, 5, 12), "before the pact was proposed"),
        (date(2023, 1, 17), "more than a day in the future"),
    ],
)
def test_a_result_dated_before_the_proposal_or_in_the_future_is_invalid(on, reason):
    with pytest.raises(errors.InvalidValue) as caught:
        results.record_result(a_pact(target_set()), result_cmd(HA_TINH, "KH", 99.0, on), TODAY)
    assert caught.value.field == "reported_on" and reason in caught.value.reason


# --- withdrawing a result ----------------------------------------------------------


def test_a_withdrawn_result_leaves_its_target_missing_again():
    reported = result_recorded(HA_TINH, "KH", 100.0)
    state = a_pact(target_set(), reported)

    events = results.withdraw_result(state, withdraw_cmd(HA_TINH, "KH"), TODAY)

    assert events == [
        e.ResultWithdrawn(
            unit_id=HA_TINH,
            target_code="KH",
            reason="Số liệu nhập nhầm đơn vị",
            withdrawn_on=date(2023, 1, 10),
        )
    ]
    after = a_pact(target_set(), reported, *events)
    assert after.results == {}
    assert unit_score(after, HA_TINH).missing == ("KH",)
    assert unit_score(state, HA_TINH).missing == ()


def test_a_withdrawal_takes_only_that_units_result_and_a_new_one_may_follow():
    state = a_pact(
        target_set(),
        result_recorded(HA_TINH, "KH", 100.0),
        result_recorded(NGHE_AN, "KH", 90.0),
        *results.withdraw_result(
            a_pact(target_set(), result_recorded(HA_TINH, "KH", 100.0)), withdraw_cmd(HA_TINH, "KH"), TODAY
        ),
        result_recorded(HA_TINH, "KH", 80.0, date(2023, 1, 12)),
    )
    assert {k: r.value for k, r in state.results.items()} == {(NGHE_AN, "KH"): 90.0, (HA_TINH, "KH"): 80.0}


def test_only_a_current_result_can_be_withdrawn():
    withdrawn = e.ResultWithdrawn(unit_id=HA_TINH, target_code="KH", reason="x", withdrawn_on=TODAY)
    for state in (a_pact(target_set()), a_pact(target_set(), result_recorded(HA_TINH, "KH", 1.0), withdrawn)):
        with pytest.raises(errors.NoResult):
            results.withdraw_result(state, withdraw_cmd(HA_TINH, "KH"), TODAY)


def test_a_withdrawal_is_not_dated_before_the_result_or_in_the_future():
    state = a_pact(target_set(), result_recorded(HA_TINH, "KH", 1.0, date(2022, 12, 31)))
    with pytest.raises(errors.DateOutOfOrder):
        results.withdraw_result(state, withdraw_cmd(HA_TINH, "KH", date(2022, 12, 30)), TODAY)
    with pytest.raises(errors.InvalidValue) as caught:
        results.withdraw_result(state, withdraw_cmd(HA_TINH, "KH", date(2023, 2, 1)), TODAY)
    assert caught.value.field == "withdrawn_on"


def test_nothing_is_withdrawn_from_a_closed_pact():
    state = a_pact(
        target_set(), result_recorded(HA_TINH, "KH", 1.0), e.PactClosed(closed_on=date(2023, 1, 5))
    )
    with pytest.raises(errors.PactIsClosed):
        results.withdraw_result(state, withdraw_cmd(HA_TINH, "KH"), TODAY)


# --- a year's rows, checked all at once --------------------------------------------


def test_every_bad_row_is_named_with_its_field():
    state = a_pact(target_set(), EXPORTS, proposed=pact_proposed())
    rows = [
        (1, result_cmd(HA_TINH, "KH", 101.0)),
        (2, result_cmd(HA_TINH, "IIP", 5.0)),  # no such target
        (3, result_cmd("lang-son", "KH", 5.0)),  # not a party
        (4, result_cmd(NGHE_AN, "XK", 1.5)),  # Hà Tĩnh's own target
        (5, result_cmd(THANH_HOA, "KH", 99.0, date(2021, 1, 1))),  # before the proposal
        (6, result_cmd(HA_TINH, "XK", 2.1)),
        (7, result_cmd(HA_TINH, "KH", 100.0)),  # row 1 again
        (8, result_cmd(THANH_HOA, "KH", float("nan"))),
    ]

    found = results.check_rows(state, rows, TODAY)

    assert [(f.row, f.field) for f in found] == [
        (2, "target_code"),
        (3, "unit_id"),
        (4, "target_code"),
        (5, "reported_on"),
        (7, "target_code"),
        (8, "value"),
    ]
    assert "row 1 already has" in found[4].reason


def test_good_rows_have_nothing_to_say_and_a_closed_pact_refuses_them_all():
    rows = [(1, result_cmd(HA_TINH, "KH", 101.0)), (2, result_cmd(NGHE_AN, "KH", 90.0))]
    assert results.check_rows(a_pact(target_set()), rows, TODAY) == []
    with pytest.raises(errors.PactIsClosed):
        results.check_rows(a_pact(target_set(), e.PactClosed(closed_on=date(2023, 1, 5))), rows, TODAY)
