"""Clusters (cụm thi đua): members over time, leadership, host rotation, standings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Connection

from app.api.auth import LOG_HEAD
from app.api.deps import IfMatch, expected_version
from app.api.reading import AS_OF_DESCRIPTION, BY_NAME, ListingDep, NameSort, ReadsDep, parse_as_of
from app.api.requests import ClusterIn, HandoverIn, LeadershipIn, MemberIn, RepartitionIn, Year
from app.api.responses import ClusterAt, ClusterOut, Paged, RotationsOut, StandingsOut, WriteAck
from app.api.routes._write import WRITE_ERRORS, tagged
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.projections import moments, reads
from app.projections.moments import AsOf

router = APIRouter(route_class=StrictQueryRoute, prefix="/clusters", tags=["clusters"])


# The standings route reads its query by hand (standings_query): FastAPI's
# per-parameter solving was an eighth of this route's cost under load. The
# parameters are documented here all the same, and checked by the same pydantic
# types, so answers and 422s are what a declared parameter would give. Its path
# parameter too (any string, as `cluster_id: str` takes it): declaring it cost
# ~20 µs of CPU per request, more than the request's log line and metrics.
_YEAR = TypeAdapter(Year)
_STANDINGS_PARAMETERS = [
    {
        "name": "cluster_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "title": "Cluster Id"},
    },
    {
        "name": "year",
        "in": "query",
        "required": True,
        "schema": {"type": "integer", "minimum": 1945, "maximum": 2100, "title": "Year"},
    },
    {
        "name": "as_of",
        "in": "query",
        "required": False,
        "description": AS_OF_DESCRIPTION,
        "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "As Of"},
        "examples": {"position": {"value": "77"}, "moment": {"value": "2025-07-01T00:00:00+07:00"}},
    },
]


def _canonical_int(raw: str | None, low: int, high: int) -> int | None:
    """The value of a plain decimal like "2022" within [low, high]; None for anything else."""
    if raw and raw.isascii() and raw.isdigit() and (raw[0] != "0" or raw == "0") and len(raw) < 8:
        value = int(raw)
        if low <= value <= high:
            return value
    return None


def standings_query(params: Mapping[str, str]) -> tuple[int, AsOf]:
    """(year, as_of) from the query string, or the error FastAPI would answer
    (RequestValidationError for the year, then as_of's own 422)."""
    raw_year, raw_as_of = params.get("year"), params.get("as_of")
    year = _canonical_int(raw_year, 1945, 2100)
    if year is None:
        # Anything unusual goes through pydantic, for its exact answer and messages.
        if raw_year is None:
            missing = {"type": "missing", "loc": ("query", "year"), "msg": "Field required", "input": None}
            raise RequestValidationError([missing])
        try:
            year = _YEAR.validate_python(raw_year)
        except ValidationError as error:
            found = [{**e, "loc": ("query", "year", *e["loc"])} for e in error.errors(include_url=False)]
            raise RequestValidationError(found) from None
    as_of = _canonical_int(raw_as_of, 0, 9_999_999)
    return year, as_of if as_of is not None else parse_as_of(raw_as_of)


# First in the router: routes are matched in order, and this is the hottest read.
@router.get(
    "/{cluster_id}/standings",
    response_model=StandingsOut,
    responses={404: {"description": "Unknown cluster, or no pact covers the year"}},
    openapi_extra={"parameters": _STANDINGS_PARAMETERS},
)
async def get_standings(request: Request) -> Response:
    """Scores and ranks of the cluster's pact for a year, with that year's chair and host.

    The hottest read of the frontends: answered from a cache keyed by the log
    head, so it is recomputed only after a write or a rebuild, and never served
    stale. Nothing here waits on the database in the event loop: the head is
    awaited (app.projections.head), a miss is rendered in a worker thread.
    ``as_of`` (a log position or a moment) gives the standings as they stood then.
    """
    cluster_id: str = request.path_params["cluster_id"]
    year, as_of = standings_query(request.query_params)
    ledger = request.app.state.ledger  # no dependency to solve on the hot path
    cache = ledger.read_cache
    key = ("standings", cluster_id, year, as_of)
    # With keyed reads, the head the key was checked at (app.api.auth), read just now.
    head = request.scope.get(LOG_HEAD)
    answer = cache.get(key, await cache.head() if head is None else head)
    if answer is None:

        def render(conn: Connection) -> bytes:
            position, last = moments.resolve(conn, as_of)
            data = reads.at(conn, ledger.store, position, last).standings(cluster_id, year)
            return StandingsOut(**data).model_dump_json().encode()

        answer = await run_in_threadpool(cache.compute, key, render)
    # Its ETag, hashed when cached: app.api.conditional answers 304 to a client that has it.
    response = Response(answer.body, media_type="application/json")
    response.raw_headers.append((b"etag", answer.etag))
    return response


@router.post("", status_code=201, responses=WRITE_ERRORS, response_model=WriteAck)
def form_cluster(body: ClusterIn, write: WriteDep) -> Response:
    cmd = c.FormCluster(
        id=body.id,
        name=body.name,
        region=body.region,
        members=tuple(body.members),
        kind=body.kind,
        formed_on=body.formed_on,
        expected_version=body.expected_version,
    )
    return write.one(cmd, status=201, location=f"/api/v1/clusters/{body.id}")


@router.post("/{cluster_id}/members", responses=WRITE_ERRORS, response_model=WriteAck)
def add_member(cluster_id: str, body: MemberIn, write: WriteDep, match: IfMatch) -> Response:
    cmd = c.AddMember(
        cluster_id=cluster_id,
        unit_id=body.unit_id,
        joined_on=body.joined_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{cluster_id}/repartition", responses=WRITE_ERRORS, response_model=WriteAck)
def decide_repartition(cluster_id: str, body: RepartitionIn, write: WriteDep, match: IfMatch) -> Response:
    """An admin decides a seat a merger emptied (the cluster is ``pending_repartition``
    until then): admit the absorbed unit's successor from ``decided_on``, or not."""
    cmd = c.DecideRepartition(
        cluster_id=cluster_id,
        unit_id=body.unit_id,
        admit_successor=body.admit_successor,
        decision_ref=body.decision_ref,
        decided_on=body.decided_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.delete("/{cluster_id}/members/{unit_id}", responses=WRITE_ERRORS, response_model=WriteAck)
def remove_member(
    cluster_id: str,
    unit_id: str,
    write: WriteDep,
    match: IfMatch,
    effective_on: Annotated[date, Query(description="The first day the unit is no longer a member")],
) -> Response:
    """The membership ends; its history stays (members over time)."""
    cmd = c.RemoveMember(
        cluster_id=cluster_id, unit_id=unit_id, effective_on=effective_on, expected_version=match
    )
    return write.one(cmd)


@router.post("/{cluster_id}/leadership", responses=WRITE_ERRORS, response_model=WriteAck)
def assign_leadership(cluster_id: str, body: LeadershipIn, write: WriteDep, match: IfMatch) -> Response:
    """Chair and deputy for a year (cụm trưởng, cụm phó), by Ministry decision."""
    cmd = c.AssignLeadership(
        cluster_id=cluster_id,
        year=body.year,
        chair=body.chair,
        deputy=body.deputy,
        decision_ref=body.decision_ref,
        decided_on=body.decided_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{cluster_id}/host-handovers", responses=WRITE_ERRORS, response_model=WriteAck)
def hand_over_host_flag(cluster_id: str, body: HandoverIn, write: WriteDep, match: IfMatch) -> Response:
    """The outgoing host hands the host flag (trao cờ đăng cai) to the next conference's host."""
    cmd = c.HandOverHostFlag(
        cluster_id=cluster_id,
        conference_number=body.conference_number,
        year=body.year,
        from_unit=body.from_unit,
        to_unit=body.to_unit,
        handed_over_on=body.handed_over_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.get("")
def list_clusters(
    request: Request, response: Response, listing: ListingDep, sort: NameSort = "id"
) -> Paged[ClusterOut]:
    """Every cluster with its members over time, paged; ``as_of`` lists them as they stood then."""
    return Paged[ClusterOut](**listing.page(request, response, listing.reads.clusters(), BY_NAME, sort))


@router.get("/{cluster_id}", responses={404: {"description": "Unknown cluster (at that position)"}})
def get_cluster(cluster_id: str, at: ReadsDep, response: Response) -> ClusterAt:
    """A cluster: its members over time, the host flag's holder; its version as the ETag."""
    return tagged(response, ClusterAt(**at.cluster(cluster_id), as_of_position=at.position))


@router.get("/{cluster_id}/rotations", responses={404: {"description": "Unknown cluster (at that position)"}})
def get_rotations(cluster_id: str, at: ReadsDep) -> RotationsOut:
    """Host-flag handovers and each year's chair and deputy."""
    return RotationsOut(**at.rotations(cluster_id), as_of_position=at.position)
