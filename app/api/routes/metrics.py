"""Prometheus metrics (app.observability.metrics), in its text format."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Response

from app.api.deps import LedgerDep
from app.api.strict_query import StrictQueryRoute
from app.observability.metrics import CONTENT_TYPE, exposition
from app.projections.head import read_head_blocking

router = APIRouter(route_class=StrictQueryRoute, tags=["health"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
def metrics(ledger: LedgerDep) -> Response:
    """Requests and their latency per route, events appended, the log head, rebuild and
    verify durations. Summed over the workers of `pacts serve --workers N`."""
    try:
        head = read_head_blocking(ledger.engine)
    except sa.exc.SQLAlchemyError:
        head = None  # pacts_database_up 0; the other metrics are still worth a scrape
    return Response(exposition(head), media_type=CONTENT_TYPE)
