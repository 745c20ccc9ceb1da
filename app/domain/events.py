"""Domain events: past-tense, frozen, never renamed once stored.

The class name is the ``type`` string written to the log. A shape change bumps
``SCHEMA_VERSION`` and adds an upcaster in ``app.events.codec``; old rows stay
as they were written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from app.domain.criteria import Entry, SheetVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    SCHEMA_VERSION: ClassVar[int] = 1
    DATE_FIELD: ClassVar[str | None] = None

    @property
    def occurred_on(self) -> date | None:
        """The business date of the event (not the server time it was recorded)."""
        return getattr(self, self.DATE_FIELD) if self.DATE_FIELD else None


# --- unit: a Department of Industry and Trade (Sở Công Thương) -------------


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRegistered(Event):
    DATE_FIELD = "registered_on"
    id: str
    name: str
    province: str
    registered_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRenamed(Event):
    DATE_FIELD = "effective_on"
    name: str
    province: str
    effective_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitMerged(Event):
    """The unit is absorbed into ``into`` (sáp nhập) from ``effective_on``."""

    DATE_FIELD = "effective_on"
    into: str
    effective_on: date
    legal_basis: str


# --- cluster: an emulation cluster (cụm thi đua) ----------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterFormed(Event):
    DATE_FIELD = "formed_on"
    id: str
    name: str
    region: str
    members: tuple[str, ...]
    formed_on: date
    kind: str = "emulation"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    DATE_FIELD = "joined_on"
    unit_id: str
    joined_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    DATE_FIELD = "effective_on"
    unit_id: str
    effective_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RepartitionPending(Event):
    """``unit_id`` left the cluster on its merger into ``into``, which is not a
    member: the cluster waits for a decision on its memberships."""

    DATE_FIELD = "effective_on"
    unit_id: str
    into: str
    effective_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RepartitionDecided(Event):
    """The decision on the seat ``unit_id`` left: ``into`` admitted or not."""

    DATE_FIELD = "decided_on"
    unit_id: str
    into: str
    admitted: bool
    decision_ref: str
    decided_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadershipAssigned(Event):
    """Chair and deputy for a year (cụm trưởng, cụm phó), by Ministry decision."""

    DATE_FIELD = "decided_on"
    year: int
    chair: str
    deputy: str | None  # None: the deputy is not known
    decision_ref: str
    decided_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HostFlagHandedOver(Event):
    """The outgoing host hands the conference host flag (trao cờ đăng cai)."""

    DATE_FIELD = "handed_over_on"
    conference_number: int
    year: int
    from_unit: str
    to_unit: str
    handed_over_on: date


# --- pact: an emulation pact (giao ước thi đua) ------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PactProposed(Event):
    """``parties`` are the cluster's members on ``proposed_on``: all must sign."""

    DATE_FIELD = "proposed_on"
    id: str
    cluster_id: str
    title: str
    theme: str
    year: int | None
    period_start: int | None
    period_end: int | None
    content_items: tuple[str, ...]
    parties: tuple[str, ...]
    proposed_on: date
    attainment_cap: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PactSigned(Event):
    DATE_FIELD = "signed_on"
    unit_id: str
    signed_by: str
    signed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetSet(Event):
    """A target (chỉ tiêu). ``applies_to`` None means every party of the pact."""

    DATE_FIELD = "set_on"
    code: str
    title: str
    kind: str
    measure: str
    direction: str
    value: float | None
    weight: float
    applies_to: tuple[str, ...] | None
    set_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultRecorded(Event):
    """A result (kết quả); a later one for the same unit and target supersedes it.

    ``reported_as`` is the value's text exactly as the source sent it ("1.234,5",
    "12,5%"), so an auditor sees what was reported beside the number it was read
    as; None when it came as a JSON number. Schema version 2 added it: version 1
    rows read as None (app.events.codec.UPCASTERS).
    """

    SCHEMA_VERSION = 2
    DATE_FIELD = "reported_on"
    unit_id: str
    target_code: str
    value: float
    reported_as: str | None
    reported_on: date
    source: str
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultWithdrawn(Event):
    """A result is withdrawn (rút lại): the unit's target has no result again.

    The withdrawn result stays in the log, as does this event with its reason."""

    DATE_FIELD = "withdrawn_on"
    unit_id: str
    target_code: str
    reason: str
    withdrawn_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class AwardGranted(Event):
    """An award (khen thưởng) granted by decision (quyết định)."""

    DATE_FIELD = "granted_on"
    recipient_unit: str
    recipient_person: str | None
    title: str
    conferred_by: str
    decision_ref: str | None
    granted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class PactClosed(Event):
    DATE_FIELD = "closed_on"
    closed_on: date


# --- apikey: who may write what (the secret itself never enters the log) --------


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKeyCreated(Event):
    """A key was issued to ``name`` with ``role`` (and its unit or cluster scope)."""

    DATE_FIELD = "created_on"
    id: str
    name: str
    role: str
    unit_id: str | None
    cluster_id: str | None
    expires_on: date | None
    created_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKeyRevoked(Event):
    DATE_FIELD = "revoked_on"
    revoked_on: date
    reason: str | None = None


# --- scoring by score sheet (bảng chấm điểm, docs/scoring.md) ------------------
# Points are JSON numbers (floats), each counting as the decimal it was written
# as (ADR 4); the records nested in an event are stored as JSON objects
# (app.events.nested).


# The records nested in these events (groups, criteria, entries) and a sheet
# version's fields are in app.domain.criteria.


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreSheetPublished(Event, SheetVersion):
    """A version of a score sheet (its fields are SheetVersion's): the first
    creates the sheet, each later one changes it. Pacts keep the version they adopted."""

    DATE_FIELD = "valid_from"


# --- assessment: a pact's year-end scoring, one stream per pact ---------------
# The pact's own stream is not touched: scoring by sheet adds a stream beside it.


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreSheetAdopted(Event):
    """The pact is scored by this version of the sheet (``score_sheet``). Always
    the first event of a pact's assessment stream: no stage comes before a sheet."""

    DATE_FIELD = "adopted_on"
    pact_id: str
    sheet_code: str
    version: int
    adopted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossGraderAssigned(Event):
    """The chair names the member who cross-grades a unit (chấm chéo)."""

    DATE_FIELD = "assigned_on"
    unit_id: str
    grader_id: str
    assigned_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class SelfAssessed(Event):
    """The unit's self-assessment (tự chấm)."""

    DATE_FIELD = "submitted_on"
    unit_id: str
    entries: tuple[Entry, ...]
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossGraded(Event):
    DATE_FIELD = "submitted_on"
    unit_id: str
    grader_id: str
    entries: tuple[Entry, ...]
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplanationFiled(Event):
    """The unit explains (giải trình) where its self-assessment and the cross-grade differ."""

    DATE_FIELD = "filed_on"
    unit_id: str
    explanation: str
    filed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalScoreRecorded(Event):
    """The chair's final (kết quả chấm cuối cùng), with the reason for it."""

    DATE_FIELD = "recorded_on"
    unit_id: str
    entries: tuple[Entry, ...]
    reason: str
    recorded_on: date


# Every event type by the name the log stores it under: each is a direct subclass of
# Event, defined above (tests/unit/test_codec.py and the folds' tests check the names).
EVENT_TYPES: dict[str, type[Event]] = {cls.__name__: cls for cls in Event.__subclasses__()}
