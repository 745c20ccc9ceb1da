"""The event store: append with an optimistic-concurrency check, read streams and the log.

It works on a Connection whose transaction the caller owns, so one command's
events and its read-model updates commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.db import dumps
from app.domain.errors import VersionConflict
from app.domain.events import Event
from app.events import codec
from app.events.ids import new_ids
from app.events.schema import events, log_head


@dataclass(frozen=True, slots=True)
class PendingAppend:
    """Events for one stream, to be appended if the stream is still at ``expected_version``.

    ``metadata``: one dict per event (a batch's events come from different
    commands); without it every event gets the metadata given to ``append``."""

    stream_id: str
    stream_type: str
    expected_version: int
    events: Sequence[Event]
    metadata: Sequence[dict[str, Any]] | None = None


class StoredEvent(NamedTuple):
    """An event as the log holds it. A named tuple: an import builds thousands,
    and a tuple is built in C where a frozen dataclass sets each field in Python."""

    position: int
    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    data: dict
    metadata: dict
    occurred_on: date | None
    recorded_at: datetime

    def to_domain(self) -> Event:
        return codec.decode(self.type, self.schema_version, self.data)


_COLUMNS = (
    events.c.position,
    events.c.event_id,
    events.c.stream_id,
    events.c.stream_type,
    events.c.version,
    events.c.type,
    events.c.schema_version,
    events.c.data,
    events.c.metadata,
    events.c.occurred_on,
    events.c.recorded_at,
)


def _encoded_once(values: list[dict[str, Any]]) -> list[str]:
    """Each dict as JSON, each distinct object encoded once: the events of a batch
    share one metadata dict per kind of command, and an import holds thousands."""
    texts: dict[int, str] = {}
    return [texts.get(id(v)) or texts.setdefault(id(v), dumps(v)) for v in values]


_NO_BOUND = 2**62
# Appends of this many events go to PostgreSQL by COPY (not inside a pipeline).
COPY_FROM = 500


class EventStore:
    def __init__(self, dialect_name: str) -> None:
        # On SQLite the write transaction began with BEGIN IMMEDIATE and already
        # holds the database's only write lock; PostgreSQL needs a row lock.
        self._lock_head = sa.select(log_head.c.last_position).where(log_head.c.id == 1)
        if dialect_name == "postgresql":
            self._lock_head = self._lock_head.with_for_update()
        self._sqlite = dialect_name == "sqlite"
        marker = "?" if self._sqlite else "%s"
        columns = [c.name for c in events.columns]
        self._copy_sql = f"COPY {events.name} ({', '.join(columns)}) FROM STDIN"
        self._insert_sql = (
            f"INSERT INTO {events.name} ({', '.join(columns)}) VALUES ({', '.join(marker for _ in columns)})"
        )
        self._version_of = sa.select(sa.func.coalesce(sa.func.max(events.c.version), 0)).where(
            events.c.stream_id == sa.bindparam("stream_id")
        )
        self._move_head = log_head.update().where(log_head.c.id == 1)
        # Built once: constructing a statement costs more than running it on SQLite.
        # to_position defaults to "no bound", so one statement serves both reads.
        self._read_stream = (
            sa.select(*_COLUMNS)
            .where(
                events.c.stream_id == sa.bindparam("stream_id"),
                events.c.version > sa.bindparam("after_version"),
                events.c.position <= sa.bindparam("to_position"),
            )
            .order_by(events.c.version)
        )
        self._read_all = (
            sa.select(*_COLUMNS)
            .where(
                events.c.position > sa.bindparam("after_position"),
                events.c.position <= sa.bindparam("to_position"),
            )
            .order_by(events.c.position)
            .limit(sa.bindparam("batch_size"))
        )

    def lock(self, conn: Connection) -> int:
        """Take the log's write lock for this transaction; returns the last position."""
        return conn.execute(self._lock_head).scalar_one()

    def stream_version(self, conn: Connection, stream_id: str) -> int:
        return conn.execute(self._version_of, {"stream_id": stream_id}).scalar_one()

    def append(
        self,
        conn: Connection,
        appends: Sequence[PendingAppend],
        metadata: dict,
        head: int | None = None,
    ) -> list[StoredEvent]:
        """Append every stream's events in one go, or none: a conflict raises.

        ``head`` is the last position read by a caller that already holds the lock
        in this transaction, and has read each stream's version under it: then the
        versions are not read again (two round trips fewer on PostgreSQL). Without
        it the lock is taken and every expected version checked here.
        """
        position = self.lock(conn) if head is None else head
        recorded_at = datetime.now(UTC)
        ids = iter(new_ids(sum(len(p.events) for p in appends)))
        stored: list[StoredEvent] = []
        texts: list[str] = []  # each event's data as JSON, made once, for the insert
        for pending in appends:
            actual = (
                self.stream_version(conn, pending.stream_id) if head is None else pending.expected_version
            )
            if actual != pending.expected_version:
                raise VersionConflict(pending.stream_id, pending.expected_version, actual)
            version = actual
            per_event = [metadata] * len(pending.events) if pending.metadata is None else pending.metadata
            for event, event_metadata in zip(pending.events, per_event, strict=True):
                position += 1
                version += 1
                texts.append(codec.encode_json(event))
                stored.append(
                    StoredEvent(
                        position,
                        next(ids),
                        pending.stream_id,
                        pending.stream_type,
                        version,
                        type(event).__name__,
                        event.SCHEMA_VERSION,
                        codec.encode(event),
                        event_metadata,
                        event.occurred_on,
                        recorded_at,
                    )
                )
        if not stored:
            return stored
        try:
            self._insert_rows(conn, stored, texts)
        except sa.exc.IntegrityError as error:
            # UNIQUE(stream_id, version) is the backstop if a writer skipped the lock.
            first = appends[0]
            raise VersionConflict(first.stream_id, first.expected_version, -1) from error
        conn.execute(self._move_head, {"last_position": position})
        return stored

    def _insert_rows(self, conn: Connection, stored: list[StoredEvent], texts: list[str]) -> None:
        """One driver-level executemany with values already in the column formats.

        SQLAlchemy's per-row bind processing (JSON, UUID, dates) cost more than
        the insert itself in a batch import. The formats are the ones SQLAlchemy
        writes and reads back: on SQLite a UUID is 32 hex digits and a timestamp
        is naive UTC text; psycopg takes text for uuid and json columns.
        """
        meta_texts = _encoded_once([s.metadata for s in stored])
        recorded = stored[0].recorded_at
        if self._sqlite:
            recorded_text = recorded.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            rows = [
                (
                    s.position,
                    s.event_id.replace("-", ""),
                    s.stream_id,
                    s.stream_type,
                    s.version,
                    s.type,
                    s.schema_version,
                    text,
                    meta_text,
                    s.occurred_on.isoformat() if s.occurred_on else None,
                    recorded_text,
                )
                for s, text, meta_text in zip(stored, texts, meta_texts, strict=True)
            ]
        else:
            rows = [
                (
                    s.position,
                    s.event_id,
                    s.stream_id,
                    s.stream_type,
                    s.version,
                    s.type,
                    s.schema_version,
                    text,
                    meta_text,
                    s.occurred_on,
                    recorded,
                )
                for s, text, meta_text in zip(stored, texts, meta_texts, strict=True)
            ]
            if len(rows) >= COPY_FROM:
                # An import's thousands of rows: COPY is PostgreSQL's bulk path.
                with conn.connection.driver_connection.cursor() as cursor:
                    with cursor.copy(self._copy_sql) as copy:
                        for row in rows:
                            copy.write_row(row)
                return
        conn.exec_driver_sql(self._insert_sql, rows)

    def read_stream(
        self,
        conn: Connection,
        stream_id: str,
        after_version: int = 0,
        to_position: int | None = None,
    ) -> list[StoredEvent]:
        params = {
            "stream_id": stream_id,
            "after_version": after_version,
            "to_position": _NO_BOUND if to_position is None else to_position,
        }
        return [_stored(row) for row in conn.execute(self._read_stream, params)]

    def read_all(
        self,
        conn: Connection,
        after_position: int = 0,
        to_position: int | None = None,
        batch_size: int = 5000,
    ) -> Iterator[list[StoredEvent]]:
        """The whole log in position order, in batches, without holding it all in memory."""
        bound = _NO_BOUND if to_position is None else to_position
        while True:
            params = {"after_position": after_position, "to_position": bound, "batch_size": batch_size}
            batch = [_stored(row) for row in conn.execute(self._read_all, params)]
            if not batch:
                return
            yield batch
            after_position = batch[-1].position

    def streams_written(self, conn: Connection, after: int, upto: int) -> set[str]:
        """The streams that received events at positions after ``after``, up to ``upto``."""
        query = (
            sa.select(events.c.stream_id)
            .where(events.c.position > after, events.c.position <= upto)
            .distinct()
        )
        return set(conn.execute(query).scalars())

    def last_position(self, conn: Connection) -> int:
        return conn.execute(sa.select(log_head.c.last_position).where(log_head.c.id == 1)).scalar_one()


def _stored(row: sa.Row) -> StoredEvent:
    stored = StoredEvent(*row)
    if stored.recorded_at.tzinfo is None:
        # SQLite keeps no offset; every recorded_at is written in UTC.
        return stored._replace(recorded_at=stored.recorded_at.replace(tzinfo=UTC))
    return stored
