"""Request bodies. Shapes and types are checked here; the real-world rules in the domain."""

from __future__ import annotations

import re
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
    WithJsonSchema,
    model_validator,
)

from app.domain.numbers import read_number

# C0 and C1 control characters other than tab and line breaks: no text of the
# domain holds one, and a terminal or a report that prints it would misbehave.
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every date a body carries lies within these: from the first year a pact may have
# (Year), to a century past its last; outside them a day is a typing error (0000, 9999).
FIRST_DAY, LAST_DAY = date(1945, 1, 1), date(2199, 12, 31)


def _nfc(value: str) -> str:
    if "\x00" in value:
        # PostgreSQL text and jsonb cannot hold NUL: refuse it here rather than fail there.
        raise ValueError("must not contain the NUL character")
    if _CONTROLS.search(value):
        raise ValueError("must not contain control characters")
    return unicodedata.normalize("NFC", value)


def _day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be a day from {FIRST_DAY} to {LAST_DAY}")
    return value


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


# Lists in a body hold at most this many items (a cluster's members, a pact's content
# items, a target's units); with strings capped too, no single field grows without bound.
MAX_ITEMS = 200
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
# Documented as they are checked: something besides white space (stripped), no NUL and no
# other control character but tab and line breaks (_CONTROLS).
_BAD = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_NO_NUL = {"pattern": f"^[^{_BAD}]*$"}
_SOME_TEXT = {"pattern": f"^[^{_BAD}]*[^\\s{_BAD}][^{_BAD}]*$"}
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_nfc),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 500, **_SOME_TEXT}),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=5000),
    AfterValidator(_nfc),
    WithJsonSchema({"type": "string", "maxLength": 5000, **_NO_NUL}),
]
# A JSON number, or the number as a person writes it (app.domain.numbers). Declared by
# hand: pydantic would say "number" only, and put a weight's bounds in keywords no
# JSON Schema validator knows (gt, le).
# The pattern is the text every format reads alike, whatever number_format says: a whole
# number. Decimals and groups are read too, in the declared format (vi 1.234,5 · 23,5;
# en 1,234.5 · 23.5), or without one when only one format can read them.
_AS_TEXT = {
    "type": "string",
    "pattern": "^[+-]?[0-9]{1,15}%?$",
    "description": "Written as text: a whole number (2, 90%) in any format; with decimals or "
    "groups as number_format says: vi 1.234,5 or 1 234,5 or 12,5%; en 1,234.5 or 12.5%. "
    "Without number_format a text that reads differently in the two (1.850) is refused.",
    "examples": ["2", "90%"],
}


Number = Annotated[
    float,
    BeforeValidator(_number),
    Field(allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, _AS_TEXT],
            "description": "A number: as JSON, or as text in a format number_format names",
        }
    ),
]


# Bounds in JSON Schema's own keywords: pydantic would write gt/le, which no validator knows.
_TO_A_MILLION = {"type": "number", "maximum": 1_000_000}
_POSITIVE = WithJsonSchema({**_TO_A_MILLION, "exclusiveMinimum": 0, "description": "Above 0 (text too)"})
_NOT_NEGATIVE = WithJsonSchema({**_TO_A_MILLION, "minimum": 0, "description": "0 or more (text too)"})
# Bounded so weight x attainment_cap stays a finite float (1e308 x 2 is inf).
Weight = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False, gt=0, le=1_000_000), _POSITIVE]
NonNegative = Annotated[
    float, BeforeValidator(_number), Field(allow_inf_nan=False, ge=0, le=1_000_000), _NOT_NEGATIVE
]
# Documented as checked: a date (RFC 3339 full-date) whose year is 1945 to 2199.
Day = Annotated[
    date,
    AfterValidator(_day),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": "^(19(4[5-9]|[5-9][0-9])|2[01][0-9]{2})-",
            "description": "A day from 1945-01-01 to 2199-12-31",
        }
    ),
]
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
    registered_on: Day | None = None


class RenameIn(Body):
    name: Text
    province: Text
    effective_on: Day


class MergeIn(Body):
    into: Id
    effective_on: Day
    legal_basis: Text


class ClusterIn(Body):
    id: Id
    name: Text
    region: Text
    members: Annotated[list[Id], Field(min_length=1, max_length=MAX_ITEMS)]
    kind: Literal["emulation", "cooperation", "internal"] = "emulation"
    formed_on: Day


class MemberIn(Body):
    unit_id: Id
    joined_on: Day


class RepartitionIn(Body):
    unit_id: Id
    admit_successor: bool
    decision_ref: Text
    decided_on: date


class LeadershipIn(Body):
    year: Year
    chair: Id
    deputy: Id | None = None
    decision_ref: Text
    decided_on: Day | None = None


class HandoverIn(Body):
    conference_number: Annotated[int, Field(ge=1, le=1000)]
    year: Year
    from_unit: Id
    to_unit: Id
    handed_over_on: Day


class PactIn(Body):
    id: Id | None = Field(default=None, description="Omit to let the server choose one")
    cluster_id: Id
    title: Text
    theme: LongText = ""
    year: Year | None = None
    period_start: Year | None = None
    period_end: Year | None = None
    content_items: Annotated[list[LongText], Field(max_length=MAX_ITEMS)] = []
    proposed_on: Day
    attainment_cap: Annotated[float, Field(ge=1.0, le=2.0)] = 1.0
    score_sheet: Code | None = Field(
        default=None, description="A score sheet to score the pact by, adopted at its latest version"
    )


class SignatureIn(Body):
    unit_id: Id
    signed_by: Text
    signed_on: Day


class TargetIn(Body):
    number_format: NumberFormat = None
    code: Code
    title: Text
    kind: Literal["quantitative", "qualitative"]
    measure: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=50),
        AfterValidator(_nfc),
        WithJsonSchema({"type": "string", "maxLength": 50, **_NO_NUL}),
    ] = ""
    direction: Literal["at_least", "at_most"] = "at_least"
    value: Number | None = None
    weight: Weight
    applies_to: Annotated[list[Id], Field(max_length=MAX_ITEMS)] | None = None
    set_on: Day | None = None


class ResultRow(BaseModel):
    """One result: the body of a single result and a row of an import."""

    model_config = ConfigDict(extra="forbid")

    unit_id: Id
    target_code: Code
    value: Number
    reported_on: Day
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
    withdrawn_on: Day


class AwardIn(Body):
    recipient_unit: Id
    recipient_person: Text | None = None
    title: Text
    conferred_by: Text
    decision_ref: Text | None = None
    granted_on: Day


class CloseIn(Body):
    closed_on: Day
