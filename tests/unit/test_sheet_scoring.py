"""Scoring by score sheet, in exact decimals. Every expected value is worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import errors
from app.domain.criteria import Criterion, CriterionGroup, Entry
from app.domain.sheet_scoring import check_entries, check_targets, round_points, score
from tests.unit.builders import target_set
from tests.unit.sheets import a_scored_pact, a_sheet, the_example_entries

TARGETS = a_scored_pact().targets


def one_criterion(criterion: Criterion, entry: Entry, group_max: float = 100.0, **sheet) -> Decimal:
    """The total of a sheet holding one group with one criterion."""
    group = CriterionGroup(code="G", title="Nhóm", max_points=group_max, criteria=(criterion,))
    return score(a_sheet(groups=(group,), **sheet), TARGETS, [entry]).total


def target(code="IIP", max_points=30.0):
    return Criterion(code="C", title="Chỉ tiêu", kind="target", max_points=max_points, target_code=code)


def counted(kind, points_each, max_points):
    return Criterion(code="C", title="Đếm", kind=kind, max_points=max_points, points_each=points_each)


# --- the worked example of issue 14 ---------------------------------------------------


def test_the_worked_example_scores_78():
    result = score(a_sheet(), TARGETS, the_example_entries())

    assert [(g.code, round_points(g.points)) for g in result.groups] == [
        ("I", Decimal("57.00")),  # 30 x min(9.2 / 8.0, 1) + 30 x 3.15 / 3.50 = 30 + 27
        ("II", Decimal("18.00")),  # 2 x 9
        ("III", Decimal("5.00")),  # 2.5 x 3 = 7.5, capped at 5
        ("IV", Decimal("-2.00")),  # 2 x 1
    ]
    assert result.total == Decimal("78.00")
    assert str(result.total) == "78.00"
    assert result.missing == ()


# --- target criteria ------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, cap, expected",
    [
        (8.0, 1.0, "30.00"),  # on target
        (6.0, 1.0, "22.50"),  # 30 x 0.75
        (9.2, 1.0, "30.00"),  # 1.15 capped at 1
        (9.2, 1.2, "34.50"),  # 30 x 1.15 within a cap of 1.2
        (12.0, 1.2, "36.00"),  # 1.5 capped at 1.2
        (-1.0, 1.0, "0.00"),  # a fall earns nothing, never less
    ],
)
def test_an_at_least_target_earns_its_max_times_the_capped_attainment(actual, cap, expected):
    assert one_criterion(target(), Entry(criterion_code="C", value=actual), attainment_cap=cap) == Decimal(
        expected
    )


def test_an_at_most_target_and_its_cap():
    targets = {"D": target_set("D", direction="at_most", value=5.0)}
    sheet = a_sheet(
        groups=(CriterionGroup(code="G", title="N", max_points=40, criteria=(target("D", 20.0),)),)
    )

    def total(actual, cap=1.0):
        s = a_sheet(groups=sheet.groups, attainment_cap=cap)
        return score(s, targets, [Entry(criterion_code="C", value=actual)]).total

    assert total(10.0) == Decimal("10.00")  # 20 x 5 / 10
    assert total(4.0) == Decimal("20.00")  # 5 / 4 capped at 1
    assert total(4.0, cap=1.5) == Decimal("25.00")  # 20 x 1.25
    assert total(0.0, cap=1.5) == Decimal("30.00")  # an actual of 0 earns the cap


def test_a_target_criterion_above_its_max_is_held_by_the_group_cap():
    # 30 x 1.2 = 36 and 30 x 1.0 = 30 is 66 scored points; group I's maximum is 60.
    sheet = a_sheet(attainment_cap=1.2)
    result = score(
        sheet, TARGETS, [Entry(criterion_code="I.1", value=9.6), Entry(criterion_code="I.2", value=3.5)]
    )

    assert result.groups[0].points == Decimal("60.0") and result.groups[0].capped
    assert result.total == Decimal("60.00")


def test_a_qualitative_target_counts_the_points_given():
    targets = {"Q": target_set("Q", kind="qualitative", value=None, weight=10.0)}
    sheet = a_sheet(
        groups=(CriterionGroup(code="G", title="N", max_points=10, criteria=(target("Q", 10.0),)),)
    )

    assert score(sheet, targets, [Entry(criterion_code="C", value=7.25)]).total == Decimal("7.25")
    with pytest.raises(errors.InvalidValue) as raised:
        check_entries(sheet, targets, [Entry(criterion_code="C", value=10.5)])
    assert raised.value.field == "entries.0.value"


# --- pass/fail, per item, bonus, penalty -------------------------------------------------


def test_pass_fail_earns_all_or_nothing():
    criterion = Criterion(code="C", title="Hoàn thành", kind="pass_fail", max_points=5.0)

    assert one_criterion(criterion, Entry(criterion_code="C", passed=True)) == Decimal("5.00")
    assert one_criterion(criterion, Entry(criterion_code="C", passed=False)) == Decimal("0.00")


@pytest.mark.parametrize(
    "count, expected", [(0, "0.00"), (3, "4.50"), (6, "9.00"), (7, "9.00"), (40, "9.00")]
)
def test_per_item_points_stop_at_the_criterion_max(count, expected):
    assert one_criterion(counted("per_item", 1.5, 9.0), Entry(criterion_code="C", count=count)) == Decimal(
        expected
    )


def one_group(*criteria: Criterion, max_points: float) -> object:
    return a_sheet(groups=(CriterionGroup(code="G", title="Nhóm", max_points=max_points, criteria=criteria),))


def total_of(sheet, **counts: int) -> Decimal:
    return score(sheet, TARGETS, [Entry(criterion_code=code, count=n) for code, n in counts.items()]).total


def test_a_bonus_is_capped_at_its_max_and_added_after_the_group_cap():
    # A full group (per_item 20 of 20) still takes the bonus on top of its maximum.
    bonus = Criterion(code="B", title="Thưởng", kind="bonus", max_points=5.0, points_each=2.5)
    sheet = one_group(counted("per_item", 2.0, 20.0), bonus, max_points=25.0)

    assert total_of(sheet, C=10, B=1) == Decimal("22.50")
    assert total_of(sheet, C=10, B=3) == Decimal("25.00")  # 7.5 capped at 5


def test_a_penalty_is_taken_away_and_floored_at_minus_its_max():
    penalty = counted("penalty", 2.0, 10.0)

    assert one_criterion(penalty, Entry(criterion_code="C", count=1)) == Decimal("-2.00")
    assert one_criterion(penalty, Entry(criterion_code="C", count=9)) == Decimal("-10.00")


def test_the_total_rounds_half_up_once_at_the_end_in_exact_decimals():
    # 2 x 1.425 + 3 x 0.1 = 3.15 exactly; in floats 0.1 x 3 is 0.30000000000000004.
    tenth = Criterion(code="D", title="Đếm", kind="per_item", max_points=5.0, points_each=0.1)
    sheet = one_group(counted("per_item", 1.425, 5.0), tenth, max_points=10.0)

    assert total_of(sheet, C=2, D=3) == Decimal("3.15")
    # 0.005 rounds half-up to 0.01, not to the even 0.00.
    assert total_of(one_group(counted("per_item", 0.005, 5.0), max_points=10.0), C=1) == Decimal("0.01")


def test_a_missing_entry_earns_nothing_and_is_listed_but_a_missing_bonus_is_none_earned():
    result = score(a_sheet(), TARGETS, [Entry(criterion_code="I.1", value=8.0)])

    assert result.total == Decimal("30.00")
    assert result.missing == ("I.2", "II.1")


# --- what a grader may send ---------------------------------------------------------------


@pytest.mark.parametrize(
    "entry, field",
    [
        (Entry(criterion_code="X.9", value=1.0), "entries.0.criterion_code"),
        (Entry(criterion_code="I.1"), "entries.0.value"),
        (Entry(criterion_code="I.1", value=9.0, count=2), "entries.0.count"),
        (Entry(criterion_code="I.1", value=float("nan")), "entries.0.value"),
        (Entry(criterion_code="II.1", count=-1), "entries.0.count"),
        (Entry(criterion_code="II.1", passed=True), "entries.0.passed"),
        (Entry(criterion_code="IV.1", value=2.0), "entries.0.value"),
    ],
)
def test_an_entry_that_does_not_fit_its_criterion_is_refused_naming_the_field(entry, field):
    with pytest.raises(errors.InvalidValue) as raised:
        check_entries(a_sheet(), TARGETS, [entry])

    assert raised.value.field == field


def test_a_criterion_given_twice_is_refused():
    twice = [Entry(criterion_code="II.1", count=1), Entry(criterion_code="II.1", count=2)]

    with pytest.raises(errors.InvalidValue, match="given twice") as raised:
        check_entries(a_sheet(), TARGETS, twice)
    assert raised.value.field == "entries.1.criterion_code"


def test_a_target_criterion_must_name_a_target_of_the_pact():
    with pytest.raises(errors.UnknownTarget, match="criterion I.2 .* target XK"):
        check_targets(a_sheet(), {"IIP": TARGETS["IIP"]}, "giao-uoc-2022")
    check_targets(a_sheet(), TARGETS, "giao-uoc-2022")
