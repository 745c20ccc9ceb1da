"""How `pacts serve` holds up in production: slow clients, a dead master, the connection budget.

- ``Deadlines``: uvicorn's HTTP protocol (httptools) with two read deadlines it
  lacks: a request's headers must arrive within ``header_timeout`` seconds of its
  first byte (or of the connection), its body within ``body_timeout`` seconds of
  its headers. Past either the connection is closed (a 408 first when no request
  started), so connections that trickle bytes cannot pile up.
- ``watch_parent``: a worker of ``pacts serve --workers N`` exits (gracefully, by
  SIGTERM to itself) once its master is gone, even after ``kill -9`` of the master:
  it would otherwise serve on, holding the port a restart needs.
- ``connection_budget``: N workers x (pool + overflow) connections must fit in
  PostgreSQL's ``max_connections``, less its superuser reserve and
  ``PACTS_DB_RESERVED_CONNECTIONS`` for `pacts rebuild` and tools.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time

import sqlalchemy as sa
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.settings import Settings, get_settings

log = logging.getLogger("pacts.serve")
SUPERVISOR_ENV = "PACTS_SUPERVISOR_PID"

_TIMEOUT_408 = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
)
_BODY_408 = (
    b'{"type":"https://pact-ledger.example/problems/request-timeout","title":"Request timeout",'
    b'"status":408,"detail":"the request did not arrive in time"}'
)


class Deadlines(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body read deadlines."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        settings = get_settings()
        self._header_timeout = settings.header_timeout
        self._body_timeout = settings.body_timeout
        self._deadline: asyncio.TimerHandle | None = None
        self._in_headers = True

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._in_headers:
            self.transport.write(_TIMEOUT_408 % (len(_BODY_408), _BODY_408))
        log.info("closed a connection that sent its request too slowly", extra={"client": str(self.client)})
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._header_timeout)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        self._arm(self._header_timeout)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._arm(self._body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # Idle between requests: uvicorn's keep-alive timeout takes over.
        self._in_headers = True
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def watch_parent(every: float = 0.5) -> threading.Thread | None:
    """In a worker of `pacts serve --workers N`: stop this process when the master dies."""
    expected = os.environ.get(SUPERVISOR_ENV)
    if expected is None:
        return None  # one process: no master to outlive
    if int(expected) != os.getppid():
        # Born after its master died (uvicorn restarts a worker that stops answering its
        # pings, and the master may be killed meanwhile): nobody would ever stop it.
        log.warning("the master process %s is gone: this worker stops", expected)
        os.kill(os.getpid(), signal.SIGTERM)
        return None

    def watch() -> None:
        while os.getppid() == int(expected):
            time.sleep(every)
        log.warning("the master process %s is gone: this worker stops", expected)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="pacts-parent-watch", daemon=True)
    thread.start()
    return thread


class BudgetExceeded(Exception):
    pass


def connection_budget(engine: sa.Engine, settings: Settings, workers: int) -> str | None:
    """Check that the server's pools fit PostgreSQL's connection limit; a line describing
    the budget (None on SQLite). Raises BudgetExceeded, saying what to change, when not."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        limit = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        superuser = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
    per_worker = settings.db_pool_size + settings.db_max_overflow
    needed = workers * per_worker
    usable = limit - superuser - settings.db_reserved_connections
    budget = (
        f"{workers} worker(s) x (PACTS_DB_POOL_SIZE {settings.db_pool_size} + PACTS_DB_MAX_OVERFLOW "
        f"{settings.db_max_overflow}) = {needed} connections; PostgreSQL allows {usable} "
        f"(max_connections {limit} - {superuser} for superusers - PACTS_DB_RESERVED_CONNECTIONS "
        f"{settings.db_reserved_connections})"
    )
    if needed > usable:
        raise BudgetExceeded(
            f"{budget}: lower --workers or the pool settings, or raise max_connections on the server"
        )
    return budget
