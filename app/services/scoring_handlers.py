"""Handlers of scoring by score sheet: (command, unit of work) -> the stream they changed.

A sheet's stream is ``sheet:<code>``; a pact's scoring is ``assessment:<pact id>``,
beside the pact's own stream, which these commands read and never write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain import adoption, assessment, pact, sheet
from app.domain import commands as c
from app.domain.assessment import Assessments
from app.domain.pact import Pact
from app.domain.sheet import ScoreSheet, SheetVersions
from app.services.clock import today
from app.services.unit_of_work import UnitOfWork

Handled = tuple[object, str]


def create_score_sheet(cmd: c.CreateScoreSheet, uow: UnitOfWork) -> Handled:
    existing = uow.load(sheet, cmd.code)
    uow.record(sheet, cmd.code, sheet.create(existing, cmd), cmd.expected_version)
    return sheet, cmd.code


def revise_score_sheet(cmd: c.ReviseScoreSheet, uow: UnitOfWork) -> Handled:
    existing = uow.load(sheet, cmd.code)
    uow.record(sheet, cmd.code, sheet.revise(existing, cmd), cmd.expected_version)
    return sheet, cmd.code


def adopt_score_sheet(cmd: c.AdoptScoreSheet, uow: UnitOfWork) -> Handled:
    state = _pact(uow, cmd.pact_id)
    sheets = uow.load(sheet, cmd.sheet_code)
    scoring = uow.load(assessment, cmd.pact_id)
    events = adoption.adopt(state, sheets, scoring, cmd)
    uow.record(assessment, cmd.pact_id, events, cmd.expected_version)
    return assessment, cmd.pact_id


def _pact(uow: UnitOfWork, pact_id: str) -> Pact:
    state = uow.get(pact, pact_id)
    assert isinstance(state, Pact)
    return state


def _scoring(uow: UnitOfWork, pact_id: str) -> tuple[Pact, ScoreSheet | None, Assessments | None]:
    """The pact, the sheet version it adopted (None before it adopts one), and its assessments."""
    state = _pact(uow, pact_id)
    scoring = uow.load(assessment, pact_id)
    if scoring is None:
        return state, None, None
    assert isinstance(scoring, Assessments)
    versions = uow.load(sheet, scoring.sheet.code)
    assert isinstance(versions, SheetVersions)
    return state, versions.version(scoring.sheet.version), scoring


def _stage(decide: Callable[..., list[Any]]) -> Callable[[Any, UnitOfWork], Handled]:
    """A stage's handler: the domain's ``decide(pact, sheet, assessments, cmd, today)``."""

    def handle(cmd: Any, uow: UnitOfWork) -> Handled:
        state, version, scoring = _scoring(uow, cmd.pact_id)
        events = decide(state, version, scoring, cmd, today())
        uow.record(assessment, cmd.pact_id, events, cmd.expected_version)
        return assessment, cmd.pact_id

    handle.__name__ = decide.__name__
    return handle


SCORING_HANDLERS: dict[type[c.Command], Callable[[Any, UnitOfWork], Handled]] = {
    c.CreateScoreSheet: create_score_sheet,
    c.ReviseScoreSheet: revise_score_sheet,
    c.AdoptScoreSheet: adopt_score_sheet,
    c.AssignCrossGrader: _stage(assessment.assign_cross_grader),
    c.SubmitSelfAssessment: _stage(assessment.submit_self_assessment),
    c.SubmitCrossGrade: _stage(assessment.submit_cross_grade),
    c.FileExplanation: _stage(assessment.file_explanation),
    c.RecordFinalScore: _stage(assessment.record_final),
}
