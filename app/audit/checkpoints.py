"""Checkpoints kept in the database, and when to sign the next one.

A checkpoint is signed when the log has moved at least ``every_events`` events past
the last one, or ``every_seconds`` have passed since it and the log has moved at
all; and on demand (``pacts checkpoint``, ``POST /api/v1/checkpoints``). The
signing takes the log's write lock for a moment, so the position and hash it
signs are the log's head, and two processes never sign twice for one interval.
Checking happens after a command commits (MessageBus' ``on_committed``): an
idle log's last events are signed at the next write or on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from app.audit.signing import Checkpoint, Signer
from app.db import write_connection
from app.events import chain
from app.events.schema import checkpoints
from app.events.store import EventStore, StoredEvent

log = logging.getLogger(__name__)
_COLUMNS = (
    checkpoints.c.position,
    checkpoints.c.hash,
    checkpoints.c.signed_at,
    checkpoints.c.key_id,
    checkpoints.c.signature,
)


def latest(conn: Connection) -> Checkpoint | None:
    row = conn.execute(sa.select(*_COLUMNS).order_by(checkpoints.c.position.desc()).limit(1)).first()
    return None if row is None else Checkpoint(*row)


def page(conn: Connection, after: int = 0, limit: int = 1000) -> list[Checkpoint]:
    query = sa.select(*_COLUMNS).where(checkpoints.c.position > after).order_by(checkpoints.c.position)
    return [Checkpoint(*row) for row in conn.execute(query.limit(limit))]


def every(conn: Connection, after: int = 0, chunk: int = 1000) -> Iterator[Checkpoint]:
    """The checkpoints after position ``after``, in position order, a page at a time."""
    while batch := page(conn, after, chunk):
        yield from batch
        after = batch[-1].position


def _moment(signed_at: str) -> datetime:
    return datetime.fromisoformat(signed_at)


class Checkpointer:
    """Signs checkpoints for one process: after commits, when due, and on demand."""

    def __init__(
        self, engine: Engine, store: EventStore, signer: Signer, every_events: int, every_seconds: float
    ) -> None:
        self.engine, self.store, self.signer = engine, store, signer
        self.every_events, self.every_seconds = every_events, every_seconds
        self._last: tuple[int, datetime] | None = None  # (position, signed at) of the latest known

    def _due(self, head: int, now: datetime) -> bool:
        if self._last is None:
            return head > 0
        position, signed = self._last
        moved = head - position
        return moved >= self.every_events or (
            moved > 0 and (now - signed).total_seconds() >= self.every_seconds
        )

    def on_committed(self, stored: Sequence[StoredEvent]) -> None:
        """Called after each command commits. A failure to sign is logged, never raised:
        the command is committed already, and the next one will try again."""
        if not stored or (self._last is not None and not self._due(stored[-1].position, datetime.now(UTC))):
            return
        try:
            self.checkpoint()
        except Exception:
            log.exception("signing a checkpoint failed; the log is unchanged")

    def checkpoint(self, force: bool = False) -> Checkpoint | None:
        """Sign the log's head if due (or if ``force``), unless a checkpoint already covers it.
        Returns the new checkpoint, or None when none was signed."""
        with write_connection(self.engine) as conn, conn.begin():
            head = self.store.lock_head(conn)  # no append while we sign: head is the head
            known = latest(conn)
            self._last = None if known is None else (known.position, _moment(known.signed_at))
            now = datetime.now(UTC)
            if head.position == 0 or (known is not None and known.position >= head.position):
                return None
            if not force and not self._due(head.position, now):
                return None
            made = self.signer.sign(head.position, head.hash, chain.timestamp(now))
            conn.execute(checkpoints.insert(), made.as_dict())
        self._last = (made.position, now)
        return made
