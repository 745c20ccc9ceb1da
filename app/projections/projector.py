"""Keeps the read models current, in the same transaction as the append.

Units and clusters change rarely: their rows are replaced whole. Pacts are the
hot path (results arrive by the thousand), so each pact event writes only the
rows it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import singledispatchmethod

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.domain import events as e
from app.domain.pact import Pact
from app.events.schema import projection_checkpoints
from app.events.store import StoredEvent
from app.projections import rows
from app.projections import tables as t

CHECKPOINT = "read_models"


@dataclass(frozen=True, slots=True)
class Change:
    """One stored event with the aggregate state right after it."""

    stored: StoredEvent
    event: e.Event
    state: object


_UPSERTS: dict[tuple[str, str], sa.Insert] = {}


def upsert(conn: Connection, table: sa.Table, values: dict | list[dict]) -> None:
    """INSERT .. ON CONFLICT (primary key) DO UPDATE, built once per table and dialect."""
    key = (conn.dialect.name, table.name)
    stmt = _UPSERTS.get(key)
    if stmt is None:
        insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
        keys = [c.name for c in table.primary_key.columns]
        updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
        stmt = _UPSERTS[key] = insert.on_conflict_do_update(index_elements=keys, set_=updates)
    conn.execute(stmt, values)


def replace_rows(conn: Connection, key: str, table_rows: dict[str, list[dict]]) -> None:
    """Replace all rows of one aggregate: its root table is keyed by ``id``, children by owner."""
    for name, values in table_rows.items():
        table = t.metadata.tables[name]
        owner = table.c.id if name in _ROOT_TABLES else table.c.cluster_id
        conn.execute(table.delete().where(owner == key))
        if values:
            conn.execute(table.insert(), values)


_ROOT_TABLES = {"rm_units", "rm_clusters"}


_TOUCH_PACT = t.pacts.update().where(t.pacts.c.id == sa.bindparam("pact_id"))


class Projector:
    def apply(self, conn: Connection, changes: Sequence[Change]) -> None:
        if not changes:
            return
        last_of_stream: dict[str, Change] = {}
        for change in changes:
            if change.stored.stream_type == "pact":
                self._pact(change.event, conn, change.state, change.stored)
            else:
                last_of_stream[change.stored.stream_id] = change
        for change in last_of_stream.values():
            self._replace_whole(conn, change)
        # No checkpoint write here: these read models change in the append's own
        # transaction, so they are always at event_log_head.last_position.

    @staticmethod
    def save_checkpoint(conn: Connection, position: int) -> None:
        upsert(conn, projection_checkpoints, {"name": CHECKPOINT, "position": position})

    @staticmethod
    def _replace_whole(conn: Connection, change: Change) -> None:
        state, version = change.state, change.stored.version
        if change.stored.stream_type == "unit":
            replace_rows(conn, state.id, rows.all_unit_rows(state, version))
        else:
            replace_rows(conn, state.id, rows.all_cluster_rows(state, version))

    # --- pact events: only the rows each one changes -------------------------

    @singledispatchmethod
    def _pact(self, event: e.Event, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        raise TypeError(f"no projection for {type(event).__name__}")

    @_pact.register
    def _(self, event: e.PactProposed, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        conn.execute(t.pacts.insert(), rows.pact_row(pact, stored.version))
        conn.execute(t.pact_scores.insert(), [rows.unit_score_row(pact, u) for u in pact.parties])

    @_pact.register
    def _(self, event: e.PactSigned, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        conn.execute(t.pact_signatures.insert(), rows.signature_row(pact, event.unit_id))
        self._touch(conn, pact, stored)

    @_pact.register
    def _(self, event: e.TargetSet, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        ordinal = list(pact.targets).index(event.code)
        upsert(conn, t.pact_targets, rows.target_row(pact, event.code, ordinal))
        # Every party's denominator may change: rescore them all.
        upsert(conn, t.pact_scores, [rows.unit_score_row(pact, u) for u in pact.parties])
        self._touch(conn, pact, stored)

    @_pact.register
    def _(self, event: e.ResultRecorded, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        upsert(conn, t.pact_results, rows.result_row(pact, event.unit_id, event.target_code))
        upsert(conn, t.pact_scores, rows.unit_score_row(pact, event.unit_id))
        self._touch(conn, pact, stored)

    @_pact.register
    def _(self, event: e.AwardGranted, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        conn.execute(t.pact_awards.insert(), rows.award_row(pact, len(pact.awards)))
        self._touch(conn, pact, stored)

    @_pact.register
    def _(self, event: e.PactClosed, conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        self._touch(conn, pact, stored)

    @staticmethod
    def _touch(conn: Connection, pact: Pact, stored: StoredEvent) -> None:
        conn.execute(_TOUCH_PACT, {"pact_id": pact.id, **rows.pact_status_row(pact, stored.version)})
