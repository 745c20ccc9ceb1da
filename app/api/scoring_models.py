"""Request and response bodies of scoring by score sheet (docs/scoring.md).

Shapes and types are checked here; the rules (a criterion fits its kind, maxima
within the group's, the stages' order) in the domain, which names the field.
Points are answered as JSON numbers of at most 2 decimals, never float noise.
Numbers sent as text are read only where the two formats agree ("9,2" is 9.2;
"1.850" is refused as ambiguous): send JSON numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictBool

from app.api.requests import Body, Code, Id, LongText, Number, Text

Points = Annotated[Number, Field(gt=0, le=1_000_000)]
# Exact decimals answered as JSON numbers: Decimal("78.00") is written 78.0, not "78.00".
Score = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Kind = Literal["target", "pass_fail", "per_item", "bonus", "penalty"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionIn(_Strict):
    code: Code
    title: Text
    kind: Kind
    max_points: Points
    target_code: Code | None = Field(default=None, description="kind target: the pact's target it scores")
    points_each: Points | None = Field(default=None, description="kinds per_item, bonus, penalty")


class GroupIn(_Strict):
    code: Code
    title: Text
    max_points: Points
    criteria: Annotated[list[CriterionIn], Field(min_length=1, max_length=200)]


class SheetVersionIn(Body):
    """A version of a sheet, whole."""

    title: Text
    legal_basis: LongText
    valid_from: date
    valid_to: date | None = None
    tolerance: Annotated[Number, Field(ge=0, le=1_000_000)] = 0.0
    attainment_cap: Annotated[float, Field(ge=1.0, le=2.0)] = 1.0
    groups: Annotated[list[GroupIn], Field(min_length=1, max_length=50)]


class ScoreSheetIn(SheetVersionIn):
    code: Code


class AdoptionIn(Body):
    sheet_code: Code
    version: Annotated[int, Field(ge=1)] | None = Field(default=None, description="Omit for the latest")
    adopted_on: date


class EntryIn(_Strict):
    criterion_code: Code
    value: Number | None = Field(default=None, description="kind target: the actual (qualitative: points)")
    count: Annotated[int, Field(ge=0, le=1_000_000)] | None = Field(default=None, description="counted kinds")
    passed: StrictBool | None = Field(default=None, description="kind pass_fail")
    evidence: LongText | None = Field(default=None, description="minh chứng: a note or a link")


Entries = Annotated[list[EntryIn], Field(max_length=500)]


class GraderIn(Body):
    grader_id: Id
    assigned_on: date


class SelfAssessmentIn(Body):
    entries: Entries
    submitted_on: date


class CrossGradeIn(SelfAssessmentIn):
    grader_id: Id


class ExplanationIn(Body):
    explanation: LongText
    filed_on: date


class FinalIn(Body):
    entries: Entries
    reason: Text
    recorded_on: date


# --- responses ---------------------------------------------------------------------


class CriterionOut(BaseModel):
    code: str
    title: str
    kind: Kind
    max_points: float
    target_code: str | None
    points_each: float | None


class GroupOut(BaseModel):
    code: str
    title: str
    max_points: float
    criteria: list[CriterionOut]


class ScoreSheetOut(BaseModel):
    code: str
    version: int
    versions: int
    title: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    tolerance: float
    attainment_cap: float
    groups: list[GroupOut]


class CriterionPointsOut(BaseModel):
    code: str
    kind: Kind
    points: Score
    missing: bool


class GroupPointsOut(BaseModel):
    code: str
    points: Score
    capped: bool


class StageOut(BaseModel):
    """One stage as the log holds it: who sent it, when, what, and the points it gives."""

    stage: Literal["self", "cross", "final"] | None
    event: str
    actor: str
    actor_role: str
    recorded_at: datetime
    on: date
    grader_id: str | None
    entries: list[dict[str, object]] | None
    reason: str | None
    explanation: str | None
    total: Score | None
    groups: list[GroupPointsOut] | None
    criteria: list[CriterionPointsOut] | None


class AssessmentOut(BaseModel):
    pact_id: str
    unit_id: str
    sheet_code: str
    sheet_version: int
    status: str
    grader_id: str | None
    stage: Literal["self", "cross", "final"] | None
    total: Score | None
    stages: list[StageOut]
