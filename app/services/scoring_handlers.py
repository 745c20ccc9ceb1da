"""Handlers of scoring by score sheet: (command, unit of work) -> the stream they changed.

A sheet's stream is ``sheet:<code>``; a pact's scoring is ``assessment:<pact id>``,
beside the pact's own stream, which these commands read and never write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from app.domain import adoption, sheet
from app.domain import commands as c
from app.domain.assessment import (
    ASSESSMENT,
    Assessments,
    assign_cross_grader,
    file_explanation,
    record_final,
    submit_cross_grade,
    submit_self_assessment,
)
from app.domain.events import Event
from app.domain.pact import PACT, Pact
from app.domain.sheet import SHEET, ScoreSheet
from app.services.clock import today
from app.services.unit_of_work import UnitOfWork, Written


def create_score_sheet(cmd: c.CreateScoreSheet, uow: UnitOfWork) -> Written:
    existing = uow.load(SHEET, cmd.code)
    uow.record(SHEET, cmd.code, sheet.create(existing, cmd), cmd.expected_version)
    return SHEET, cmd.code


def revise_score_sheet(cmd: c.ReviseScoreSheet, uow: UnitOfWork) -> Written:
    existing = uow.load(SHEET, cmd.code)
    uow.record(SHEET, cmd.code, sheet.revise(existing, cmd), cmd.expected_version)
    return SHEET, cmd.code


def adopt_score_sheet(cmd: c.AdoptScoreSheet, uow: UnitOfWork) -> Written:
    state = uow.get(PACT, cmd.pact_id)
    events = adoption.adopt(state, uow.load(SHEET, cmd.sheet_code), uow.load(ASSESSMENT, cmd.pact_id), cmd)
    uow.record(ASSESSMENT, cmd.pact_id, events, cmd.expected_version)
    return ASSESSMENT, cmd.pact_id


def adopt_with_proposal(cmd: c.ProposePact, uow: UnitOfWork) -> None:
    """The sheet a pact names in its proposal, adopted with it (its targets come later:
    each stage checks that the sheet's target criteria name one)."""
    assert cmd.score_sheet is not None
    adopt = c.AdoptScoreSheet(pact_id=cmd.id, sheet_code=cmd.score_sheet, adopted_on=cmd.proposed_on)
    state = uow.get(PACT, cmd.id)
    sheets = uow.load(SHEET, cmd.score_sheet)
    uow.record(
        ASSESSMENT,
        cmd.id,
        adoption.adopt(state, sheets, None, adopt, field="score_sheet", targets_later=True),
    )


def _scoring(uow: UnitOfWork, pact_id: str) -> tuple[Pact, ScoreSheet | None, Assessments | None]:
    """The pact, the sheet version it adopted (None before it adopts one), and its assessments."""
    state = uow.get(PACT, pact_id)
    scoring = uow.load(ASSESSMENT, pact_id)
    if scoring is None:
        return state, None, None
    versions = uow.load(SHEET, scoring.sheet.code)
    return state, versions.version(scoring.sheet.version) if versions else None, scoring


Decide = Callable[[Pact, ScoreSheet | None, Assessments | None, Any, date], list[Event]]


def _stage(decide: Decide) -> Callable[[Any, UnitOfWork], Written]:
    """A stage's handler: the domain's ``decide(pact, sheet, assessments, cmd, today)``."""

    def handle(cmd: Any, uow: UnitOfWork) -> Written:
        state, version, scoring = _scoring(uow, cmd.pact_id)
        uow.record(
            ASSESSMENT, cmd.pact_id, decide(state, version, scoring, cmd, today()), cmd.expected_version
        )
        return ASSESSMENT, cmd.pact_id

    handle.__name__ = decide.__name__
    return handle


SCORING_HANDLERS: dict[type[c.Command], Callable[[Any, UnitOfWork], Written]] = {
    c.CreateScoreSheet: create_score_sheet,
    c.ReviseScoreSheet: revise_score_sheet,
    c.AdoptScoreSheet: adopt_score_sheet,
    c.AssignCrossGrader: _stage(assign_cross_grader),
    c.SubmitSelfAssessment: _stage(submit_self_assessment),
    c.SubmitCrossGrade: _stage(submit_cross_grade),
    c.FileExplanation: _stage(file_explanation),
    c.RecordFinalScore: _stage(record_final),
}
