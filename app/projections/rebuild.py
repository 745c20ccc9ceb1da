"""Rebuild every read model by replaying the whole log (``pacts rebuild``).

Events are folded into aggregate states in memory, then the rows are derived
from those states (the same functions the incremental projector uses) and
written in bulk, all in one transaction: a reader sees the old tables or the
new ones, never a half-replayed mix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from app.db import write_connection
from app.domain import cluster, pact, unit
from app.events import snapshots
from app.events.schema import snapshots as snapshot_table
from app.events.store import EventStore
from app.projections import rows
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
    are collected on the way.
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


def rebuild(
    engine: Engine, store: EventStore,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RebuildReport:
    with write_connection(engine) as conn:
        with conn.begin():
            position = store.lock(conn)
            if on_total:
                on_total(position)
            snapshot_rows: list[dict] = []
            states = fold_log(conn, store, progress=progress, snapshot_rows=snapshot_rows)
            for table in t.ALL:
                conn.execute(table.delete())
            conn.execute(snapshot_table.delete())
            pending: dict[str, list[dict]] = {table.name: [] for table in t.ALL}
            for stream_type, state, version in states.values():
                for name, values in ROWS_OF[stream_type](state, version).items():
                    pending[name].extend(values)
            for table in reversed(t.ALL):
                values = pending[table.name]
                for start in range(0, len(values), INSERT_CHUNK):
                    conn.execute(table.insert(), values[start : start + INSERT_CHUNK])
            for start in range(0, len(snapshot_rows), INSERT_CHUNK):
                snapshots.write(conn, snapshot_rows[start : start + INSERT_CHUNK])
            Projector.save_checkpoint(conn, position)
    return RebuildReport(sum(v[2] for v in states.values()), len(states), position)
