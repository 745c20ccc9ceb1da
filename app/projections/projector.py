"""Keeps the read models current, in the same transaction as the append.

Units and clusters change rarely: their rows are replaced whole. Pacts are the
hot path (results arrive by the thousand), so each pact event writes only the
rows it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.domain import events as e
from app.domain.pact import PACT, Pact
from app.events.schema import projection_checkpoints
from app.events.store import StoredEvent
from app.projections import rows, scoring_rows, search
from app.projections import tables as t

CHECKPOINT = "read_models"


class Change(NamedTuple):
    """One stored event, and its aggregate's state at the end of the commit."""

    stored: StoredEvent
    event: e.Event
    state: Any  # the Unit, Cluster, Pact or ApiKey the event's stream holds


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


_DRIVER_UPSERTS: dict[tuple[str, str], str] = {}


def upsert_many(conn: Connection, table: sa.Table, values: list[dict[str, Any]]) -> None:
    """``upsert`` straight to the driver, for the thousands of rows of an import.

    SQLAlchemy's per-row parameter processing cost more than the upsert itself
    (about 7 us a row). The values go as the same dicts; on SQLite their dates
    are replaced, in place (the rows are made for this call), by the ISO text
    SQLAlchemy would write; psycopg takes date objects. Tested against the rows
    the rebuild writes (tests/integration/test_rebuild_fast.py).
    """
    sqlite = conn.dialect.name == "sqlite"
    key = (conn.dialect.name, table.name)
    sql = _DRIVER_UPSERTS.get(key)
    if sql is None:
        names = [c.name for c in table.columns]
        keys = [c.name for c in table.primary_key.columns]
        marker = ":{}" if sqlite else "%({})s"
        markers = ", ".join(marker.format(n) for n in names)
        sql = _DRIVER_UPSERTS[key] = (
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({markers})"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in names if n not in keys)
        )
        if any(isinstance(c.type, sa.JSON) for c in table.columns):
            raise TypeError(f"{table.name} has JSON columns: use upsert")
    if sqlite:
        for name in (c.name for c in table.columns if isinstance(c.type, sa.Date)):
            for v in values:
                if v[name] is not None:
                    v[name] = v[name].isoformat()
    conn.exec_driver_sql(sql, values)


def replace_rows(conn: Connection, key: str, table_rows: dict[str, list[dict]], stream_id: str = "") -> None:
    """Replace all rows of one aggregate: its root table is keyed by ``id``, children
    by their owner column (``rm_search`` by the stream id)."""
    for name, values in table_rows.items():
        table = t.metadata.tables[name]
        column = _OWNER.get(name) or scoring_rows.OWNER.get(name) or "cluster_id"
        owner_key = stream_id if column == "stream_id" else key
        conn.execute(table.delete().where(table.c[column] == owner_key))
        if values:
            conn.execute(table.insert(), values)


_OWNER = {
    "rm_units": "id",
    "rm_clusters": "id",
    "rm_api_keys": "id",
    "rm_unit_names": "unit_id",
    "rm_search": "stream_id",
}


_TOUCH_PACT = t.pacts.update().where(t.pacts.c.id == sa.bindparam("pact_id"))
_DELETE_RESULT = t.pact_results.delete().where(
    t.pact_results.c.pact_id == sa.bindparam("pact_id"),
    t.pact_results.c.unit_id == sa.bindparam("unit_id"),
    t.pact_results.c.target_code == sa.bindparam("code"),
)


@dataclass(slots=True)
class _PactDelta:
    """What one commit changed in one pact: written once, from the final state.

    A batch of 10,000 results for one pact rewrites each result and score row
    once, not once per event.
    """

    state: Pact
    version: int
    proposed: bool = False
    signers: list[str] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)
    results: set[tuple[str, str]] = field(default_factory=set)
    awards_added: int = 0
    rescore_all: bool = False
    rescore: set[str] = field(default_factory=set)

    def note(self, event: e.Event, state: Pact, version: int) -> None:
        self.state, self.version = state, version
        match event:
            # Results first: they come by the thousand.
            case (
                e.ResultRecorded(unit_id=unit_id, target_code=code)
                | e.ResultWithdrawn(unit_id=unit_id, target_code=code)
            ):
                self.results.add((unit_id, code))
                self.rescore.add(unit_id)
            case e.PactProposed():
                self.proposed = self.rescore_all = True
            case e.PactSigned(unit_id=unit_id):
                self.signers.append(unit_id)
            case e.TargetSet(code=code):
                # Every party's denominator may change: rescore them all.
                self.targets.add(code)
                self.rescore_all = True
            case e.AwardGranted():
                self.awards_added += 1
            case e.PactClosed():
                pass
            case _:
                raise TypeError(f"no projection for {type(event).__name__}")

    def write(self, conn: Connection) -> None:
        pact, version = self.state, self.version
        if self.proposed:
            conn.execute(t.pacts.insert(), rows.pact_row(pact, version))
            conn.execute(t.search_names.insert(), search.rows("pact", pact.id, [pact.title]))
        else:
            conn.execute(_TOUCH_PACT, {"pact_id": pact.id, **rows.pact_status_row(pact, version)})
        if self.signers:
            conn.execute(t.pact_signatures.insert(), [rows.signature_row(pact, u) for u in self.signers])
        if self.targets:
            ordinals = {code: i for i, code in enumerate(pact.targets)}
            upsert(conn, t.pact_targets, [rows.target_row(pact, c, ordinals[c]) for c in self.targets])
        if self.results:
            # A withdrawn result (not in the final state) loses its row; the others are written.
            kept = [key for key in self.results if key in pact.results]
            if kept:
                upsert_many(conn, t.pact_results, [rows.result_row(pact, u, c) for u, c in kept])
            gone = [
                {"pact_id": pact.id, "unit_id": u, "code": c}
                for u, c in self.results
                if (u, c) not in pact.results
            ]
            if gone:
                conn.execute(_DELETE_RESULT, gone)
        if self.awards_added:
            seqs = range(len(pact.awards) - self.awards_added + 1, len(pact.awards) + 1)
            conn.execute(t.pact_awards.insert(), [rows.award_row(pact, seq) for seq in seqs])
            found = [search.award_row(pact.id, seq, pact.awards[seq - 1].title) for seq in seqs]
            conn.execute(t.search_names.insert(), found)
        rescore = pact.parties if self.rescore_all else sorted(self.rescore)
        if rescore:
            upsert(conn, t.pact_scores, [rows.unit_score_row(pact, u) for u in rescore])


class Projector:
    def apply(self, conn: Connection, changes: Sequence[Change]) -> None:
        """Write what the changes did to the read models: units, clusters and keys
        are replaced whole (they change rarely), pacts row by changed row."""
        whole: dict[str, Change] = {}
        pacts: dict[str, _PactDelta] = {}
        for change in changes:
            sid = change.stored.stream_id
            if change.stored.stream_type != PACT.stream_type:
                whole[sid] = change
                continue
            delta = pacts.get(sid)
            if delta is None:
                delta = pacts[sid] = _PactDelta(change.state, change.stored.version)
            delta.note(change.event, change.state, change.stored.version)
        for change in whole.values():
            self._replace_whole(conn, change)
        for delta in pacts.values():
            delta.write(conn)
        # No checkpoint write here: these read models change in the append's own
        # transaction, so they are always at event_log_head.last_position.

    @staticmethod
    def save_checkpoint(conn: Connection, position: int) -> None:
        upsert(conn, projection_checkpoints, {"name": CHECKPOINT, "position": position})

    @staticmethod
    def _replace_whole(conn: Connection, change: Change) -> None:
        state, version = change.state, change.stored.version
        # Keyed by the stream's entity id: a unit's or cluster's id, a sheet's code, a pact's id
        # for its assessments (rm_search by the stream id itself).
        key = change.stored.stream_id.partition(":")[2]
        table_rows = rows.WHOLE_ROWS[change.stored.stream_type](state, version)
        replace_rows(conn, key, table_rows, change.stored.stream_id)
