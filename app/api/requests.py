"""Request bodies. Shapes and types are checked here; the real-world rules in the domain."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from app.domain.numbers import read_number


def _nfc(value: str) -> str:
    if "\x00" in value:
        # PostgreSQL text and jsonb cannot hold NUL: refuse it here rather than fail there.
        raise ValueError("must not contain the NUL character")
    return unicodedata.normalize("NFC", value)


def _number(value: object, info: ValidationInfo) -> object:
    if isinstance(value, bool):
        # Lax float parsing would read true as 1.0: a wrong type, not a number.
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, str):
        # The format the body declares (a field before this one), else the one an
        # import declares for all its rows (the validation context), else none.
        declared = info.data.get("number_format") or (info.context or {}).get("number_format")
        return float(read_number(value, declared))
    if isinstance(value, Decimal):
        return float(value)
    return value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), AfterValidator(_nfc)
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), AfterValidator(_nfc)]
Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1945, le=2100)]
NumberFormat = Annotated[
    Literal["vi", "en"] | None,
    Field(
        description="How numbers sent as text are written: vi 1.234,5 (or 1 234,5); en 1,234.5. "
        "Without it, a text that reads differently in the two (1.850) is refused.",
    ),
]
ExpectedVersion = Annotated[
    int | None, Field(ge=0, description="Optimistic concurrency: 409 if the stream moved on")
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: ExpectedVersion = None


class UnitIn(Body):
    id: Id
    name: Text
    province: Text
    registered_on: date | None = None


class RenameIn(Body):
    name: Text
    province: Text
    effective_on: date


class MergeIn(Body):
    into: Id
    effective_on: date
    legal_basis: Text


class ClusterIn(Body):
    id: Id
    name: Text
    region: Text
    members: Annotated[list[Id], Field(min_length=1)]
    formed_on: date


class MemberIn(Body):
    unit_id: Id
    joined_on: date


class LeadershipIn(Body):
    year: Year
    chair: Id
    deputy: Id
    decision_ref: Text
    decided_on: date | None = None


class HandoverIn(Body):
    conference_number: Annotated[int, Field(ge=1, le=1000)]
    year: Year
    from_unit: Id
    to_unit: Id
    handed_over_on: date


class PactIn(Body):
    id: Id | None = Field(default=None, description="Omit to let the server choose one")
    cluster_id: Id
    title: Text
    theme: LongText = ""
    year: Year | None = None
    period_start: Year | None = None
    period_end: Year | None = None
    content_items: list[LongText] = []
    proposed_on: date
    attainment_cap: Annotated[float, Field(ge=1.0, le=2.0)] = 1.0
    score_sheet: Code | None = Field(
        default=None, description="A score sheet to score the pact by, adopted at its latest version"
    )


class SignatureIn(Body):
    unit_id: Id
    signed_by: Text
    signed_on: date


class TargetIn(Body):
    number_format: NumberFormat = None
    code: Code
    title: Text
    kind: Literal["quantitative", "qualitative"]
    measure: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), AfterValidator(_nfc)] = (
        ""
    )
    direction: Literal["at_least", "at_most"] = "at_least"
    value: Number | None = None
    # Bounded so weight x attainment_cap stays a finite float (1e308 x 2 is inf).
    weight: Annotated[Number, Field(gt=0, le=1_000_000)]
    applies_to: list[Id] | None = None
    set_on: date | None = None


class ResultRow(BaseModel):
    """One result: the body of a single result and a row of an import."""

    model_config = ConfigDict(extra="forbid")

    unit_id: Id
    target_code: Code
    value: Number
    reported_on: date
    source: Text
    note: LongText | None = None
    _reported_as: str | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_text(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """The value's text as sent (a CSV cell, "1,85"), kept beside the number it reads as."""
        row = handler(data)
        sent = data.get("value") if isinstance(data, dict) else None
        row._reported_as = unicodedata.normalize("NFC", sent.strip()) if isinstance(sent, str) else None
        return row

    @property
    def reported_as(self) -> str | None:
        return self._reported_as


class _Declared(Body):
    number_format: NumberFormat = None


# Fields in this order: expected_version, number_format, then the row's (the
# value's parsing reads number_format, which must be validated before it).
class ResultIn(ResultRow, _Declared):
    pass


class WithdrawalIn(Body):
    unit_id: Id
    target_code: Code
    reason: Text
    withdrawn_on: date


class AwardIn(Body):
    recipient_unit: Id
    recipient_person: Text | None = None
    title: Text
    conferred_by: Text
    decision_ref: Text | None = None
    granted_on: date


class CloseIn(Body):
    closed_on: date
