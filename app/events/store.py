"""The event store: append with an optimistic-concurrency check, read streams and the log.

It works on a Connection whose transaction the caller owns, so one command's
events and its read-model updates commit or roll back together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.db import dumps
from app.domain.errors import VersionConflict
from app.domain.events import Event
from app.events import chain, codec
from app.events.canonical import dumps_canonical
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
    prev_hash: str
    hash: str

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
    events.c.prev_hash,
    events.c.hash,
)


class Head(NamedTuple):
    """Where the log ends: its last position and that event's hash (GENESIS when empty)."""

    position: int
    hash: str


_NO_BOUND = 2**62
# Appends of this many events go to PostgreSQL by COPY (not inside a pipeline).
COPY_FROM = 500


class EventStore:
    def __init__(self, dialect_name: str) -> None:
        # On SQLite the write transaction began with BEGIN IMMEDIATE and already
        # holds the database's only write lock; PostgreSQL needs a row lock.
        last_hash = sa.select(events.c.hash).where(events.c.position == log_head.c.last_position)
        self._lock_head = sa.select(log_head.c.last_position, last_hash.scalar_subquery()).where(
            log_head.c.id == 1
        )
        if dialect_name == "postgresql":
            self._lock_head = self._lock_head.with_for_update(of=log_head)
        self._hash_at = sa.select(events.c.hash).where(events.c.position == sa.bindparam("position"))
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
        return self.lock_head(conn).position

    def lock_head(self, conn: Connection) -> Head:
        """Take the log's write lock for this transaction; returns where the log ends."""
        position, last_hash = conn.execute(self._lock_head).one()
        if last_hash is None and position > 0:
            # PostgreSQL, READ COMMITTED: when FOR UPDATE waited for another writer, the
            # head row is re-read as that writer committed it, but the subquery keeps the
            # statement's snapshot, where the writer's last event is not yet visible. A
            # new statement takes a new snapshot: the event is there, and the chain holds.
            last_hash = conn.execute(self._hash_at, {"position": position}).scalar_one()
        return Head(position, chain.GENESIS if last_hash is None else last_hash)

    def stream_version(self, conn: Connection, stream_id: str) -> int:
        return conn.execute(self._version_of, {"stream_id": stream_id}).scalar_one()

    def append(
        self,
        conn: Connection,
        appends: Sequence[PendingAppend],
        metadata: dict,
        head: Head | None = None,
    ) -> list[StoredEvent]:
        """Append every stream's events in one go, or none: a conflict raises.

        ``head`` is where the log ended when a caller that already holds the
        lock in this transaction took it, and has read each stream's version
        under it: then the versions are not read again (two round trips fewer
        on PostgreSQL). Without it the lock is taken and every expected version
        checked here. Each event is chained to the one before it (app.events.chain).
        """
        position, prev_hash = self.lock_head(conn) if head is None else head
        recorded_at = datetime.now(UTC)
        ids = iter(new_ids(sum(len(p.events) for p in appends)))
        stored: list[StoredEvent] = []
        # The same events as the driver takes them, made in the same pass: values
        # already in the column formats (SQLAlchemy's per-row bind processing
        # cost more than the insert itself in a batch import). They are the
        # formats SQLAlchemy writes and reads back: on SQLite a UUID is 32 hex
        # digits and a timestamp naive UTC text; psycopg takes text for uuid and json.
        rows: list[tuple[object, ...]] = []
        sqlite = self._sqlite
        recorded = (
            recorded_at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else recorded_at
        )
        # Each distinct metadata dict is encoded once: the events of a batch share
        # one dict per kind of command, and an import holds thousands of events.
        # The hash chain (app.events.chain) takes its canonical form (JCS) as UTF-8.
        encoded: dict[int, tuple[str, bytes]] = {}

        def encode_metadata(value: dict[str, Any]) -> tuple[str, bytes]:
            found = encoded.get(id(value))
            if found is None:
                found = encoded[id(value)] = (dumps(value), dumps_canonical(value).encode())
            return found

        when = chain.timestamp(recorded_at)
        middles: dict[type, bytes] = {}
        prev = prev_hash.encode()
        encode, link, sha256 = codec.encode_for_log, chain.LINK, hashlib.sha256
        for pending in appends:
            stream_id, stream_type = pending.stream_id, pending.stream_type
            actual = self.stream_version(conn, stream_id) if head is None else pending.expected_version
            if actual != pending.expected_version:
                raise VersionConflict(stream_id, pending.expected_version, actual)
            version = actual
            middles.clear()
            per_event = [metadata] * len(pending.events) if pending.metadata is None else pending.metadata
            for event, event_metadata in zip(pending.events, per_event, strict=True):
                meta_text, meta_jcs = encode_metadata(event_metadata)
                position += 1
                version += 1
                event_id = next(ids)
                data, text, jcs, occurred, occurred_on = encode(event)
                kind = type(event)
                name, schema_version = kind.__name__, kind.SCHEMA_VERSION
                middle = middles.get(kind)
                if middle is None:
                    middle = chain.middle(when, schema_version, stream_id, stream_type, name).encode()
                    middles[kind] = middle
                linked = link % (
                    jcs.encode(),
                    event_id.encode(),
                    meta_jcs,
                    occurred.encode(),
                    position,
                    middle,
                    version,
                    prev,
                )
                event_hash = sha256(linked).hexdigest()
                stored.append(
                    StoredEvent(
                        position,
                        event_id,
                        stream_id,
                        stream_type,
                        version,
                        name,
                        schema_version,
                        data,
                        event_metadata,
                        occurred_on,
                        recorded_at,
                        prev_hash,
                        event_hash,
                    )
                )
                rows.append(
                    (
                        position,
                        event_id.replace("-", "") if sqlite else event_id,
                        stream_id,
                        stream_type,
                        version,
                        name,
                        schema_version,
                        text,
                        meta_text,
                        (None if occurred_on is None else occurred[1:-1]) if sqlite else occurred_on,
                        recorded,
                        prev_hash,
                        event_hash,
                    )
                )
                prev_hash, prev = event_hash, event_hash.encode()
        if not stored:
            return stored
        try:
            self._insert_rows(conn, rows)
        except sa.exc.IntegrityError as error:
            # UNIQUE(stream_id, version) is the backstop if a writer skipped the lock.
            first = appends[0]
            raise VersionConflict(first.stream_id, first.expected_version, -1) from error
        conn.execute(self._move_head, {"last_position": position})
        return stored

    def _insert_rows(self, conn: Connection, rows: list[tuple[object, ...]]) -> None:
        """One driver-level executemany (COPY for an import's rows on PostgreSQL)."""
        if not self._sqlite and len(rows) >= COPY_FROM:
            driver: Any = conn.connection.driver_connection
            with driver.cursor() as cursor:
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
