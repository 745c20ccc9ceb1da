"""Liveness and readiness probes."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import LedgerDep
from app.api.strict_query import StrictQueryRoute
from app.migrations import current_revision

router = APIRouter(route_class=StrictQueryRoute, tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up. No I/O."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Database unreachable or not migrated"}})
def readyz(ledger: LedgerDep) -> JSONResponse:
    """Ready when the database answers and its migrations are at head."""
    head = ledger.migration_head
    try:
        current = current_revision(ledger.engine)
    except sa.exc.SQLAlchemyError as error:
        # The driver's message names the database's host, port and name: for the log only.
        log.warning("readiness: database unreachable: %s", str(error).splitlines()[0])
        body = {"status": "unavailable", "database": "unreachable"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})
    if current != head:
        stale = {"status": "unavailable", "database": "reachable", "migration": current, "head": head}
        return JSONResponse(stale, status_code=503)
    return JSONResponse({"status": "ready", "database": "reachable", "migration": current})
