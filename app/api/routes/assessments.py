"""A pact's scoring by its sheet: the sheet it adopts, and each unit's stages (docs/scoring.md)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import IfMatch, LedgerDep, ReadConn, expected_version
from app.api.requests import Id
from app.api.responses import WriteAck
from app.api.routes._write import WRITE_ERRORS
from app.api.scoring_models import (
    AdoptionIn,
    AssessmentOut,
    CrossGradeIn,
    EntryIn,
    ExplanationIn,
    FinalIn,
    GraderIn,
    SelfAssessmentIn,
)
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.domain.criteria import Entry
from app.projections import assessment_history

router = APIRouter(route_class=StrictQueryRoute, prefix="/pacts/{pact_id}", tags=["scoring"])
UNIT = "/assessments/{unit_id}"


def _entries(entries: list[EntryIn]) -> tuple[Entry, ...]:
    return tuple(Entry(**e.model_dump()) for e in entries)


@router.post("/score-sheet", responses=WRITE_ERRORS, response_model=WriteAck)
def adopt_score_sheet(pact_id: Id, body: AdoptionIn, write: WriteDep, match: IfMatch) -> Response:
    """The pact is scored by this sheet (its latest version unless one is named), until the first
    assessment; the ETag and expected_version are the pact's assessment stream's."""
    cmd = c.AdoptScoreSheet(
        pact_id=pact_id,
        sheet_code=body.sheet_code,
        version=body.version,
        adopted_on=body.adopted_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post(UNIT + "/cross-grader", responses=WRITE_ERRORS, response_model=WriteAck)
def assign_cross_grader(
    pact_id: Id, unit_id: Id, body: GraderIn, write: WriteDep, match: IfMatch
) -> Response:
    """The chair names the member who cross-grades the unit (never the unit itself: 409 self-grading)."""
    cmd = c.AssignCrossGrader(
        pact_id=pact_id,
        unit_id=unit_id,
        grader_id=body.grader_id,
        assigned_on=body.assigned_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post(UNIT + "/self", responses=WRITE_ERRORS, response_model=WriteAck)
def submit_self_assessment(
    pact_id: Id, unit_id: Id, body: SelfAssessmentIn, write: WriteDep, match: IfMatch
) -> Response:
    """The unit's self-assessment (tự chấm): an entry per criterion, with its evidence."""
    cmd = c.SubmitSelfAssessment(
        pact_id=pact_id,
        unit_id=unit_id,
        entries=_entries(body.entries),
        submitted_on=body.submitted_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post(UNIT + "/cross", responses=WRITE_ERRORS, response_model=WriteAck)
def submit_cross_grade(
    pact_id: Id, unit_id: Id, body: CrossGradeIn, write: WriteDep, match: IfMatch
) -> Response:
    """The assigned grader's cross-grade (chấm chéo)."""
    cmd = c.SubmitCrossGrade(
        pact_id=pact_id,
        unit_id=unit_id,
        grader_id=body.grader_id,
        entries=_entries(body.entries),
        submitted_on=body.submitted_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post(UNIT + "/explanation", responses=WRITE_ERRORS, response_model=WriteAck)
def file_explanation(
    pact_id: Id, unit_id: Id, body: ExplanationIn, write: WriteDep, match: IfMatch
) -> Response:
    """The unit's explanation (giải trình), due when the cross-grade is beyond the sheet's tolerance."""
    cmd = c.FileExplanation(
        pact_id=pact_id,
        unit_id=unit_id,
        explanation=body.explanation,
        filed_on=body.filed_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post(UNIT + "/final", responses=WRITE_ERRORS, response_model=WriteAck)
def record_final(pact_id: Id, unit_id: Id, body: FinalIn, write: WriteDep, match: IfMatch) -> Response:
    """The chair's final, with its reason."""
    cmd = c.RecordFinalScore(
        pact_id=pact_id,
        unit_id=unit_id,
        entries=_entries(body.entries),
        reason=body.reason,
        recorded_on=body.recorded_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.get(UNIT, responses={404: {"description": "Unknown pact, no sheet, or not a party"}})
def get_assessment(pact_id: str, unit_id: str, conn: ReadConn, ledger: LedgerDep) -> AssessmentOut:
    """Every stage of the unit's assessment, with its actor, time, per-criterion points and totals."""
    return AssessmentOut(**assessment_history.unit_assessment(conn, ledger.store, pact_id, unit_id))
