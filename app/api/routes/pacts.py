"""Pacts (giao ước thi đua): proposal, signatures, targets, results, awards, scores."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import IfMatch, expected_version
from app.api.reading import ListingDep, ReadsDep, SortKey, by, renamed
from app.api.requests import AwardIn, CloseIn, PactIn, ResultIn, SignatureIn, TargetIn, Year
from app.api.responses import PactOut, PactSummary, Paged, ScoresOut, WriteAck
from app.api.routes._write import WRITE_ERRORS, tagged
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.domain.pact import years_of
from app.projections.reads import Row

router = APIRouter(route_class=StrictQueryRoute, prefix="/pacts", tags=["pacts"])


@router.post("", status_code=201, responses=WRITE_ERRORS, response_model=WriteAck)
def propose_pact(body: PactIn, write: WriteDep) -> Response:
    pact_id = body.id or f"pact-{uuid.uuid4().hex[:12]}"
    cmd = c.ProposePact(
        id=pact_id,
        cluster_id=body.cluster_id,
        title=body.title,
        theme=body.theme,
        year=body.year,
        period_start=body.period_start,
        period_end=body.period_end,
        content_items=tuple(body.content_items),
        proposed_on=body.proposed_on,
        attainment_cap=body.attainment_cap,
        score_sheet=body.score_sheet,
        expected_version=body.expected_version,
    )
    return write.one(cmd, status=201, location=f"/api/v1/pacts/{pact_id}")


@router.post("/{pact_id}/signatures", responses=WRITE_ERRORS, response_model=WriteAck)
def sign_pact(pact_id: str, body: SignatureIn, write: WriteDep, match: IfMatch) -> Response:
    cmd = c.SignPact(
        pact_id=pact_id,
        unit_id=body.unit_id,
        signed_by=body.signed_by,
        signed_on=body.signed_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{pact_id}/targets", responses=WRITE_ERRORS, response_model=WriteAck)
def set_target(pact_id: str, body: TargetIn, write: WriteDep, match: IfMatch) -> Response:
    """Set a target (chỉ tiêu); setting a code again replaces it from then on."""
    cmd = c.SetTarget(
        pact_id=pact_id,
        code=body.code,
        title=body.title,
        kind=body.kind,
        measure=body.measure,
        direction=body.direction,
        value=body.value,
        weight=body.weight,
        applies_to=tuple(body.applies_to) if body.applies_to is not None else None,
        set_on=body.set_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{pact_id}/results", responses=WRITE_ERRORS, response_model=WriteAck)
def record_result(pact_id: str, body: ResultIn, write: WriteDep, match: IfMatch) -> Response:
    """Record a result (kết quả); a later one for the same unit and target supersedes it."""
    cmd = c.RecordResult(
        pact_id=pact_id,
        unit_id=body.unit_id,
        target_code=body.target_code,
        value=body.value,
        reported_as=body.reported_as,
        reported_on=body.reported_on,
        source=body.source,
        note=body.note,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{pact_id}/awards", responses=WRITE_ERRORS, response_model=WriteAck)
def grant_award(pact_id: str, body: AwardIn, write: WriteDep, match: IfMatch) -> Response:
    cmd = c.GrantAward(
        pact_id=pact_id,
        recipient_unit=body.recipient_unit,
        title=body.title,
        conferred_by=body.conferred_by,
        granted_on=body.granted_on,
        recipient_person=body.recipient_person,
        decision_ref=body.decision_ref,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{pact_id}/close", responses=WRITE_ERRORS, response_model=WriteAck)
def close_pact(pact_id: str, body: CloseIn, write: WriteDep, match: IfMatch) -> Response:
    cmd = c.ClosePact(
        pact_id=pact_id,
        closed_on=body.closed_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


def _first_year(pact: Row) -> tuple[Any, ...]:
    return (years_of(pact["year"], pact["period_start"], pact["period_end"])[0], pact["id"])


PACT_SORTS: dict[str, SortKey] = {
    "proposed_on": by("proposed_on"),
    "year": _first_year,
    "title": by("title"),
    "id": by(),
}
PactSort = Literal["proposed_on", "-proposed_on", "year", "-year", "title", "-title", "id", "-id"]


@router.get("")
def list_pacts(
    request: Request,
    response: Response,
    listing: ListingDep,
    cluster_id: Annotated[str | None, Query(description="Only this cluster's pacts")] = None,
    year: Annotated[Year | None, Query(description="Only pacts covering this year")] = None,
    unit_id: Annotated[str | None, Query(description="Only pacts this unit is a party to")] = None,
    sort: Annotated[
        PactSort, Query(description="Order of the items (year: a period's first)")
    ] = "proposed_on",
    cluster: Annotated[
        str | None, Query(deprecated=True, description="The old name of `cluster_id`; still read")
    ] = None,
) -> Paged[PactSummary]:
    """The pacts, paged; ``as_of`` lists them as they stood then."""
    cluster_id = renamed("cluster_id", cluster_id, "cluster", cluster)
    items = listing.reads.pacts(cluster_id, year)
    if unit_id is not None:
        items = [p for p in items if unit_id in p["parties"]]
    return Paged[PactSummary](**listing.page(request, response, items, PACT_SORTS, sort))


@router.get("/{pact_id}", responses={404: {"description": "Unknown pact (at that position)"}})
def get_pact(pact_id: str, at: ReadsDep, response: Response) -> PactOut:
    return tagged(response, PactOut(**at.pact(pact_id), as_of_position=at.position))


@router.get("/{pact_id}/scores", responses={404: {"description": "Unknown pact (at that position)"}})
def get_scores(pact_id: str, at: ReadsDep) -> ScoresOut:
    """Each party's score and rank, and the targets it has no result for yet."""
    return ScoresOut(**at.scores(pact_id), as_of_position=at.position)
