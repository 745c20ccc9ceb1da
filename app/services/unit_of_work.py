"""One command, one transaction: load states, append events, update read models, commit."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy.engine import Connection, Engine

from app.db import write_connection
from app.domain import errors
from app.domain.aggregate import Aggregate
from app.domain.events import Event
from app.events import snapshots
from app.events.store import COPY_FROM, EventStore, Head, PendingAppend, StoredEvent
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


class Mark(NamedTuple):
    head: Head
    states: dict[str, tuple[object, int, int, int]]  # state, version, new events, snapshots


# What a command handler answers: the aggregate kind and id of the stream it wrote.
Written = tuple[Aggregate[Any], str]


class UnitOfWork:
    def __init__(self, engine: Engine, store: EventStore, projector: Projector, cache: StateCache) -> None:
        self._engine, self._store, self._projector, self._cache = engine, store, projector, cache
        self._tracked: dict[str, _Tracked] = {}
        self.conn: Connection
        self.stored: list[StoredEvent] = []
        # Stored with every event recorded from now on; the bus sets it per command.
        self.metadata: dict[str, Any] = {}
        # Group commit: after each staged command, each stream's count of new events.
        self._cuts: list[dict[str, int]] = []

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
            version, state, behind = self._cache.lookup(sid)
            if state is None or behind:
                # The whole stream, or the events another process appended since.
                for stored in self._store.read_stream(self.conn, sid, after_version=version):
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
        self.stored = self.flush(before_commit)
        self.commit_flushed()
        return self.stored

    def flush(self, before_commit: Callable[[list[StoredEvent]], None] | None = None) -> list[StoredEvent]:
        """Append, project and snapshot what was recorded since the last flush, in this
        transaction, without committing it; the log head moves on. The commands of a
        group (``stage``) are appended one after another, in the order they were staged."""
        pending = self._pending()
        count = sum(len(p.events) for p in pending)
        with _pipelined(self.conn, count < COPY_FROM):
            stored = self._store.append(self.conn, pending, self.metadata, head=self._log_head)
            # Each change carries its stream's state after the whole commit.
            finals = [self._tracked[p.stream_id].state for p in pending for _ in p.events]
            events = [ev for p in pending for ev in p.events]
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
        self._cuts = []
        if stored:
            self._log_head = Head(stored[-1].position, stored[-1].hash)
        return stored

    def commit_flushed(self) -> None:
        """Commit what was flushed; then, and only then, the cache learns the new states."""
        self.conn.commit()
        for sid, t in self._tracked.items():
            self._cache.put(sid, t.loaded_version, t.state, self._log_head.position)
        if self._log_head.position != self._head:
            self._cache.advance(self._head, self._log_head.position)

    def _pending(self) -> list[PendingAppend]:
        """Each stream's new events; with staged commands, each command's in turn."""
        pending: list[PendingAppend] = []
        done: dict[str, int] = {}
        for cut in [*self._cuts, None]:
            for sid, t in self._tracked.items():
                begin = done.get(sid, 0)
                end = len(t.new_events) if cut is None else cut.get(sid, begin)
                if end > begin:
                    events = t.new_events if end - begin == len(t.new_events) else t.new_events[begin:end]
                    metadata = t.metadata if events is t.new_events else t.metadata[begin:end]
                    pending.append(
                        PendingAppend(sid, t.kind.stream_type, t.loaded_version + begin, events, metadata)
                    )
                    done[sid] = end
        return pending

    @property
    def staged_events(self) -> int:
        """Events recorded and not flushed yet."""
        return sum(len(t.new_events) for t in self._tracked.values())

    def stage(self, answer: Callable[[int | None], None]) -> list[StoredEvent]:
        """Close the current command of a group: its events are appended after those of
        the commands staged before it, at the next flush. ``answer(position)`` is told
        where its last event will land (None: it recorded none). Returns no events yet."""
        previous = sum(self._cuts[-1].values()) if self._cuts else 0
        staged = self.staged_events
        answer(self._log_head.position + staged if staged > previous else None)
        self._cuts.append({sid: len(t.new_events) for sid, t in self._tracked.items() if t.new_events})
        return []

    def mark(self) -> Mark:
        """Where this unit of work stands between two commands (see ``restore``)."""
        return Mark(
            self._log_head,
            {
                sid: (t.state, t.loaded_version, len(t.new_events), len(t.snapshot_states))
                for sid, t in self._tracked.items()
            },
        )

    def restore(self, mark: Mark) -> None:
        """Forget everything since ``mark``: states, versions, events, the log head (the
        caller rolls the transaction back to a savepoint taken with the mark)."""
        self._log_head = mark.head
        for sid in list(self._tracked):
            kept = mark.states.get(sid)
            if kept is None:
                del self._tracked[sid]  # loaded since: read again if asked
                continue
            t = self._tracked[sid]
            t.state, t.loaded_version, events, snapshots_kept = kept
            del t.new_events[events:], t.metadata[events:], t.snapshot_states[snapshots_kept:]
