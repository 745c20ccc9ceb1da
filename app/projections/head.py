"""Reading the log head from the event loop, without blocking it.

The standings route is ``async`` (a thread-pool hop per request halved its
throughput) and asks for the head on every request, so the read must not make
the loop wait:

- PostgreSQL is across a network: the read is awaited on psycopg's async
  connection. Requests that arrive together share one round trip.
- SQLite is a local file in WAL mode: the read looks at pages the OS already
  holds, and with ``busy_timeout=0`` it never waits for a lock. When SQLite
  would have to wait (a checkpoint or a recovery holding its lock), it answers
  BUSY at once, and that read goes to a worker thread, which may wait.

Either way a broken connection is dropped and the read tried once more on a
new one: a restarted server or a terminated backend costs no request.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from app.events.schema import log_head

# (last position, read-model generation): which state the read models are in.
Head = tuple[int, int]

HEAD_SQL = (
    f"SELECT {log_head.c.last_position.name}, {log_head.c.read_model_generation.name} "
    f"FROM {log_head.name} WHERE id = 1"
)


def read_head_blocking(engine: Engine) -> Head:
    """The head through the engine's pool: for worker threads."""
    with engine.connect() as conn:
        position, generation = conn.exec_driver_sql(HEAD_SQL).one()
    return position, generation


def head_reader(engine: Engine) -> SqliteHead | PostgresHead:
    return PostgresHead(engine) if engine.dialect.name == "postgresql" else SqliteHead(engine)


class SqliteHead:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._raw: Any = None
        self._cursor: Any = None
        self._connecting = threading.Lock()

    async def read(self) -> Head:
        if self._cursor is None:
            # Connecting may wait (on the database's lock, to set WAL mode): in a thread.
            await run_in_threadpool(self._connect)
        try:
            self._cursor.execute(HEAD_SQL)
            position, generation = self._cursor.fetchone()
            return position, generation
        except (sqlite3.Error, AttributeError):
            self.close()  # BUSY, or a connection gone bad (or closed meanwhile): anew next time
        return await run_in_threadpool(read_head_blocking, self._engine)

    def _connect(self) -> None:
        with self._connecting:
            if self._cursor is not None:
                return
            # Held for the process's life, outside any transaction (SQLite
            # connections here are autocommit): each read sees the latest commit.
            raw: Any = self._engine.raw_connection()
            raw.driver_connection.execute("PRAGMA busy_timeout = 0")
            self._raw, self._cursor = raw, raw.cursor()

    def close(self) -> None:
        raw, self._raw, self._cursor = self._raw, None, None
        if raw is not None:
            # Not back to the pool: its busy_timeout of 0 would fail writers.
            raw.invalidate()

    async def aclose(self) -> None:
        self.close()


class PostgresHead:
    """One async connection, and one read in flight at a time.

    A request waits for the next read to *start*: one already in flight may have
    begun before a write this request must see. Every request waiting when a
    read starts takes its answer, so under load there is one round trip per
    batch of requests, not per request.
    """

    def __init__(self, engine: Engine) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._conn: psycopg.AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next: asyncio.Future[Head] | None = None
        self._runner: asyncio.Task[None] | None = None

    async def read(self) -> Head:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._forget()  # the connection belongs to another (finished) loop
            self._loop = loop
        if self._next is None:
            self._next = loop.create_future()
            self._next.add_done_callback(_retrieve)
            if self._runner is None:
                self._runner = loop.create_task(self._run())
        # Shielded: a cancelled request must not cancel the others' answer.
        return await asyncio.shield(self._next)

    async def _run(self) -> None:
        try:
            while (batch := self._next) is not None:
                self._next = None
                try:
                    head = await self._query()
                except Exception as error:
                    if not batch.done():
                        batch.set_exception(error)
                else:
                    if not batch.done():
                        batch.set_result(head)
        finally:
            self._runner = None

    async def _query(self) -> Head:
        for attempt in (1, 2):
            conn = self._conn
            if conn is None or conn.closed:
                conn = self._conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            try:
                cursor = await conn.execute(HEAD_SQL)
                row = await cursor.fetchone()
            except psycopg.Error:
                if not conn.broken or attempt == 2:
                    raise
                self._conn = None
                await conn.close()
                continue
            assert row is not None, "event_log_head has its one row from the first migration"
            return row[0], row[1]
        raise AssertionError("unreachable")

    def _forget(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            conn.pgconn.finish()  # its loop is gone: close the socket without awaiting
        self._next = self._runner = None

    async def aclose(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()
        self._next = self._runner = None
        self._loop = None


def _retrieve(future: asyncio.Future[Head]) -> None:
    """Mark an error as seen even when every request that waited for it was cancelled."""
    if not future.cancelled():
        future.exception()
