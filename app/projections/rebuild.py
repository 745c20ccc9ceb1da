"""Rebuild every read model by replaying the whole log (``pacts rebuild``).

The log is replayed stream by stream (app.projections.replay): only the current
stream's state is held, and at each stream's end its rows are derived by the
same functions the incremental projector uses (app.projections.rows) and
queued; the queues are flushed in chunks, so memory stays bounded whatever the
log's size. All of it in one transaction: a reader sees the old tables or the
new ones, never a half-replayed mix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy.engine import Connection, Engine

from app.db import write_connection
from app.domain import cluster, pact, unit
from app.events import snapshots
from app.events.schema import snapshots as snapshot_table
from app.events.store import EventStore
from app.projections import replay, rows
from app.projections import tables as t
from app.projections.projector import Projector

KINDS = {m.STREAM_TYPE: m for m in (unit, cluster, pact)}
ROWS_OF = {
    "unit": rows.all_unit_rows,
    "cluster": rows.all_cluster_rows,
    "pact": rows.all_pact_rows,
}
INSERT_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class RebuildReport:
    events: int
    streams: int
    position: int


def fold_log(
    conn: Connection, store: EventStore, to_position: int | None = None,
    progress: Callable[[int], None] | None = None, snapshot_rows: list[dict] | None = None,
) -> dict[str, tuple[str, object, int]]:
    """stream id -> (stream type, state, version) after folding the log up to a position.

    With ``snapshot_rows``, the pact snapshots the live path would have written
    are collected on the way. (Holds every state: for diagnosis and callers that
    need a past position; ``rebuild`` replays stream by stream instead.)
    """
    states: dict[str, tuple[str, object, int]] = {}
    for batch in store.read_all(conn, to_position=to_position):
        for stored in batch:
            previous = states.get(stored.stream_id)
            state = previous[1] if previous else None
            kind = KINDS[stored.stream_type]
            state = kind.apply(stored.to_domain(), state)
            states[stored.stream_id] = (stored.stream_type, state, stored.version)
            if (snapshot_rows is not None and stored.stream_type == "pact"
                    and stored.version % snapshots.SNAPSHOT_EVERY == 0):
                snapshot_rows.append(
                    snapshots.snapshot_row(stored.stream_id, stored.version, stored.position, state)
                )
        if progress:
            progress(len(batch))
    return states


class _Writer:
    """Queues rows per table and inserts them ``chunk`` at a time.

    The INSERT is compiled once per table by SQLAlchemy for the connection's
    dialect, and each value goes through the column type's own bind processor
    (JSON serializer, dates on SQLite...), exactly as ``conn.execute(insert,
    rows)`` would; then the driver's executemany runs it without SQLAlchemy's
    per-row parameter machinery, which cost more than the inserts themselves.
    """

    def __init__(self, conn: Connection, chunk: int) -> None:
        self.conn = conn
        self.chunk = chunk
        self.cursor = conn.connection.dbapi_connection.cursor()
        dialect = conn.dialect
        self.statements: dict[str, tuple] = {}
        for table in (*t.ALL, snapshot_table):
            compiled = table.insert().compile(dialect=dialect)
            if compiled.positional:
                names = tuple(compiled.positiontup)
            else:
                names = tuple(c.name for c in table.columns)
            procs = tuple(
                (i, proc) for i, name in enumerate(names)
                if (proc := table.c[name].type.bind_processor(dialect)) is not None
            )
            self.statements[table.name] = (str(compiled), compiled.positional, names, procs)
        self.pending: dict[str, list[dict]] = {name: [] for name in self.statements}

    def add(self, name: str, values: list[dict]) -> None:
        queue = self.pending[name]
        queue.extend(values)
        if len(queue) >= self.chunk:
            self.flush(name)

    def flush(self, name: str) -> None:
        queue = self.pending[name]
        if not queue:
            return
        self.pending[name] = []
        sql, positional, names, procs = self.statements[name]
        get = itemgetter(*names)
        if len(names) == 1:
            params = [(get(row),) for row in queue]
        else:
            params = list(map(get, queue))
        if procs:
            # Column by column: map and zip run in C.
            columns = list(zip(*params))
            for i, proc in procs:
                columns[i] = list(map(proc, columns[i]))
            params = list(zip(*columns))
        if not positional:
            params = [dict(zip(names, values)) for values in params]
        self.cursor.executemany(sql, params)

    def flush_all(self) -> None:
        for name in self.pending:
            self.flush(name)
        self.cursor.close()


def rebuild(
    engine: Engine, store: EventStore,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    chunk: int = INSERT_CHUNK,
) -> RebuildReport:
    with write_connection(engine) as conn:
        with conn.begin():
            position = store.lock(conn)
            if on_total:
                on_total(position)
            for table in t.ALL:
                conn.execute(table.delete())
            conn.execute(snapshot_table.delete())
            writer = _Writer(conn, chunk)
            add = writer.add

            def on_stream(stream_type: str, state: object, version: int) -> None:
                for name, values in ROWS_OF[stream_type](state, version).items():
                    if values:
                        add(name, values)

            def on_snapshot(row: dict) -> None:
                add(snapshot_table.name, [row])

            events, streams = replay.replay(conn, on_stream, on_snapshot, progress)
            writer.flush_all()
            Projector.save_checkpoint(conn, position)
    return RebuildReport(events, streams, position)
