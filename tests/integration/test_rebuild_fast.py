"""The stream-by-stream rebuild: bounded chunks, raw inserts, upcasting, unknown types."""

from __future__ import annotations

import pytest

from app.events import codec
from app.events.schema import events, snapshots as snapshot_table
from app.projections import replay
from app.projections import tables as t
from app.projections.rebuild import rebuild
from tests.integration.test_rebuild import live, snapshot
from tests.integration.test_snapshots import _given_a_long_pact


def raw_rows(engine) -> dict[str, list[tuple]]:
    """Every read-model and snapshot row as the database stores it (JSON as text, NULL vs 'null')."""
    with engine.connect() as conn:
        out = {}
        for table in (*t.ALL, snapshot_table):
            cols = ", ".join(f"CAST({c.name} AS TEXT)" for c in table.columns)
            out[table.name] = sorted(
                tuple(r) for r in conn.exec_driver_sql(f"SELECT {cols} FROM {table.name}")
            )
        return out


def test_tiny_chunks_and_fetches_store_byte_for_byte_what_the_projector_stored(ledger, monkeypatch):
    live(ledger, seed=8, steps=150)
    _given_a_long_pact(ledger.bus)
    expected = raw_rows(ledger.engine)
    assert expected["snapshots"]
    monkeypatch.setattr(replay, "FETCH", 7)

    report = rebuild(ledger.engine, ledger.store, chunk=3)

    assert raw_rows(ledger.engine) == expected
    assert report.events == report.position


def test_an_old_schema_version_is_upcast(sqlite_ledger, monkeypatch):
    _given_a_long_pact(sqlite_ledger.bus)
    expected = snapshot(sqlite_ledger.engine)
    with sqlite_ledger.engine.begin() as conn:
        conn.execute(
            events.update().where(events.c.type == "ResultRecorded").values(schema_version=0)
        )
    calls = []

    def upcast(data: dict) -> dict:
        calls.append(1)
        return data

    monkeypatch.setitem(codec.UPCASTERS, ("ResultRecorded", 0), upcast)
    rebuild(sqlite_ledger.engine, sqlite_ledger.store)
    assert snapshot(sqlite_ledger.engine) == expected
    assert len(calls) == 2 * 200 + 37


def test_an_unknown_event_type_fails_the_rebuild(sqlite_ledger):
    _given_a_long_pact(sqlite_ledger.bus)
    before = snapshot(sqlite_ledger.engine)
    with sqlite_ledger.engine.begin() as conn:
        conn.execute(
            events.update().where(events.c.type == "AwardGranted").values(type="AwardRevoked")
        )
    with pytest.raises(codec.UnknownEventType):
        rebuild(sqlite_ledger.engine, sqlite_ledger.store)
    assert snapshot(sqlite_ledger.engine) == before
