"""Exactly-once writes: the Idempotency-Key of the IETF httpapi draft.

A write sent with a key is fingerprinted (method, target, body). Its answer is
rendered before its commit and stored in the same transaction as its events
(``idempotency_records``, keyed by API key and Idempotency-Key), so a retry,
even one after a crash between the commit and the answer, gets that answer and
writes nothing (how a retry is recognised: app.services.bus). The same
Idempotency-Key with another request is refused (``KeyReused``), and so is a
retry while the first is still running in this process (``KeyInFlight``).
Across processes the retry waits for the log lock the first one holds, then
gets its answer. Only writes that commit are recorded: a refused write wrote
nothing, and its retry is simply tried again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection, Engine

from app.db import dumps
from app.services.tables import idempotency_records as records

PURGE_EVERY = timedelta(minutes=10)


class Outcome(NamedTuple):
    """A write's answer as sent: status, body bytes and the headers that matter (lower case)."""

    status: int
    body: bytes
    headers: dict[str, str]


@dataclass(slots=True)
class Once:
    """One keyed write: who sent it, its Idempotency-Key and fingerprint, and how
    to render its answer from the bus's acknowledgements (before the commit)."""

    key_id: str
    key: str
    fingerprint: str
    render: Callable[[list[Any]], Outcome]
    outcome: Outcome | None = None


class Replay(Exception):
    """The write was already made: here is its answer."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("replayed")
        self.outcome = outcome


class KeyReused(Exception):
    """The Idempotency-Key was used for another request."""


class KeyInFlight(Exception):
    """The first request with this Idempotency-Key is still running."""


def fingerprint(method: str, target: str, body: bytes) -> str:
    """SHA-256 of the method, the request target (path and query) and the body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), target.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


_COLUMNS = ("key_id", "idempotency_key", "fingerprint", "status", "headers", "body", "position", "created_at")


class _Statements(NamedTuple):
    """The look-up and the insert, as driver-level SQL on the transaction's own DB-API
    connection: they run on every keyed write, where SQLAlchemy's per-statement work
    (a result object, its metadata, events) cost more than the statements themselves."""

    select: str
    expire: str
    insert: str

    @classmethod
    def of(cls, dialect: str) -> _Statements:
        mark = "?" if dialect == "sqlite" else "%s"
        marks = ", ".join(mark for _ in _COLUMNS)
        return cls(
            f"SELECT fingerprint, status, headers, body, created_at FROM {records.name} "
            f"WHERE key_id = {mark} AND idempotency_key = {mark}",
            f"DELETE FROM {records.name} WHERE key_id = {mark} AND idempotency_key = {mark} "
            f"AND created_at < {mark}",
            f"INSERT INTO {records.name} ({', '.join(_COLUMNS)}) VALUES ({marks})",
        )


def _column_time(conn: Connection, moment: datetime) -> datetime | str:
    """A time as the created_at column holds it: naive UTC text on SQLite."""
    if conn.dialect.name == "sqlite":
        utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds")
    return moment


def _stored_at(value: datetime | str) -> datetime:
    """A created_at as SQLite (naive UTC text) or PostgreSQL (aware) gives it back."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Records:
    def __init__(
        self,
        ttl: timedelta,
        engine: Engine | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.ttl = ttl
        self._engine = engine  # for purges, in transactions of their own
        self._clock = clock
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._purged_at: datetime | None = None
        self._sql: dict[str, _Statements] = {}

    @property
    def in_flight(self) -> frozenset[tuple[str, str]]:
        """(API key id, Idempotency-Key) of the keyed writes running in this process now."""
        with self._lock:
            return frozenset(self._running)

    @contextmanager
    def running(self, once: Once | None) -> Iterator[None]:
        """Marks the write as running in this process for as long as the block lasts."""
        if once is None:
            yield
            return
        claim = (once.key_id, once.key)
        with self._lock:
            if claim in self._running:
                raise KeyInFlight(f"a request with Idempotency-Key {once.key!r} is still running")
            self._running.add(claim)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(claim)

    def _statements(self, conn: Connection) -> _Statements:
        sql = self._sql.get(conn.dialect.name)
        if sql is None:
            sql = self._sql[conn.dialect.name] = _Statements.of(conn.dialect.name)
        return sql

    def find(self, conn: Connection, once: Once) -> None:
        """Raise Replay or KeyReused if the key was used already (and is within the TTL)."""
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self._statements(conn).select, (once.key_id, once.key))
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return
        fingerprint, status, headers, body, created_at = row
        if self._clock() - _stored_at(created_at) > self.ttl:
            return  # expired, not purged yet: the key may be used again (save replaces it)
        if fingerprint != once.fingerprint:
            raise KeyReused(
                f"Idempotency-Key {once.key!r} was used for another request "
                "(method, path or body differ); use a new key for a new request"
            )
        headers = json.loads(headers) if isinstance(headers, str) else headers
        raise Replay(Outcome(status, bytes(body), dict(headers)))

    def save(self, conn: Connection, once: Once, acks: list[Any], position: int | None) -> None:
        """Render the answer and store it: called inside the write's transaction, before its commit."""
        now = self._clock()
        once.outcome = outcome = once.render(acks)
        # Values in the column formats SQLAlchemy writes (as app.events.store does).
        created_at, expired = _column_time(conn, now), _column_time(conn, now - self.ttl)
        values = (
            once.key_id,
            once.key,
            once.fingerprint,
            outcome.status,
            dumps(outcome.headers),
            outcome.body,
            position,
            created_at,
        )
        sql = self._statements(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            # A record past the TTL, not purged yet, gives way; a live one makes the
            # insert collide: the write was made already (MessageBus answers that).
            cursor.execute(sql.expire, (once.key_id, once.key, expired))
            cursor.execute(sql.insert, values)
        finally:
            cursor.close()

    def purge_if_due(self) -> None:
        """Purge in a transaction of its own (not under the log lock: without an index on
        created_at it scans), if this process last purged PURGE_EVERY ago, or never."""
        if self._engine is None:
            return
        if self._purged_at is None or self._clock() - self._purged_at >= PURGE_EVERY:
            with self._engine.begin() as conn:
                self.purge(conn)

    def purge(self, conn: Connection, now: datetime | None = None) -> int:
        """Delete the records older than the TTL; returns how many."""
        now = now or self._clock()
        self._purged_at = now
        return conn.execute(records.delete().where(records.c.created_at < now - self.ttl)).rowcount
