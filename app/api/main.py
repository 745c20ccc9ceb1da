"""The FastAPI application: routers under /api/v1, problem+json errors, OpenAPI at /docs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.types import ASGIApp

from app import migrations, serving
from app.api import cors, docs, openapi, problems
from app.api.auth import KeyedReads
from app.api.conditional import ConditionalGets
from app.api.limits import Limits
from app.api.observe import RequestObserver
from app.api.routes import (
    assessments,
    checkpoints,
    clusters,
    dashboard,
    events,
    health,
    indicators,
    metrics,
    pacts,
    results,
    score_sheets,
    search,
    units,
)
from app.bootstrap import Ledger, bootstrap
from app.observability import logs
from app.settings import Settings, get_settings

API_PREFIX = "/api/v1"

DESCRIPTION = """
Pact Ledger keeps the emulation pacts (giao ước thi đua) of the Departments of
Industry and Trade as an append-only event log, and serves clusters, host
rotations, pacts and scores built from it.

* Every write answers the stream's new `version` and an `ETag`; send it back as
  `If-Match` (412 when stale) or `expected_version` in the body (409 when stale).
* Writes need an API key: `Authorization: Bearer <key>` (401 without a usable one,
  403 when its role lacks the right). Reads are open unless the server sets
  `PACTS_PUBLIC_READS=false`.
* `Idempotency-Key: <opaque>` on a write makes it exactly-once: a retry gets the first
  answer with `Idempotent-Replayed: true` (422 if the key was used for another request).
* Headers `X-Reason` and `X-Correlation-ID` are stored with the events, and `X-Actor`
  as `on_behalf_of`: the actor is always the key's holder.
* Every read answers a strong `ETag`; send it as `If-None-Match` and an unchanged
  answer is 304 with no body. `Cache-Control: no-cache` unless the server says otherwise.
* Errors are `application/problem+json`; 422 answers name each field and reason.
* Every answer carries `X-Correlation-ID`: the request's own, or one made up for it.
"""


class PactLedgerAPI(FastAPI):
    settings: Settings

    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's error middleware too: a 500 is timed, counted and logged
        # with its correlation id like any other answer, and echoes the id; it carries
        # the CORS headers too, so a browser app can read it.
        conditional = ConditionalGets(super().build_middleware_stack(), self.settings.cache_control)
        return RequestObserver(cors.wrap(conditional, self.settings))


def create_app(ledger: Ledger | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        serving.watch_parent()  # a worker of `pacts serve --workers N` outlives no master
        own = ledger is None
        app.state.ledger = ledger or bootstrap()
        app.state.ledger.migration_head = migrations.head_revision()
        # Sync routes run in anyio's thread pool (40 threads by default): room for every
        # write the queue may hold waiting, and for the reads besides.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, app.state.ledger.settings.write_queue_max + 40)
        # Everything built at start-up lives as long as the process: keep it out of
        # the collector's full passes, which otherwise show up as tail latency.
        gc.collect()
        gc.freeze()
        yield
        await app.state.ledger.read_cache.aclose()
        if own:
            app.state.ledger.close()
        logs.write_through()

    app = PactLedgerAPI(
        title="Pact Ledger",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # app.api.docs serves them, offline
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    app.settings = ledger.settings if ledger is not None else get_settings()
    openapi.install(app, app.settings)
    problems.install(app)
    app.add_middleware(KeyedReads)
    app.add_middleware(Limits)
    # Routes are matched in order: the frontends' hottest read (standings) first.
    for module in (
        clusters,
        pacts,
        results,
        units,
        dashboard,
        events,
        checkpoints,
        score_sheets,
        assessments,
        indicators,
        search,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    app.include_router(metrics.router)
    docs.install(app)  # last: its assets' mount would be tried before every API route
    return app


app = create_app()
