"""The log as the auditors read it: every event, paged by position, filtered, exported.

Pages are keyset-paged by log position (``after`` = the last position seen), never
by offset: positions are gapless and handed out in commit order under the log's
lock, so a reader that follows ``next`` (or polls with ``after``) while writers
run never skips an event. Each item is an event's record with its ``prev_hash``
and ``hash``, as ``pacts export`` writes it (docs/audit.md): the items are made
straight from the stored JSON text (app.events.records), not re-serialized.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime
from sqlalchemy.engine import Connection

from app.api.access import require_log_reader
from app.api.deps import LedgerDep, ReadConn
from app.api.responses import EventPage
from app.api.strict_query import StrictQueryRoute
from app.audit import export
from app.domain.aggregate import Aggregate
from app.domain.cluster import CLUSTER
from app.domain.errors import NotFound
from app.domain.pact import PACT
from app.domain.unit import UNIT
from app.events import records
from app.events.canonical import quote
from app.projections import moments

router = APIRouter(route_class=StrictQueryRoute, tags=["events"], dependencies=[Depends(require_log_reader)])

After = Annotated[int, Query(ge=0, le=2**63 - 1, description="Only events after this log position")]
Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many events (default 100)")]
_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"model": EventPage, "description": "A page of events; `next` is the next page's URL"}
}


def _found(
    conn: Connection, where: records.Where, after: int, limit: int
) -> tuple[list[records.Record], bool]:
    """The first ``limit`` events matching ``where`` after ``after``, and whether more follow."""
    found = records.page(conn, [*where, ("position > ?", after)], limit + 1)
    return found[:limit], len(found) > limit


def _respond(request: Request, conn: Connection, items: list[records.Record], more: bool) -> Response:
    """``{"items", "next", "as_of_position"}`` (the shape of every list: app.api.reading, here
    the log's last position as this page was read) and a Link header to the next page, if any."""
    headers = {}
    next_url = "null"
    if more:
        url = str(request.url.include_query_params(after=items[-1].position))
        headers["Link"] = f'<{url}>; rel="next"'
        next_url = quote(url)
    head = b',"as_of_position":%d}' % moments.head(conn)
    body = b'{"items":[' + b",".join(map(records.to_json, items)) + b'],"next":' + next_url.encode() + head
    return Response(body, media_type="application/json", headers=headers)


@router.get("/events", response_model=None, responses=_PAGE)
def list_events(
    request: Request,
    conn: ReadConn,
    after: After = 0,
    limit: Limit = 100,
    stream_id: Annotated[str | None, Query(description="Only this stream, e.g. pact:btb-2022")] = None,
    type: Annotated[str | None, Query(description="Only events of this type, e.g. ResultRecorded")] = None,
    recorded_after: Annotated[
        AwareDatetime | None, Query(description="Only events recorded after this time (RFC 3339)")
    ] = None,
    recorded_before: Annotated[
        AwareDatetime | None, Query(description="Only events recorded before this time (RFC 3339)")
    ] = None,
) -> Response:
    """Every event of every stream, in log order: who, when, why, what, and its hashes."""
    where: records.Where = []
    if stream_id is not None:
        where.append(("stream_id = ?", stream_id))
    if type is not None:
        where.append(("type = ?", type))
    sqlite = conn.dialect.name == "sqlite"
    for moment, operator in ((recorded_after, ">"), (recorded_before, "<")):
        if moment is not None:
            utc = moment.astimezone(UTC)
            # SQLite keeps naive UTC text that sorts as it reads; PostgreSQL a timestamptz.
            value = utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc
            where.append((f"recorded_at {operator} ?", value))
    return _respond(request, conn, *_found(conn, where, after, limit))


@router.get(
    "/events/export", response_class=StreamingResponse, responses={200: {"content": {export.MEDIA_TYPE: {}}}}
)
def export_events(ledger: LedgerDep, after: After = 0) -> StreamingResponse:
    """The whole log (after ``after``) as NDJSON, one event a line: the input of `pacts verify --export`.
    Streamed from one read transaction, in constant memory, whatever the log's length."""

    def lines() -> Iterator[bytes]:
        with ledger.engine.connect() as conn, conn.begin():
            yield from export.ndjson(conn, after=after)

    return StreamingResponse(lines(), media_type=export.MEDIA_TYPE)


def _stream_page(
    request: Request, conn: Connection, kind: Aggregate[Any], entity_id: str, after: int, limit: int
) -> Response:
    where: records.Where = [("stream_id = ?", kind.stream_id(entity_id))]
    items, more = _found(conn, where, after, limit)
    if not items and not records.page(conn, where, 1):
        raise NotFound(f"no {kind.stream_type} {entity_id}")
    return _respond(request, conn, items, more)


@router.get(
    "/units/{unit_id}/events", response_model=None, responses={**_PAGE, 404: {"description": "Unknown unit"}}
)
def unit_events(
    request: Request, unit_id: str, conn: ReadConn, after: After = 0, limit: Limit = 100
) -> Response:
    """A unit's own history: registration, renames, merger."""
    return _stream_page(request, conn, UNIT, unit_id, after, limit)


@router.get(
    "/clusters/{cluster_id}/events",
    response_model=None,
    responses={**_PAGE, 404: {"description": "Unknown cluster"}},
)
def cluster_events(
    request: Request, cluster_id: str, conn: ReadConn, after: After = 0, limit: Limit = 100
) -> Response:
    """A cluster's own history: members joining and leaving, leadership, host-flag handovers."""
    return _stream_page(request, conn, CLUSTER, cluster_id, after, limit)


@router.get(
    "/pacts/{pact_id}/events", response_model=None, responses={**_PAGE, 404: {"description": "Unknown pact"}}
)
def pact_events(
    request: Request, pact_id: str, conn: ReadConn, after: After = 0, limit: Limit = 100
) -> Response:
    """A pact's own history: proposal, signatures, targets, results, awards, closing."""
    return _stream_page(request, conn, PACT, pact_id, after, limit)
