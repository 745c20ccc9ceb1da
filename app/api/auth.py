"""Reads behind a key, when the setting PACTS_PUBLIC_READS is false.

Reads are open by default: standings are public information. With the setting
off, this middleware asks a valid key of every read under /api/ (the health
probes excepted) before any route runs, so no read route can forget to.
Writes are authenticated by their route (app.api.writes), whatever the setting.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import problems
from app.domain.errors import Unauthenticated

OPEN = frozenset({"/api/v1/healthz", "/api/v1/readyz"})
LOG_HEAD = "pacts.log_head"  # the scope key of the head the key was checked at


class KeyedReads:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith("/api/")
            or scope["path"] in OPEN
        ):
            return await self.app(scope, receive, send)
        ledger = scope["app"].state.ledger
        if ledger.settings.public_reads:
            return await self.app(scope, receive, send)
        header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)
        try:
            # Keys change only by events, which move the log head: a row read at
            # the current head is current (one primary-key read, as standings do).
            head = await ledger.read_cache.head()
            if ledger.keys.cached(header, head[0]) is None:
                await run_in_threadpool(ledger.keys.authenticate, header, head[0])
        except Unauthenticated as error:
            return await problems.unauthenticated(error, header is not None)(scope, receive, send)
        scope[LOG_HEAD] = head  # the standings route answers as of this head: no second read
        await self.app(scope, receive, send)
