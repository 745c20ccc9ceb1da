"""One command, one transaction: load states, append events, update read models, commit."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from types import ModuleType
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection, Engine

from app.db import write_connection
from app.domain import errors
from app.domain.events import Event
from app.events import snapshots
from app.events.store import COPY_FROM, EventStore, Head, PendingAppend, StoredEvent
from app.projections.projector import Change, Projector
from app.services.state_cache import StateCache

# An aggregate is a domain module with STREAM_TYPE and apply(event, state).
Aggregate = ModuleType


def stream_id(kind: Aggregate, entity_id: str) -> str:
    return f"{kind.STREAM_TYPE}:{entity_id}"


@dataclass(slots=True)
class _Tracked:
    kind: Aggregate
    state: object
    loaded_version: int
    new_events: list[Event]
    # Each new event's metadata: a batch's events each name their own command.
    metadata: list[dict[str, Any]]
    # (version, state) at the versions the snapshot policy keeps. Not a state per
    # event: a 10,000-result import would hold 10,000 pact copies for the
    # garbage collector to walk, and the read models need only the final state.
    snapshot_states: list[tuple[int, object]]


def _pipelined(conn: Connection, wanted: bool) -> AbstractContextManager:
    """On PostgreSQL, send a command's writes together and wait once (psycopg's
    pipeline mode): they need no answers, and a round trip each dominated a
    command. Errors still surface before the commit, when the pipeline syncs.
    Not for imports: their events go by COPY, which a pipeline cannot carry."""
    if wanted and conn.dialect.name == "postgresql":
        return conn.connection.driver_connection.pipeline()
    return nullcontext()


class Mark(NamedTuple):
    head: Head
    states: dict[str, tuple[object, int]]


class UnitOfWork:
    def __init__(self, engine: Engine, store: EventStore, projector: Projector, cache: StateCache) -> None:
        self._engine, self._store, self._projector, self._cache = engine, store, projector, cache
        self._tracked: dict[str, _Tracked] = {}
        self.conn: Connection
        self.stored: list[StoredEvent] = []
        # Stored with every event recorded from now on; the bus sets it per command.
        self.metadata: dict[str, Any] = {}

    def __enter__(self) -> UnitOfWork:
        self.conn = write_connection(self._engine)
        self.conn.begin()
        # Held to commit: commands run one at a time against the log, so the
        # invariants they check across streams cannot be raced.
        self._log_head = self._store.lock_head(self.conn)
        self._head = self._log_head.position
        # After this, every state still in the cache is current at the locked head.
        self._cache.catch_up(
            self._head, lambda after: self._store.streams_written(self.conn, after, self._head)
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.conn.in_transaction():
            self.conn.rollback()
        self.conn.close()

    def _track(self, kind: Aggregate, entity_id: str) -> _Tracked:
        sid = stream_id(kind, entity_id)
        tracked = self._tracked.get(sid)
        if tracked is None:
            version, state = self._cache.get(sid)
            if state is None:
                for stored in self._store.read_stream(self.conn, sid):
                    state = kind.apply(stored.to_domain(), state)
                    version = stored.version
            tracked = self._tracked[sid] = _Tracked(kind, state, version, [], [], [])
        return tracked

    def load(self, kind: Aggregate, entity_id: str) -> object | None:
        return self._track(kind, entity_id).state

    def get(self, kind: Aggregate, entity_id: str) -> object:
        """The aggregate named in the request's path: 404 when it does not exist."""
        state = self.load(kind, entity_id)
        if state is None:
            raise errors.NotFound(f"no {kind.STREAM_TYPE} {entity_id}")
        return state

    def get_ref(self, kind: Aggregate, entity_id: str, field: str) -> object:
        """An aggregate a request field refers to: 422 on that field when it does not exist."""
        state = self.load(kind, entity_id)
        if state is None:
            raise errors.InvalidValue(field, f"no {kind.STREAM_TYPE} {entity_id}")
        return state

    def touched(self, kind: Aggregate) -> list[str]:
        """Ids of this kind already loaded in this transaction (newer than any read model)."""
        prefix = f"{kind.STREAM_TYPE}:"
        return [sid.removeprefix(prefix) for sid in self._tracked if sid.startswith(prefix)]

    def version(self, kind: Aggregate, entity_id: str) -> int:
        tracked = self._tracked[stream_id(kind, entity_id)]
        return tracked.loaded_version + len(tracked.new_events)

    def record(
        self,
        kind: Aggregate,
        entity_id: str,
        new_events: list[Event],
        expected_version: int | None = None,
    ) -> None:
        tracked = self._track(kind, entity_id)
        current = tracked.loaded_version + len(tracked.new_events)
        if expected_version is not None and expected_version != current:
            raise errors.VersionConflict(stream_id(kind, entity_id), expected_version, current)
        state = tracked.state
        snapshotted = snapshots.wanted(kind.STREAM_TYPE)
        for version, event in enumerate(new_events, current + 1):
            state = kind.apply(event, state)
            tracked.new_events.append(event)
            tracked.metadata.append(self.metadata)
            if (
                snapshotted
                and version % snapshots.SNAPSHOT_EVERY == 0
                and snapshots.due(version, len(state.results))
            ):
                tracked.snapshot_states.append((version, state))
        tracked.state = state

    def commit(self, before_commit: Callable[[list[StoredEvent]], None] | None = None) -> list[StoredEvent]:
        """Append, project, snapshot and commit; ``before_commit(stored)`` runs last in
        the transaction (the idempotency record: stored with the events or not at all)."""
        self.stored = self.flush(before_commit)
        self.commit_flushed()
        return self.stored

    def flush(self, before_commit: Callable[[list[StoredEvent]], None] | None = None) -> list[StoredEvent]:
        """Append, project and snapshot what was recorded since the last flush, in this
        transaction, without committing it; the log head moves on. Group commit flushes
        each command of a group in turn (app.services.group_commit)."""
        pending = [
            PendingAppend(sid, t.kind.STREAM_TYPE, t.loaded_version, t.new_events, t.metadata)
            for sid, t in self._tracked.items()
            if t.new_events
        ]
        count = sum(len(p.events) for p in pending)
        with _pipelined(self.conn, count < COPY_FROM):
            stored = self._store.append(self.conn, pending, self.metadata, head=self._log_head)
            # Each change carries its stream's state after the whole commit.
            finals = [t.state for t in self._tracked.values() for _ in t.new_events]
            events = [ev for t in self._tracked.values() for ev in t.new_events]
            self._projector.apply(self.conn, list(map(Change, stored, events, finals)))
            wanted = {(sid, version) for sid, t in self._tracked.items() for version, _ in t.snapshot_states}
            position_of = {
                (s.stream_id, s.version): s.position for s in stored if (s.stream_id, s.version) in wanted
            }
            snapshots.write(
                self.conn,
                [
                    snapshots.snapshot_row(sid, version, position_of[(sid, version)], state)
                    for sid, t in self._tracked.items()
                    for version, state in t.snapshot_states
                ],
            )
            if before_commit is not None:
                before_commit(stored)
        for t in self._tracked.values():
            if t.new_events:
                t.loaded_version += len(t.new_events)
                t.new_events, t.metadata, t.snapshot_states = [], [], []
        if stored:
            self._log_head = Head(stored[-1].position, stored[-1].hash)
        return stored

    def commit_flushed(self) -> None:
        """Commit what was flushed; then, and only then, the cache learns the new states."""
        self.conn.commit()
        for sid, t in self._tracked.items():
            self._cache.put(sid, t.loaded_version, t.state)
        if self._log_head.position != self._head:
            self._cache.advance(self._head, self._log_head.position)

    def mark(self) -> Mark:
        """Where this unit of work stands between two flushes (see ``restore``)."""
        assert not any(t.new_events for t in self._tracked.values()), "mark after a flush"
        return Mark(self._log_head, {sid: (t.state, t.loaded_version) for sid, t in self._tracked.items()})

    def restore(self, mark: Mark) -> None:
        """Forget everything since ``mark``: states, versions, the log head (the caller
        rolls the transaction back to a savepoint taken with the mark)."""
        self._log_head = mark.head
        for sid in list(self._tracked):
            kept = mark.states.get(sid)
            if kept is None:
                del self._tracked[sid]  # loaded since: read again if asked
                continue
            t = self._tracked[sid]
            t.state, t.loaded_version = kept
            t.new_events, t.metadata, t.snapshot_states = [], [], []
