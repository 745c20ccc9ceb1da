"""A pact's year-end scoring by its score sheet: one ``assessment`` stream per pact.

The stages of a unit's assessment, in order:

1. the unit's self-assessment (tự chấm), with evidence (minh chứng); it may
   be sent again until the cross-grade is in;
2. the cross-grade (chấm chéo) by the member the chair assigned, never the unit
   itself (``self-grading``); it may be sent again until the final;
3. where the two totals differ by more than the sheet's tolerance, the unit's
   explanation (giải trình): until it is filed the unit is
   ``awaiting_explanation`` and the chair cannot record the final;
4. the chair's final (any entries, with a reason); a later final corrects it.

Standings use the most advanced stage present: final, else cross, else self.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.aggregate import Aggregate
from app.domain.criteria import Entry
from app.domain.events import Event
from app.domain.pact import Pact, Target
from app.domain.results import _check_date as check_business_date
from app.domain.sheet import ScoreSheet, points
from app.domain.sheet_scoring import SheetScore, check_entries, check_targets, score
from app.domain.state import evolve

STAGES = ("self", "cross", "final")


@dataclass(frozen=True, slots=True, kw_only=True)
class Grading:
    """One stage's entries: ``grader_id`` is the unit itself (self), the
    cross-grader (cross), or None for the chair's final."""

    stage: str
    grader_id: str | None
    entries: tuple[Entry, ...]
    on: date
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitAssessment:
    unit_id: str
    grader_id: str | None = None  # the assigned cross-grader
    self_assessment: Grading | None = None
    cross: Grading | None = None
    # Filed after the latest cross-grade; a new cross-grade asks again.
    explanation: str | None = None
    final: Grading | None = None

    @property
    def current(self) -> Grading | None:
        """The most advanced stage present."""
        return self.final or self.cross or self.self_assessment


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetRef:
    code: str
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessments:
    """A pact's scoring: the sheet version it adopted, and every unit's assessment."""

    pact_id: str
    sheet: SheetRef
    units: Mapping[str, UnitAssessment] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        """Whether any unit has been assessed (its sheet is fixed from then on)."""
        return any(u.current is not None for u in self.units.values())

    def of(self, unit_id: str) -> UnitAssessment:
        return self.units.get(unit_id) or UnitAssessment(unit_id=unit_id)


def differs(sheet: ScoreSheet, targets: Mapping[str, Target], unit: UnitAssessment) -> bool:
    """Whether the cross-grade's total is further than the tolerance from the self-assessment's."""
    if unit.self_assessment is None or unit.cross is None:
        return False
    own = score(sheet, targets, unit.self_assessment.entries).total
    cross = score(sheet, targets, unit.cross.entries).total
    return abs(own - cross) > points(sheet.tolerance)


def status(sheet: ScoreSheet, targets: Mapping[str, Target], unit: UnitAssessment) -> str:
    if unit.final is not None:
        return "final"
    if unit.cross is not None:
        if unit.explanation is not None:
            return "explained"
        return "awaiting_explanation" if differs(sheet, targets, unit) else "cross_graded"
    return "self_assessed" if unit.self_assessment is not None else "not_started"


def current_score(
    sheet: ScoreSheet, targets: Mapping[str, Target], unit: UnitAssessment
) -> SheetScore | None:
    grading = unit.current
    return None if grading is None else score(sheet, targets, grading.entries)


# --- decisions -------------------------------------------------------------------


def _ready(
    pact: Pact,
    sheet: ScoreSheet | None,
    state: Assessments | None,
    unit_id: str,
    on: date,
    today: date,
    field: str,
) -> tuple[ScoreSheet, Assessments]:
    """The pact's sheet and assessments, when a stage about ``unit_id`` on ``on`` may be recorded."""
    pact.ensure_open()
    pact.ensure_party(unit_id)
    if sheet is None or state is None:
        raise errors.NoScoreSheet(f"pact {pact.id} has adopted no score sheet")
    check_targets(sheet, pact.targets, pact.id)
    check_business_date(pact, field, on, today)
    return sheet, state


def _not_blank(text: str, field: str, reason: str) -> None:
    if not text.strip():
        raise errors.InvalidValue(field, reason)


def assign_cross_grader(
    pact: Pact, sheet: ScoreSheet | None, state: Assessments | None, cmd: c.AssignCrossGrader, today: date
) -> list[Event]:
    _, state = _ready(pact, sheet, state, cmd.unit_id, cmd.assigned_on, today, "assigned_on")
    if cmd.grader_id == cmd.unit_id:
        raise errors.SelfGrading(f"unit {cmd.unit_id} cannot cross-grade itself")
    if cmd.grader_id not in pact.parties:
        raise errors.NotAMember(f"grader {cmd.grader_id} is not a party to pact {pact.id}")
    unit = state.of(cmd.unit_id)
    if unit.cross is not None:
        raise errors.StageOutOfOrder(f"unit {cmd.unit_id} was already cross-graded by {unit.cross.grader_id}")
    return [e.CrossGraderAssigned(unit_id=cmd.unit_id, grader_id=cmd.grader_id, assigned_on=cmd.assigned_on)]


def submit_self_assessment(
    pact: Pact, sheet: ScoreSheet | None, state: Assessments | None, cmd: c.SubmitSelfAssessment, today: date
) -> list[Event]:
    checked, state = _ready(pact, sheet, state, cmd.unit_id, cmd.submitted_on, today, "submitted_on")
    unit = state.of(cmd.unit_id)
    if unit.cross is not None or unit.final is not None:
        raise errors.StageOutOfOrder(
            f"unit {cmd.unit_id} is already {'cross-graded' if unit.final is None else 'finally scored'}: "
            "its self-assessment can no longer change"
        )
    check_entries(checked, pact.targets, cmd.entries)
    return [e.SelfAssessed(unit_id=cmd.unit_id, entries=cmd.entries, submitted_on=cmd.submitted_on)]


def submit_cross_grade(
    pact: Pact, sheet: ScoreSheet | None, state: Assessments | None, cmd: c.SubmitCrossGrade, today: date
) -> list[Event]:
    checked, state = _ready(pact, sheet, state, cmd.unit_id, cmd.submitted_on, today, "submitted_on")
    if cmd.grader_id == cmd.unit_id:
        raise errors.SelfGrading(f"unit {cmd.unit_id} cannot cross-grade itself")
    unit = state.of(cmd.unit_id)
    if unit.grader_id != cmd.grader_id:
        assigned = (
            f"the chair assigned {unit.grader_id}" if unit.grader_id else "the chair has assigned no one"
        )
        raise errors.NotTheGrader(
            f"{cmd.grader_id} is not the cross-grader of unit {cmd.unit_id}: {assigned}"
        )
    if unit.self_assessment is None:
        raise errors.StageOutOfOrder(f"unit {cmd.unit_id} has not assessed itself yet")
    if unit.final is not None:
        raise errors.StageOutOfOrder(f"unit {cmd.unit_id} already has the chair's final")
    check_entries(checked, pact.targets, cmd.entries)
    return [
        e.CrossGraded(
            unit_id=cmd.unit_id, grader_id=cmd.grader_id, entries=cmd.entries, submitted_on=cmd.submitted_on
        )
    ]


def file_explanation(
    pact: Pact, sheet: ScoreSheet | None, state: Assessments | None, cmd: c.FileExplanation, today: date
) -> list[Event]:
    checked, state = _ready(pact, sheet, state, cmd.unit_id, cmd.filed_on, today, "filed_on")
    _not_blank(cmd.explanation, "explanation", "must not be empty")
    if status(checked, pact.targets, state.of(cmd.unit_id)) != "awaiting_explanation":
        raise errors.NoExplanationDue(
            f"unit {cmd.unit_id} owes no explanation: its cross-grade is missing, "
            "within the tolerance, explained already or superseded by the final"
        )
    return [e.ExplanationFiled(unit_id=cmd.unit_id, explanation=cmd.explanation, filed_on=cmd.filed_on)]


def record_final(
    pact: Pact, sheet: ScoreSheet | None, state: Assessments | None, cmd: c.RecordFinalScore, today: date
) -> list[Event]:
    checked, state = _ready(pact, sheet, state, cmd.unit_id, cmd.recorded_on, today, "recorded_on")
    _not_blank(cmd.reason, "reason", "the chair's final needs a reason")
    unit = state.of(cmd.unit_id)
    if unit.self_assessment is None:
        raise errors.StageOutOfOrder(f"unit {cmd.unit_id} has not assessed itself yet")
    if status(checked, pact.targets, unit) == "awaiting_explanation":
        raise errors.AwaitingExplanation(
            f"unit {cmd.unit_id}'s cross-grade differs from its self-assessment by more than "
            f"{points(checked.tolerance):f} points: the unit explains before the final"
        )
    check_entries(checked, pact.targets, cmd.entries)
    return [
        e.FinalScoreRecorded(
            unit_id=cmd.unit_id, entries=cmd.entries, reason=cmd.reason, recorded_on=cmd.recorded_on
        )
    ]


# --- folds -----------------------------------------------------------------------

ASSESSMENT: Aggregate[Assessments] = Aggregate("assessment", Assessments)
apply = ASSESSMENT.apply


def _with(state: Assessments, unit_id: str, **changes: object) -> Assessments:
    units = dict(state.units)
    unit = units.get(unit_id) or UnitAssessment(unit_id=unit_id)
    units[unit_id] = evolve(unit, **changes)
    return evolve(state, units=units)


@apply.register
def _(event: e.ScoreSheetAdopted, state: Assessments | None) -> Assessments:
    sheet = SheetRef(code=event.sheet_code, version=event.version)
    return Assessments(pact_id=event.pact_id, sheet=sheet, units=state.units if state else {})


@apply.register
def _(event: e.CrossGraderAssigned, state: Assessments) -> Assessments:
    return _with(state, event.unit_id, grader_id=event.grader_id)


@apply.register
def _(event: e.SelfAssessed, state: Assessments) -> Assessments:
    grading = Grading(stage="self", grader_id=event.unit_id, entries=event.entries, on=event.submitted_on)
    return _with(state, event.unit_id, self_assessment=grading)


@apply.register
def _(event: e.CrossGraded, state: Assessments) -> Assessments:
    grading = Grading(stage="cross", grader_id=event.grader_id, entries=event.entries, on=event.submitted_on)
    return _with(state, event.unit_id, cross=grading, explanation=None)


@apply.register
def _(event: e.ExplanationFiled, state: Assessments) -> Assessments:
    return _with(state, event.unit_id, explanation=event.explanation)


@apply.register
def _(event: e.FinalScoreRecorded, state: Assessments) -> Assessments:
    grading = Grading(
        stage="final", grader_id=None, entries=event.entries, on=event.recorded_on, reason=event.reason
    )
    return _with(state, event.unit_id, final=grading)
