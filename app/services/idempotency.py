"""Exactly-once writes: the Idempotency-Key of the IETF httpapi draft.

A write sent with a key is fingerprinted (method, target, body). Its answer is
rendered before its commit and stored in the same transaction as its events
(``idempotency_records``, keyed by API key and Idempotency-Key), so a retry,
even one after a crash between the commit and the answer, gets that answer and
writes nothing. The same Idempotency-Key with another request is refused
(``KeyReused``), and so is a retry while the first is still running in this
process (``KeyInFlight``). Across processes the retry waits for the log lock the
first one holds, then gets its answer. Only writes that commit are recorded: a
refused write wrote nothing, and its retry is simply tried again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

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


_SELECT = sa.select(
    records.c.fingerprint, records.c.status, records.c.headers, records.c.body, records.c.created_at
).where(
    records.c.key_id == sa.bindparam("key_id"),
    records.c.idempotency_key == sa.bindparam("idempotency_key"),
)
_DELETE_ONE = records.delete().where(
    records.c.key_id == sa.bindparam("key_id"),
    records.c.idempotency_key == sa.bindparam("idempotency_key"),
)


class Records:
    def __init__(self, ttl: timedelta, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.ttl = ttl
        self._clock = clock
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._purged_at: datetime | None = None

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

    def check(self, conn: Connection, once: Once) -> None:
        """Under the log lock: raise Replay or KeyReused if the key was used already."""
        now = self._clock()
        params = {"key_id": once.key_id, "idempotency_key": once.key}
        row = conn.execute(_SELECT, params).first()
        if row is None:
            return
        created_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        if now - created_at > self.ttl:
            conn.execute(_DELETE_ONE, params)  # expired: the key may be used again
            return
        if row.fingerprint != once.fingerprint:
            raise KeyReused(
                f"Idempotency-Key {once.key!r} was used for another request "
                "(method, path or body differ); use a new key for a new request"
            )
        raise Replay(Outcome(row.status, bytes(row.body), dict(row.headers)))

    def save(self, conn: Connection, once: Once, acks: list[Any], position: int | None) -> None:
        """Render the answer and store it: called inside the write's transaction, before its
        commit. Records past the TTL are purged here too, every PURGE_EVERY at most: in a
        transaction that commits, not in one that replays or is refused."""
        now = self._clock()
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self.purge(conn, now)
        once.outcome = outcome = once.render(acks)
        conn.execute(
            records.insert(),
            {
                "key_id": once.key_id,
                "idempotency_key": once.key,
                "fingerprint": once.fingerprint,
                "status": outcome.status,
                "headers": outcome.headers,
                "body": outcome.body,
                "position": position,
                "created_at": now,
            },
        )

    def purge(self, conn: Connection, now: datetime | None = None) -> int:
        """Delete the records older than the TTL; returns how many."""
        now = now or self._clock()
        self._purged_at = now
        return conn.execute(records.delete().where(records.c.created_at < now - self.ttl)).rowcount
