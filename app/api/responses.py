"""Response bodies: declared, so pydantic serializes them and OpenAPI documents them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class WriteAck(BaseModel):
    id: str
    version: int
    position: int | None


class ImportAck(WriteAck):
    """An import's answer: the pact's new version (its current one after a dry run)."""

    rows: int
    recorded: int
    dry_run: bool


class UnitOut(BaseModel):
    id: str
    name: str
    province: str
    merged_into: str | None
    merged_on: date | None
    version: int


class UnitAt(UnitOut):
    """A unit as it stood at ``as_of_position``."""

    as_of_position: int


class Membership(BaseModel):
    unit_id: str
    joined_on: date
    left_on: date | None


class RepartitionOut(BaseModel):
    """A seat a merger emptied: pending until ``decided_on``."""

    unit_id: str
    successor: str
    effective_on: date
    decision_ref: str | None
    decided_on: date | None
    admitted: bool | None


class ClusterOut(BaseModel):
    id: str
    name: str
    region: str
    formed_on: date
    kind: str = Field(
        "emulation", description="emulation (the Ministry's cụm thi đua), cooperation or internal"
    )
    members: list[str]
    memberships: list[Membership]
    flag_holder: str | None
    last_conference_number: int | None
    version: int
    pending_repartition: bool = False
    repartitions: list[RepartitionOut] = []


class ClusterAt(ClusterOut):
    """A cluster as it stood at ``as_of_position``."""

    as_of_position: int


class HandoverOut(BaseModel):
    conference_number: int
    year: int
    from_unit: str
    to_unit: str
    handed_over_on: date


class LeadershipOut(BaseModel):
    year: int
    chair: str
    deputy: str | None
    decision_ref: str


class RotationsOut(BaseModel):
    cluster_id: str
    as_of_position: int
    flag_holder: str | None
    next_conference_number: int | None
    handovers: list[HandoverOut]
    leadership: list[LeadershipOut]


class StandingOut(BaseModel):
    rank: int
    unit_id: str
    unit_name: str | None
    current_name: str | None = Field(None, description="The unit's name today, when it differs")
    score: float
    points: dict[str, float]
    missing: list[str]
    # On a score sheet, the stage the score comes from (docs/scoring.md); None for flat targets.
    stage: Literal["self", "cross", "final"] | None = None


class SheetRefOut(BaseModel):
    code: str
    version: int


class _Ranked(BaseModel):
    """How a pact's standings were made: by which sheet, or why nobody is ranked."""

    score_sheet: SheetRefOut | None = None
    not_scoreable: str | None = None  # the reason; standings is then empty
    not_assessed: list[str] = []  # on a sheet: the parties not assessed yet, unranked


class Leaders(BaseModel):
    chair: str
    deputy: str | None
    decision_ref: str


class Host(BaseModel):
    unit_id: str
    conference_number: int


class StandingsOut(_Ranked):
    cluster_id: str
    year: int
    as_of_position: int
    pact_id: str
    pact_status: str
    leadership: Leaders | None
    host: Host | None
    standings: list[StandingOut]


class ScoresOut(_Ranked):
    pact_id: str
    as_of_position: int
    status: str
    attainment_cap: float
    standings: list[StandingOut]


class SignatureOut(BaseModel):
    unit_id: str
    signed_by: str
    signed_on: date


class TargetOut(BaseModel):
    code: str
    ordinal: int
    title: str
    kind: str
    measure: str
    direction: str
    value: float | None
    weight: float
    applies_to: list[str] | None


class ResultOut(BaseModel):
    unit_id: str
    target_code: str
    value: float
    reported_on: date
    source: str
    note: str | None


class AwardOut(BaseModel):
    seq: int
    recipient_unit: str
    recipient_person: str | None
    title: str
    conferred_by: str
    decision_ref: str | None
    granted_on: date


class PactSummary(BaseModel):
    id: str
    cluster_id: str
    title: str
    theme: str
    year: int | None
    period_start: int | None
    period_end: int | None
    content_items: list[str]
    parties: list[str]
    proposed_on: date
    attainment_cap: float
    status: str
    closed_on: date | None
    version: int


class PactOut(PactSummary):
    as_of_position: int
    signatures: list[SignatureOut]
    targets: list[TargetOut]
    results: list[ResultOut]
    awards: list[AwardOut]
    score_sheet: SheetRefOut | None = None  # the sheet version it is scored by (docs/scoring.md)


class EventOut(BaseModel):
    position: int
    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    data: dict
    metadata: dict
    occurred_on: date | None
    recorded_at: datetime
    prev_hash: str
    hash: str


class Page(BaseModel, Generic[T]):
    items: list[T]


class Paged(Page[T], Generic[T]):
    """A page of a list (app.api.reading): ``next`` is the next page's URL, null on the
    last; every page of one walk reflects the first page's ``as_of_position``."""

    next: str | None
    as_of_position: int


class CheckpointOut(BaseModel):
    """The ledger's signed word that the event at ``position`` has hash ``hash`` (docs/audit.md, 4)."""

    position: int
    hash: str
    signed_at: str
    key_id: str
    signature: str


class CheckpointPage(Page[CheckpointOut]):
    next: str | None


class PublicKeyOut(BaseModel):
    key_id: str
    algorithm: str
    pem: str
    jwk: dict[str, str]


class VerifyOut(BaseModel):
    intact: bool
    from_position: int
    to_position: int
    events: int
    checkpoints: int
    signatures: int
    head_hash: str
    seconds: float
    summary: str


class EventPage(Page[EventOut]):
    """A page of the log: ``next`` is the URL of the next page, null on the last one;
    ``as_of_position`` the log's last position when the page was read."""

    next: str | None
    as_of_position: int


class NameOut(BaseModel):
    name: str
    province: str
    valid_from: date | None
    valid_to: date | None


class LineageLink(BaseModel):
    unit_id: str
    name: str | None
    effective_on: date | None
    legal_basis: str | None


class LineageOut(BaseModel):
    unit_id: str
    name: str
    names: list[NameOut]
    predecessors: list[LineageLink]
    successors: list[LineageLink]


class SearchHit(BaseModel):
    kind: str
    id: str
    name: str
    exact: bool = Field(description="The name holds the query with its diacritics as typed")


class SearchOut(BaseModel):
    q: str
    items: list[SearchHit]
