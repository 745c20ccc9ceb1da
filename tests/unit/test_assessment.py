"""The stages of an assessment: self, cross (and explanation), the chair's final.

Given the pact's assessment events, when a command, then events or an error.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import assessment, errors
from app.domain import commands as c
from app.domain import events as e
from app.domain.criteria import Entry
from app.domain.events import PactClosed
from tests.unit.builders import HA_TINH, NGHE_AN, THANH_HOA
from tests.unit.sheets import (
    ON,
    TODAY,
    a_scored_pact,
    a_sheet,
    assessments,
    self_assessed,
    the_example_entries,
)

PACT = a_scored_pact()
SHEET = a_sheet()  # tolerance 2.0 points
ASSIGNED = e.CrossGraderAssigned(unit_id=HA_TINH, grader_id=NGHE_AN, assigned_on=ON)


def cross_graded(entries=None, grader=NGHE_AN) -> e.CrossGraded:
    return e.CrossGraded(
        unit_id=HA_TINH, grader_id=grader, entries=entries or the_example_entries(), submitted_on=ON
    )


def cross_grade(grader=NGHE_AN, entries=None) -> c.SubmitCrossGrade:
    return c.SubmitCrossGrade(
        pact_id=PACT.id,
        unit_id=HA_TINH,
        grader_id=grader,
        entries=entries or the_example_entries(),
        submitted_on=ON,
    )


def final(reason="Hội đồng thống nhất") -> c.RecordFinalScore:
    return c.RecordFinalScore(
        pact_id=PACT.id, unit_id=HA_TINH, entries=the_example_entries(), reason=reason, recorded_on=ON
    )


def status(*events) -> str:
    return assessment.status(SHEET, PACT.targets, assessments(*events).of(HA_TINH))


# 9.2 / 3.15 / 9 reports total 78.00; with 5 on-time reports instead of 9 it is 70.00: 8 apart.
FAR = the_example_entries(on_time=5)
# With exports 3.08 instead of 3.15: I.2 = 30 x 3.08 / 3.5 = 26.40, total 77.40: 0.60 apart.
NEAR = the_example_entries(exports=3.08)


# --- self-assessment --------------------------------------------------------------------------


def test_a_unit_assesses_itself_with_evidence():
    cmd = c.SubmitSelfAssessment(
        pact_id=PACT.id, unit_id=HA_TINH, entries=the_example_entries(), submitted_on=ON
    )

    [event] = assessment.submit_self_assessment(PACT, SHEET, assessments(), cmd, TODAY)

    assert event == self_assessed()
    assert event.entries[0].evidence == "Báo cáo tổng kết năm 2022"
    assert status(event) == "self_assessed"


def test_a_self_assessment_needs_a_score_sheet():
    cmd = c.SubmitSelfAssessment(pact_id=PACT.id, unit_id=HA_TINH, entries=(), submitted_on=ON)

    with pytest.raises(errors.NoScoreSheet):
        assessment.submit_self_assessment(PACT, None, assessments(), cmd, TODAY)


def test_a_self_assessment_can_be_sent_again_until_the_cross_grade_is_in():
    cmd = c.SubmitSelfAssessment(pact_id=PACT.id, unit_id=HA_TINH, entries=NEAR, submitted_on=ON)
    assessment.submit_self_assessment(PACT, SHEET, assessments(self_assessed()), cmd, TODAY)

    with pytest.raises(errors.StageOutOfOrder, match="can no longer change"):
        assessment.submit_self_assessment(
            PACT, SHEET, assessments(self_assessed(), ASSIGNED, cross_graded()), cmd, TODAY
        )


def test_an_outsider_or_a_future_date_is_refused():
    outsider = c.SubmitSelfAssessment(pact_id=PACT.id, unit_id="ha-noi", entries=(), submitted_on=ON)
    with pytest.raises(errors.NotAMember):
        assessment.submit_self_assessment(PACT, SHEET, assessments(), outsider, TODAY)
    later = c.SubmitSelfAssessment(
        pact_id=PACT.id, unit_id=HA_TINH, entries=(), submitted_on=date(2023, 2, 1)
    )
    with pytest.raises(errors.InvalidValue) as raised:
        assessment.submit_self_assessment(PACT, SHEET, assessments(), later, TODAY)
    assert raised.value.field == "submitted_on"


def test_a_closed_pact_takes_no_assessment():
    cmd = c.SubmitSelfAssessment(pact_id=PACT.id, unit_id=HA_TINH, entries=(), submitted_on=ON)

    with pytest.raises(errors.PactIsClosed):
        assessment.submit_self_assessment(
            a_scored_pact(PactClosed(closed_on=ON)), SHEET, assessments(), cmd, TODAY
        )


# --- cross-grading ----------------------------------------------------------------------------


def test_the_chair_assigns_another_member_to_cross_grade():
    cmd = c.AssignCrossGrader(pact_id=PACT.id, unit_id=HA_TINH, grader_id=NGHE_AN, assigned_on=ON)

    assert assessment.assign_cross_grader(PACT, SHEET, assessments(), cmd, TODAY) == [ASSIGNED]


def test_grading_yourself_is_self_grading():
    assign = c.AssignCrossGrader(pact_id=PACT.id, unit_id=HA_TINH, grader_id=HA_TINH, assigned_on=ON)
    with pytest.raises(errors.SelfGrading):
        assessment.assign_cross_grader(PACT, SHEET, assessments(), assign, TODAY)

    with pytest.raises(errors.SelfGrading):
        assessment.submit_cross_grade(
            PACT, SHEET, assessments(self_assessed(), ASSIGNED), cross_grade(HA_TINH), TODAY
        )
    assert errors.SelfGrading.slug == "self-grading"


def test_only_the_assigned_grader_cross_grades():
    with pytest.raises(errors.NotTheGrader, match="the chair assigned nghe-an"):
        assessment.submit_cross_grade(
            PACT, SHEET, assessments(self_assessed(), ASSIGNED), cross_grade(THANH_HOA), TODAY
        )
    with pytest.raises(errors.NotTheGrader, match="assigned no one"):
        assessment.submit_cross_grade(PACT, SHEET, assessments(self_assessed()), cross_grade(), TODAY)


def test_the_cross_grade_comes_after_the_self_assessment():
    with pytest.raises(errors.StageOutOfOrder, match="not assessed itself"):
        assessment.submit_cross_grade(PACT, SHEET, assessments(ASSIGNED), cross_grade(), TODAY)


def test_a_cross_grade_within_the_tolerance_needs_no_explanation():
    [event] = assessment.submit_cross_grade(
        PACT, SHEET, assessments(self_assessed(), ASSIGNED), cross_grade(entries=NEAR), TODAY
    )

    assert status(self_assessed(), ASSIGNED, event) == "cross_graded"
    explain = c.FileExplanation(pact_id=PACT.id, unit_id=HA_TINH, explanation="...", filed_on=ON)
    with pytest.raises(errors.NoExplanationDue):
        assessment.file_explanation(
            PACT, SHEET, assessments(self_assessed(), ASSIGNED, event), explain, TODAY
        )


def test_a_cross_grade_beyond_the_tolerance_awaits_the_units_explanation():
    given = (self_assessed(), ASSIGNED, cross_graded(FAR))
    assert status(*given) == "awaiting_explanation"

    with pytest.raises(errors.AwaitingExplanation):
        assessment.record_final(PACT, SHEET, assessments(*given), final(), TODAY)

    explain = c.FileExplanation(
        pact_id=PACT.id,
        unit_id=HA_TINH,
        explanation="4 báo cáo gửi qua bưu điện, có dấu đúng hạn",
        filed_on=ON,
    )
    [filed] = assessment.file_explanation(PACT, SHEET, assessments(*given), explain, TODAY)
    assert status(*given, filed) == "explained"
    assert assessment.record_final(PACT, SHEET, assessments(*given, filed), final(), TODAY)


def test_a_new_cross_grade_asks_for_a_new_explanation():
    filed = e.ExplanationFiled(unit_id=HA_TINH, explanation="đã giải trình", filed_on=ON)

    assert (
        status(self_assessed(), ASSIGNED, cross_graded(FAR), filed, cross_graded(FAR))
        == "awaiting_explanation"
    )


def test_the_tolerance_is_the_sheets():
    lenient = a_sheet(tolerance=10.0)
    unit = assessments(self_assessed(), ASSIGNED, cross_graded(FAR)).of(HA_TINH)

    assert assessment.status(lenient, PACT.targets, unit) == "cross_graded"


# --- the chair's final ------------------------------------------------------------------------


def test_the_final_needs_a_reason_and_a_self_assessment():
    with pytest.raises(errors.InvalidValue) as raised:
        assessment.record_final(PACT, SHEET, assessments(self_assessed()), final(reason="  "), TODAY)
    assert raised.value.field == "reason"
    with pytest.raises(errors.StageOutOfOrder):
        assessment.record_final(PACT, SHEET, assessments(), final(), TODAY)


def test_the_final_may_differ_from_both_and_is_the_current_stage():
    entries = (Entry(criterion_code="I.1", value=8.0), Entry(criterion_code="I.2", value=3.5))
    cmd = c.RecordFinalScore(
        pact_id=PACT.id, unit_id=HA_TINH, entries=entries, reason="Theo số liệu Cục Thống kê", recorded_on=ON
    )
    given = (self_assessed(), ASSIGNED, cross_graded(NEAR))
    [event] = assessment.record_final(PACT, SHEET, assessments(*given), cmd, TODAY)

    unit = assessments(*given, event).of(HA_TINH)
    assert unit.current is not None and unit.current.stage == "final" and unit.current.reason == cmd.reason
    assert str(assessment.current_score(SHEET, PACT.targets, unit).total) == "60.00"
    with pytest.raises(errors.StageOutOfOrder, match="final"):
        assessment.submit_cross_grade(PACT, SHEET, assessments(*given, event), cross_grade(), TODAY)


def test_the_most_advanced_stage_present_is_the_current_one():
    assert assessments().of(HA_TINH).current is None
    assert assessments(self_assessed()).of(HA_TINH).current.stage == "self"
    assert assessments(self_assessed(), ASSIGNED, cross_graded()).of(HA_TINH).current.stage == "cross"
