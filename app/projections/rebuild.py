"""Rebuild every read model by replaying the whole log (``pacts rebuild``).

The log is replayed stream by stream (app.projections.replay): only the current
stream's state is held, and at each stream's end its rows are derived by the
same functions the incremental projector uses (app.projections.rows) and
queued; the queues are flushed in chunks, so memory stays bounded whatever the
log's size. All of it in one transaction: a reader sees the old tables or the
new ones, never a half-replayed mix.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection, Engine

from app.audit.verify import require_intact
from app.db import write_connection
from app.events.schema import log_head
from app.events.schema import snapshots as snapshot_table
from app.events.store import EventStore
from app.observability.metrics import REBUILD_SECONDS
from app.projections import bulk_rows, parallel, replay
from app.projections import tables as t
from app.projections.projector import Projector

log = logging.getLogger("pacts.rebuild")
INSERT_CHUNK = 5000
_NEXT_GENERATION = (
    log_head.update()
    .where(log_head.c.id == 1)
    .values(read_model_generation=log_head.c.read_model_generation + 1)
)
PARALLEL_FROM = 50_000
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class RebuildReport:
    events: int
    streams: int
    position: int
    # Peak resident memory of the worker processes, summed (0 when replayed in process).
    worker_peak_mb: float = 0.0


class _Writer:
    """Queues rows per table, as tuples in the table's column order, and writes
    them ``chunk`` at a time: ``executemany`` on SQLite, COPY on PostgreSQL.

    Pact rows arrive as tuples ready for the driver (app.projections.bulk_rows).
    The few unit, cluster and snapshot rows arrive as dicts from
    app.projections.rows; each value goes through its column type's own bind
    processor (JSON serializer, dates on SQLite...), as ``conn.execute(insert,
    rows)`` would do, and they join the same queues.
    """

    def __init__(self, conn: Connection, chunk: int) -> None:
        self.chunk = chunk
        self.dbapi: Any = conn.connection.dbapi_connection  # psycopg's or sqlite3's
        self.copy = conn.dialect.name == "postgresql"
        marker = "%s" if self.copy else "?"
        self.sql: dict[str, str] = {}
        self.names: dict[str, tuple[str, ...]] = {}
        self.procs: dict[str, tuple] = {}
        for table in (*t.ALL, snapshot_table):
            names = tuple(c.name for c in table.columns)
            columns = ", ".join(names)
            self.names[table.name] = names
            self.sql[table.name] = (
                f"COPY {table.name} ({columns}) FROM STDIN"
                if self.copy
                else f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join(marker for _ in names)})"
            )
            self.procs[table.name] = tuple(
                (i, proc)
                for i, name in enumerate(names)
                if (proc := table.c[name].type.bind_processor(conn.dialect)) is not None
            )
        for name, built in bulk_rows.COLUMNS.items():
            if built != self.names[name]:
                raise RuntimeError(f"bulk_rows builds {name} as {built}, the table has {self.names[name]}")
        self.pending: dict[str, list[tuple]] = {name: [] for name in self.sql}

    def add(self, name: str, rows: list[tuple]) -> None:
        queue = self.pending[name]
        queue.extend(rows)
        if len(queue) >= self.chunk:
            self.flush(name)

    def add_dicts(self, name: str, rows: list[dict]) -> None:
        get = itemgetter(*self.names[name])
        tuples = [get(row) for row in rows]
        procs = self.procs[name]
        if procs:
            converted = []
            for row in tuples:
                values = list(row)
                for i, proc in procs:
                    values[i] = proc(values[i])
                converted.append(tuple(values))
            tuples = converted
        self.add(name, tuples)

    def flush(self, name: str) -> None:
        rows = self.pending[name]
        if not rows:
            return
        self.pending[name] = []
        cursor = self.dbapi.cursor()
        try:
            if self.copy:
                with cursor.copy(self.sql[name]) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql[name], rows)
        finally:
            cursor.close()

    def flush_all(self) -> None:
        for name in self.pending:
            self.flush(name)


def auto_workers(events: int, engine: Engine | None = None) -> int:
    """Worker processes for a log this long: none below PARALLEL_FROM events (starting
    a process costs more than it saves), nor for a database other processes cannot
    open (in-memory SQLite); else one per core, at least one: the rebuilding process
    itself is busy writing."""
    if events < PARALLEL_FROM:
        return 0
    if (
        engine is not None
        and engine.dialect.name == "sqlite"
        and engine.url.database in (None, "", ":memory:")
    ):
        return 0
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _replay_here(
    conn: Connection,
    writer: _Writer,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Replay in this process: fold, derive rows, write, one stream after another."""

    def on_stream(stream_type: str, folded: object, version: int) -> None:
        for name, values, as_dicts in bulk_rows.stream_rows(stream_type, folded, version):
            (writer.add_dicts if as_dicts else writer.add)(name, values)

    def on_snapshot(row: dict) -> None:
        writer.add_dicts(snapshot_table.name, [row])

    return replay.replay(conn, on_stream, on_snapshot, progress)


def rebuild(
    engine: Engine,
    store: EventStore,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    chunk: int = INSERT_CHUNK,
    workers: int | None = 0,
    verify: bool = True,
) -> RebuildReport:
    """Replay the whole log into emptied read models, in one transaction.

    ``workers``: processes that fold ranges of streams while this one writes
    (app.projections.parallel); 0 replays here; None picks by the log's length
    (auto_workers), as ``pacts rebuild`` does. Workers are spawned: a script that
    asks for them must guard its entry point with ``if __name__ == "__main__"``.
    ``verify``: check the log's hash chain first and refuse, with LogNotIntact and
    nothing changed, to replay a log with a gap or a bad hash (app.audit.verify).
    """
    started = time.perf_counter()
    with write_connection(engine) as conn:
        with conn.begin():
            position = store.lock(conn)
            if verify:
                require_intact(conn)
            if on_total:
                on_total(position)
            for table in t.ALL:
                conn.execute(table.delete())
            conn.execute(snapshot_table.delete())
            writer = _Writer(conn, chunk)
            if workers is None:
                workers = auto_workers(position, engine)
            worker_peak_mb = 0.0
            if workers:
                url = engine.url.render_as_string(hide_password=False)
                ranges = parallel.stream_ranges(conn, position, workers)
                events, streams, worker_peak_mb = parallel.replay(url, ranges, position, writer, progress)
            else:
                events, streams = _replay_here(conn, writer, progress)
            writer.flush_all()
            Projector.save_checkpoint(conn, position)
            # The read models changed under an unmoved log head: caches keyed by
            # the head (app.projections.read_cache) must not answer from before.
            conn.execute(_NEXT_GENERATION)
    seconds = time.perf_counter() - started
    REBUILD_SECONDS.observe(seconds)
    fields = {"events": events, "streams": streams, "position": position, "workers": workers}
    log.info("rebuild", extra={"fields": {**fields, "duration_s": round(seconds, 3)}})
    return RebuildReport(events, streams, position, worker_peak_mb)
