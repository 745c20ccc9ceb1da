"""One command, one transaction: load states, append events, update read models, commit."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from app.db import write_connection
from app.domain import errors
from app.domain.aggregate import Aggregate
from app.domain.events import Event
from app.events import snapshots
from app.events.store import COPY_FROM, EventStore, PendingAppend, StoredEvent
from app.projections.projector import Change, Projector
from app.services.state_cache import StateCache

S = TypeVar("S")


@dataclass(slots=True)
class _Tracked:
    kind: Aggregate[Any]
    state: Any
    loaded_version: int
    new_events: list[Event]
    # Each new event's metadata: a batch's events each name their own command.
    metadata: list[dict[str, Any]]
    # (version, state) at the versions the snapshot policy keeps. Not a state per
    # event: a 10,000-result import would hold 10,000 pact copies for the
    # garbage collector to walk, and the read models need only the final state.
    snapshot_states: list[tuple[int, Any]]


def _pipelined(conn: Connection, wanted: bool) -> AbstractContextManager:
    """On PostgreSQL, send a command's writes together and wait once (psycopg's
    pipeline mode): they need no answers, and a round trip each dominated a
    command. Errors still surface before the commit, when the pipeline syncs.
    Not for imports: their events go by COPY, which a pipeline cannot carry."""
    if wanted and conn.dialect.name == "postgresql":
        driver: Any = conn.connection.driver_connection
        return driver.pipeline()
    return nullcontext()


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

    def _track(self, kind: Aggregate[Any], entity_id: str) -> _Tracked:
        sid = kind.stream_id(entity_id)
        tracked = self._tracked.get(sid)
        if tracked is None:
            version, state = self._cache.get(sid)
            if state is None:
                for stored in self._store.read_stream(self.conn, sid):
                    state = kind.apply(stored.to_domain(), state)
                    version = stored.version
            tracked = self._tracked[sid] = _Tracked(kind, state, version, [], [], [])
        return tracked

    def load(self, kind: Aggregate[S], entity_id: str) -> S | None:
        state: S | None = self._track(kind, entity_id).state
        return state

    def get(self, kind: Aggregate[S], entity_id: str) -> S:
        """The aggregate named in the request's path: 404 when it does not exist."""
        state = self.load(kind, entity_id)
        if state is None:
            raise errors.NotFound(f"no {kind.stream_type} {entity_id}")
        return state

    def get_ref(self, kind: Aggregate[S], entity_id: str, field: str) -> S:
        """An aggregate a request field refers to: 422 on that field when it does not exist."""
        state = self.load(kind, entity_id)
        if state is None:
            raise errors.InvalidValue(field, f"no {kind.stream_type} {entity_id}")
        return state

    def touched(self, kind: Aggregate[Any]) -> list[str]:
        """Ids of this kind already loaded in this transaction (newer than any read model)."""
        ids = (kind.entity_id(sid) for sid in self._tracked)
        return [entity_id for entity_id in ids if entity_id is not None]

    def version(self, kind: Aggregate[Any], entity_id: str) -> int:
        tracked = self._tracked[kind.stream_id(entity_id)]
        return tracked.loaded_version + len(tracked.new_events)

    def record(
        self,
        kind: Aggregate[Any],
        entity_id: str,
        new_events: list[Event],
        expected_version: int | None = None,
    ) -> None:
        tracked = self._track(kind, entity_id)
        current = tracked.loaded_version + len(tracked.new_events)
        if expected_version is not None and expected_version != current:
            raise errors.VersionConflict(kind.stream_id(entity_id), expected_version, current)
        state = tracked.state
        snapshotted = snapshots.wanted(kind.stream_type)
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
        pending = [
            PendingAppend(sid, t.kind.stream_type, t.loaded_version, t.new_events, t.metadata)
            for sid, t in self._tracked.items()
            if t.new_events
        ]
        count = sum(len(p.events) for p in pending)
        with _pipelined(self.conn, count < COPY_FROM):
            self.stored = self._store.append(self.conn, pending, self.metadata, head=self._log_head)
            # Each change carries its stream's state after the whole commit.
            finals = [t.state for t in self._tracked.values() for _ in t.new_events]
            events = [ev for t in self._tracked.values() for ev in t.new_events]
            self._projector.apply(self.conn, list(map(Change, self.stored, events, finals)))
            wanted = {(sid, version) for sid, t in self._tracked.items() for version, _ in t.snapshot_states}
            position_of = {
                (s.stream_id, s.version): s.position
                for s in self.stored
                if (s.stream_id, s.version) in wanted
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
                before_commit(self.stored)
        self.conn.commit()
        for sid, t in self._tracked.items():
            self._cache.put(sid, t.loaded_version + len(t.new_events), t.state)
        if self.stored:
            self._cache.advance(self._head, self.stored[-1].position)
        return self.stored
