"""The FastAPI application: routers under /api/v1, problem+json errors, OpenAPI at /docs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import migrations
from app.api import problems
from app.api.routes import checkpoints, clusters, events, health, pacts, units
from app.bootstrap import Ledger, bootstrap

API_PREFIX = "/api/v1"

DESCRIPTION = """
Pact Ledger keeps the emulation pacts (giao ước thi đua) of the Departments of
Industry and Trade as an append-only event log, and serves clusters, host
rotations, pacts and scores built from it.

* Every write answers the stream's new `version` and an `ETag`; send it back as
  `If-Match` (412 when stale) or `expected_version` in the body (409 when stale).
* Headers `X-Actor`, `X-Reason` and `X-Correlation-ID` are stored with the events.
* Errors are `application/problem+json`; 422 answers name each field and reason.
"""


def create_app(ledger: Ledger | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = ledger is None
        app.state.ledger = ledger or bootstrap()
        app.state.ledger.migration_head = migrations.head_revision()
        # Everything built at start-up lives as long as the process: keep it out of
        # the collector's full passes, which otherwise show up as tail latency.
        gc.collect()
        gc.freeze()
        yield
        if own:
            app.state.ledger.close()

    app = FastAPI(title="Pact Ledger", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    problems.install(app)
    # Routes are matched in order: the frontends' hottest read (standings) first.
    for module in (clusters, pacts, units, events, checkpoints):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    return app


app = create_app()
