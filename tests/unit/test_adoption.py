"""A pact adopts one version of a score sheet, fixed from the first assessment."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import assessment, errors, sheet
from app.domain import commands as c
from app.domain.adoption import adopt
from app.domain.assessment import SheetRef
from tests.unit.builders import PROPOSED_ON, a_pact, fold, pact_proposed
from tests.unit.sheets import (
    EXPORTS,
    IIP,
    SHEET_CODE,
    a_scored_pact,
    assessments,
    create_sheet,
    revision,
    self_assessed,
)

PACT = a_scored_pact()
SHEETS = fold(sheet.apply, sheet.create(None, create_sheet()))


def adoption(version=None, code=SHEET_CODE) -> c.AdoptScoreSheet:
    return c.AdoptScoreSheet(pact_id=PACT.id, sheet_code=code, version=version, adopted_on=PROPOSED_ON)


def test_a_pact_adopts_the_latest_version_unless_told_which():
    fields = {name: getattr(create_sheet(), name) for name in c.CreateScoreSheet.__dataclass_fields__}
    revised = fold(
        sheet.apply, sheet.revise(SHEETS, c.ReviseScoreSheet(**{**fields, "tolerance": 5.0})), SHEETS
    )

    [event] = adopt(PACT, revised, None, adoption())
    assert (event.sheet_code, event.version) == (SHEET_CODE, 2)
    assert fold(assessment.apply, [event]).sheet == SheetRef(code=SHEET_CODE, version=2)
    assert adopt(PACT, revised, None, adoption(version=1))[0].version == 1
    with pytest.raises(errors.InvalidValue) as raised:
        adopt(PACT, revised, None, adoption(version=3))
    assert raised.value.field == "version"


def test_an_unknown_sheet_is_refused_naming_the_field():
    with pytest.raises(errors.InvalidValue) as raised:
        adopt(PACT, None, None, adoption(code="khong-co"))
    assert raised.value.field == "sheet_code"
    with pytest.raises(errors.InvalidValue) as raised:
        adopt(PACT, None, None, adoption(code="khong-co"), field="score_sheet")
    assert raised.value.field == "score_sheet"


def test_a_pact_proposed_with_its_sheet_has_its_targets_checked_later():
    bare = a_pact()

    with pytest.raises(errors.UnknownTarget):
        adopt(bare, SHEETS, None, adoption())
    assert adopt(bare, SHEETS, None, adoption(), targets_later=True)[0].version == 1


def test_the_sheet_is_fixed_once_a_unit_is_assessed():
    with pytest.raises(errors.AssessmentStarted, match="can no longer change"):
        adopt(PACT, SHEETS, assessments(self_assessed()), adoption())


def test_another_version_may_be_adopted_until_then():
    revised = fold(sheet.apply, sheet.revise(SHEETS, revision(tolerance=5.0)), SHEETS)

    assert adopt(PACT, revised, assessments(), adoption())[0].version == 2


def test_adopting_the_same_version_again_is_refused():
    with pytest.raises(errors.RuleViolated, match="already scored by"):
        adopt(PACT, SHEETS, assessments(), adoption())


def test_a_target_criterion_naming_no_target_of_the_pact_is_refused_naming_it():
    with pytest.raises(errors.UnknownTarget, match="criterion I.2 .* target XK"):
        adopt(a_pact(IIP), SHEETS, None, adoption())


def test_the_sheet_must_be_valid_during_the_pacts_years():
    from_2023 = fold(sheet.apply, sheet.create(None, create_sheet(valid_from=date(2023, 1, 1))))

    with pytest.raises(errors.InvalidValue, match="not during 2022") as raised:
        adopt(PACT, from_2023, None, adoption())
    assert raised.value.field == "sheet_code"
    period = a_pact(IIP, EXPORTS, proposed=pact_proposed(year=None, period_start=2021, period_end=2025))
    assert adopt(period, from_2023, None, adoption())[0].version == 1
