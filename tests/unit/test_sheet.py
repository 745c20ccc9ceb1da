"""Score sheets as versioned data: given a sheet's events, when a command, then events or an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain import errors, sheet
from app.domain.criteria import Criterion, CriterionGroup
from tests.unit.builders import fold
from tests.unit.sheets import GROUPS, SHEET_CODE, create_sheet, revision


def created() -> sheet.SheetVersions:
    return fold(sheet.apply, sheet.create(None, create_sheet()))


def test_creating_a_sheet_publishes_version_1_with_its_groups():
    [event] = sheet.create(None, create_sheet())

    assert event.version == 1 and event.code == SHEET_CODE and event.groups == GROUPS
    state = fold(sheet.apply, [event])
    assert state.latest.version == 1
    assert [c.code for c in state.latest.criteria()] == ["I.1", "I.2", "II.1", "III.1", "IV.1"]


def test_a_sheet_is_created_once():
    with pytest.raises(errors.AlreadyExists):
        sheet.create(created(), create_sheet())


def test_a_revision_is_the_next_version_and_the_earlier_one_stays():
    state = fold(sheet.apply, sheet.revise(created(), revision(tolerance=3.0)), created())

    assert [v.version for v in state.versions] == [1, 2]
    assert state.version(1).tolerance == 2.0 and state.latest.tolerance == 3.0
    assert state.version(3) is None


def test_a_revision_that_changes_nothing_is_refused():
    with pytest.raises(errors.RuleViolated, match="nothing to revise"):
        sheet.revise(created(), revision())


def test_revising_an_unknown_sheet_is_not_found():
    with pytest.raises(errors.NotFound):
        sheet.revise(None, revision())


def test_criteria_maxima_above_their_group_maximum_are_refused_naming_the_group():
    group_i = replace(GROUPS[0], max_points=55.0)

    with pytest.raises(
        errors.InvalidValue, match="add up to 60.0, more than the group's maximum 55.0"
    ) as raised:
        sheet.create(None, create_sheet(groups=(group_i, *GROUPS[1:])))
    assert raised.value.field == "groups.0.max_points"


def _with_criterion(criterion: Criterion) -> tuple[CriterionGroup, ...]:
    return (CriterionGroup(code="G", title="Nhóm", max_points=100.0, criteria=(criterion,)),)


@pytest.mark.parametrize(
    "criterion, field",
    [
        (Criterion(code="C", title="t", kind="grade", max_points=5.0), "groups.0.criteria.0.kind"),
        (Criterion(code="C", title="t", kind="target", max_points=5.0), "groups.0.criteria.0.target_code"),
        (
            Criterion(code="C", title="t", kind="per_item", max_points=5.0),
            "groups.0.criteria.0.points_each",
        ),
        (
            Criterion(code="C", title="t", kind="bonus", max_points=5.0, points_each=0.0),
            "groups.0.criteria.0.points_each",
        ),
        (
            Criterion(code="C", title="t", kind="pass_fail", max_points=5.0, points_each=1.0),
            "groups.0.criteria.0.points_each",
        ),
        (
            Criterion(code="C", title="t", kind="pass_fail", max_points=5.0, target_code="IIP"),
            "groups.0.criteria.0.target_code",
        ),
        (
            Criterion(code="C", title="t", kind="pass_fail", max_points=0.0),
            "groups.0.criteria.0.max_points",
        ),
        (
            Criterion(code="C", title="t", kind="pass_fail", max_points=float("inf")),
            "groups.0.criteria.0.max_points",
        ),
        (Criterion(code="", title="t", kind="pass_fail", max_points=1.0), "groups.0.criteria.0.code"),
    ],
)
def test_a_criterion_that_does_not_fit_its_kind_is_refused_naming_the_field(criterion, field):
    with pytest.raises(errors.InvalidValue) as raised:
        sheet.create(None, create_sheet(groups=_with_criterion(criterion)))

    assert raised.value.field == field


def test_codes_are_unique_across_the_sheet():
    twice = replace(GROUPS[1], code="I")

    with pytest.raises(errors.InvalidValue, match="already the code of groups.0") as raised:
        sheet.create(None, create_sheet(groups=(GROUPS[0], twice)))
    assert raised.value.field == "groups.1.code"


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(groups=()), "groups"),
        (dict(valid_to=date(2021, 12, 31)), "valid_to"),
        (dict(tolerance=-0.5), "tolerance"),
        (dict(attainment_cap=2.5), "attainment_cap"),
        (dict(attainment_cap=0.9), "attainment_cap"),
        (dict(groups=(replace(GROUPS[0], criteria=()),)), "groups.0.criteria"),
    ],
)
def test_sheet_settings_out_of_range_are_refused(changes, field):
    with pytest.raises(errors.InvalidValue) as raised:
        sheet.create(None, create_sheet(**changes))

    assert raised.value.field == field


def test_a_sheet_knows_the_years_it_is_valid_for():
    sheet_2022 = created().latest
    bounded = fold(sheet.apply, sheet.create(None, create_sheet(valid_to=date(2022, 12, 31)))).latest

    assert sheet_2022.overlaps(date(2030, 1, 1), date(2030, 12, 31))
    assert not sheet_2022.overlaps(date(2021, 1, 1), date(2021, 12, 31))
    assert not bounded.overlaps(date(2023, 1, 1), date(2023, 12, 31))
