"""Commands: what a user asks the ledger to do. Small, frozen, validated by handlers.

``expected_version`` is the optimistic-concurrency precondition a client may send
(``If-Match`` or a body field); None means "whatever the current version is".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.criteria import CriterionGroup, Entry


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterUnit(Command):
    id: str
    name: str
    province: str
    registered_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameUnit(Command):
    unit_id: str
    name: str
    province: str
    effective_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeUnit(Command):
    unit_id: str
    into: str
    effective_on: date
    legal_basis: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FormCluster(Command):
    id: str
    name: str
    region: str
    members: tuple[str, ...]
    formed_on: date
    kind: str = "emulation"
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AddMember(Command):
    cluster_id: str
    unit_id: str
    joined_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveMember(Command):
    cluster_id: str
    unit_id: str
    effective_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideRepartition(Command):
    """An admin's decision on a seat a merger left: admit the successor (from
    ``decided_on``) or not."""

    cluster_id: str
    unit_id: str
    admit_successor: bool
    decision_ref: str
    decided_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignLeadership(Command):
    cluster_id: str
    year: int
    chair: str
    deputy: str | None  # None: no source names the deputy
    decision_ref: str
    decided_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HandOverHostFlag(Command):
    cluster_id: str
    conference_number: int
    year: int
    from_unit: str
    to_unit: str
    handed_over_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposePact(Command):
    id: str
    cluster_id: str
    title: str
    theme: str
    year: int | None
    period_start: int | None
    period_end: int | None
    content_items: tuple[str, ...]
    proposed_on: date
    attainment_cap: float = 1.0
    # A score sheet the pact is scored by, adopted with it at its latest version (docs/scoring.md).
    score_sheet: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignPact(Command):
    pact_id: str
    unit_id: str
    signed_by: str
    signed_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetTarget(Command):
    pact_id: str
    code: str
    title: str
    kind: str
    measure: str
    direction: str
    value: float | None
    weight: float
    applies_to: tuple[str, ...] | None = None
    set_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordResult(Command):
    pact_id: str
    unit_id: str
    target_code: str
    value: float
    reported_on: date
    source: str
    note: str | None = None
    reported_as: str | None = None  # the value's text as sent, when it came as text
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WithdrawResult(Command):
    pact_id: str
    unit_id: str
    target_code: str
    reason: str
    withdrawn_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantAward(Command):
    pact_id: str
    recipient_unit: str
    title: str
    conferred_by: str
    granted_on: date
    recipient_person: str | None = None
    decision_ref: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClosePact(Command):
    pact_id: str
    closed_on: date
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateApiKey(Command):
    """Issue a key. ``secret_hash`` is the keyed hash of its secret: the handler keeps
    it beside the log (for authentication), never in an event."""

    id: str
    name: str
    role: str
    created_on: date
    secret_hash: str = field(repr=False)
    unit_id: str | None = None
    cluster_id: str | None = None
    expires_on: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeApiKey(Command):
    key_id: str
    revoked_on: date
    reason: str | None = None
    expected_version: int | None = None


# --- scoring by score sheet (docs/scoring.md) -------------------------------------


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
