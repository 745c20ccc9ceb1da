"""Commands of scoring by score sheet. Small, frozen, keyword-only; the domain validates them.

``expected_version`` is the optimistic-concurrency precondition, as in
``app.domain.commands``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.commands import Command
from app.domain.scoring_events import CriterionGroup, Entry


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateScoreSheet(Command):
    code: str
    title: str
    legal_basis: str
    valid_from: date
    groups: tuple[CriterionGroup, ...]
    valid_to: date | None = None
    tolerance: float = 0.0
    attainment_cap: float = 1.0
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviseScoreSheet(CreateScoreSheet):
    """A new version of the sheet, whole (the same fields as creating it):
    pacts keep the version they adopted."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AdoptScoreSheet(Command):
    """The pact is scored by the sheet's ``version`` (None: its latest)."""

    pact_id: str
    sheet_code: str
    adopted_on: date
    version: int | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignCrossGrader(Command):
    pact_id: str
    unit_id: str
    grader_id: str
    assigned_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitSelfAssessment(Command):
    pact_id: str
    unit_id: str
    entries: tuple[Entry, ...]
    submitted_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitCrossGrade(Command):
    pact_id: str
    unit_id: str
    grader_id: str
    entries: tuple[Entry, ...]
    submitted_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FileExplanation(Command):
    pact_id: str
    unit_id: str
    explanation: str
    filed_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordFinalScore(Command):
    pact_id: str
    unit_id: str
    entries: tuple[Entry, ...]
    reason: str
    recorded_on: date
    expected_version: int | None = None
