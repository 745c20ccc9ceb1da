"""Events of scoring by score sheet: sheets (bảng chấm điểm) and the stages of an assessment.

Past-tense, frozen, keyword-only; never renamed once stored. Points are JSON
numbers (floats), each counting as the decimal it was written as (ADR 4); the
records nested in an event (groups, criteria, entries) are plain values too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.events import Event

# --- the records a sheet and an assessment are made of ------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """One line of a score sheet (tiêu chí). ``kind`` is one of sheet.CRITERION_KINDS:

    - ``target``: tied to the pact's target ``target_code``;
    - ``pass_fail``: met or not;
    - ``per_item``, ``bonus``, ``penalty``: ``points_each`` times a count.
    """

    code: str
    title: str
    kind: str
    max_points: float
    target_code: str | None = None
    points_each: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionGroup:
    """A group of criteria (nhóm tiêu chí) whose points are capped at ``max_points``."""

    code: str
    title: str
    max_points: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What a grader says of one criterion: a ``value`` (target), ``passed``
    (pass_fail) or a ``count`` (per_item, bonus, penalty), and the evidence
    (minh chứng): a note or a link."""

    criterion_code: str
    value: float | None = None
    count: int | None = None
    passed: bool | None = None
    evidence: str | None = None


# --- sheet: a score sheet, one stream per code, one event per version ---------


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetVersion:
    """What one version of a score sheet says: ScoreSheetPublished records it,
    and app.domain.sheet.ScoreSheet holds it."""

    code: str
    version: int
    title: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    tolerance: float  # points; a cross-grade further from the self-assessment needs an explanation
    attainment_cap: float  # of its target criteria
    groups: tuple[CriterionGroup, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreSheetPublished(Event, SheetVersion):
    """A version of a score sheet (its fields are SheetVersion's): the first
    creates the sheet, each later one changes it. Pacts keep the version they adopted."""

    STREAM_TYPE = "sheet"
    DATE_FIELD = "valid_from"


# --- assessment: a pact's year-end scoring, one stream per pact ---------------
# The pact's own stream is not touched: scoring by sheet adds a stream beside it.


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreSheetAdopted(Event):
    """The pact is scored by this version of the sheet (``score_sheet``). Always
    the first event of a pact's assessment stream: no stage comes before a sheet."""

    STREAM_TYPE = "assessment"
    DATE_FIELD = "adopted_on"
    pact_id: str
    sheet_code: str
    version: int
    adopted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossGraderAssigned(Event):
    """The chair names the member who cross-grades a unit (chấm chéo)."""

    STREAM_TYPE = "assessment"
    DATE_FIELD = "assigned_on"
    unit_id: str
    grader_id: str
    assigned_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class SelfAssessed(Event):
    """The unit's self-assessment (tự chấm)."""

    STREAM_TYPE = "assessment"
    DATE_FIELD = "submitted_on"
    unit_id: str
    entries: tuple[Entry, ...]
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossGraded(Event):
    STREAM_TYPE = "assessment"
    DATE_FIELD = "submitted_on"
    unit_id: str
    grader_id: str
    entries: tuple[Entry, ...]
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplanationFiled(Event):
    """The unit explains (giải trình) where its self-assessment and the cross-grade differ."""

    STREAM_TYPE = "assessment"
    DATE_FIELD = "filed_on"
    unit_id: str
    explanation: str
    filed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalScoreRecorded(Event):
    """The chair's final (kết quả chấm cuối cùng), with the reason for it."""

    STREAM_TYPE = "assessment"
    DATE_FIELD = "recorded_on"
    unit_id: str
    entries: tuple[Entry, ...]
    reason: str
    recorded_on: date


SCORING_EVENT_TYPES: tuple[type[Event], ...] = (
    ScoreSheetPublished,
    ScoreSheetAdopted,
    CrossGraderAssigned,
    SelfAssessed,
    CrossGraded,
    ExplanationFiled,
    FinalScoreRecorded,
)
