"""The events and commands of scoring by sheet: frozen, keyword-only, events named in the past tense."""

from __future__ import annotations

import dataclasses

import pytest

from app.domain import commands as c
from app.domain import events as e
from app.domain.assessment import ASSESSMENT
from app.domain.sheet import SHEET

EVENTS = [
    e.ScoreSheetPublished,
    e.ScoreSheetAdopted,
    e.CrossGraderAssigned,
    e.SelfAssessed,
    e.CrossGraded,
    e.ExplanationFiled,
    e.FinalScoreRecorded,
]
COMMANDS = [
    c.CreateScoreSheet,
    c.ReviseScoreSheet,
    c.AdoptScoreSheet,
    c.AssignCrossGrader,
    c.SubmitSelfAssessment,
    c.SubmitCrossGrade,
    c.FileExplanation,
    c.RecordFinalScore,
]


@pytest.mark.parametrize("cls", [*EVENTS, *COMMANDS], ids=lambda cls: cls.__name__)
def test_each_is_frozen_and_built_by_keyword_only(cls):
    assert cls.__dataclass_params__.frozen
    assert all(f.kw_only for f in dataclasses.fields(cls))


@pytest.mark.parametrize("cls", EVENTS, ids=lambda cls: cls.__name__)
def test_an_event_is_named_for_what_happened_and_stored_under_its_name(cls):
    assert cls.__name__.endswith("ed")
    assert cls in SHEET.apply.event_types or cls in ASSESSMENT.apply.event_types
    assert e.EVENT_TYPES[cls.__name__] is cls
