"""The stream-by-stream rebuild: bounded chunks, raw inserts, upcasting, unknown types."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.events import codec
from app.events.schema import events
from app.events.schema import snapshots as snapshot_table
from app.projections import parallel, replay
from app.projections import rebuild as rebuild_module
from app.projections import tables as t
from app.projections.rebuild import rebuild
from tests.integration.tamper import rewriting
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

    report = rebuild(ledger.engine, ledger.store, chunk=3, workers=0)

    assert raw_rows(ledger.engine) == expected
    assert report.events == report.position


def test_worker_processes_store_byte_for_byte_what_the_projector_stored(ledger):
    scenario = live(ledger, seed=9, steps=150)
    _given_a_long_pact(ledger.bus)
    expected = raw_rows(ledger.engine)
    with ledger.engine.connect() as conn:
        streams = conn.exec_driver_sql("SELECT COUNT(DISTINCT stream_id) FROM events").scalar_one()

    report = rebuild(ledger.engine, ledger.store, workers=3)

    assert raw_rows(ledger.engine) == expected
    assert (report.events, report.streams) == (report.position, streams)
    assert report.worker_peak_mb > 0  # the workers ran, and said how big they got
    assert scenario.today > date(2015, 1, 5)  # the scenario ran


def test_stream_ranges_cover_every_stream_once_and_share_the_events(sqlite_ledger):
    live(sqlite_ledger, seed=10, steps=150)
    _given_a_long_pact(sqlite_ledger.bus)
    with sqlite_ledger.engine.connect() as conn:
        per_stream = dict(
            conn.exec_driver_sql("SELECT stream_id, COUNT(*) FROM events GROUP BY stream_id").all()
        )
        total = sum(per_stream.values())
        ranges = parallel.stream_ranges(conn, total, 3)

    assert all(high == low for (_, high), (low, _) in itertools.pairwise(ranges))
    owners = {
        sid: [
            i
            for i, (low, high) in enumerate(ranges)
            if (low is None or sid >= low) and (high is None or sid < high)
        ]
        for sid in per_stream
    }
    assert all(len(found) == 1 for found in owners.values())
    # The long pact holds over half the events and is never split: at most one cut
    # falls outside it, so three asked-for ranges come back as two or three.
    assert max(per_stream.values()) > total / 2
    assert 2 <= len(ranges) <= 3


def test_by_default_small_logs_replay_in_process_and_long_ones_in_workers(sqlite_ledger, monkeypatch):
    _given_a_long_pact(sqlite_ledger.bus)
    expected = raw_rows(sqlite_ledger.engine)
    calls = []
    real = parallel.replay

    def spy(url, ranges, *args, **kwargs):
        calls.append(ranges)
        return real(url, ranges, *args, **kwargs)

    monkeypatch.setattr(parallel, "replay", spy)
    rebuild(sqlite_ledger.engine, sqlite_ledger.store, workers=None)
    assert calls == []  # 437 events: far below PARALLEL_FROM

    monkeypatch.setattr(rebuild_module, "PARALLEL_FROM", 100)
    report = rebuild(sqlite_ledger.engine, sqlite_ledger.store, workers=None)
    assert len(calls) == 1 and report.worker_peak_mb > 0
    assert raw_rows(sqlite_ledger.engine) == expected


def test_worker_pipes_hold_several_messages_where_the_system_allows():
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("this system cannot size pipes")
    import multiprocessing

    with open("/proc/sys/fs/pipe-max-size") as limit:
        if int(limit.read()) < parallel.PIPE_BYTES:
            pytest.skip("pipes are capped below PIPE_BYTES here: they keep their default")
    receiver, sender = multiprocessing.get_context("spawn").Pipe(duplex=False)
    try:
        default = fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ)
        parallel._widen(receiver)
        widened = fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ)
    finally:
        receiver.close()
        sender.close()
    assert default < widened == parallel.PIPE_BYTES


def test_an_in_memory_database_is_never_given_to_workers():
    import sqlalchemy as sa

    engine = sa.create_engine("sqlite:///:memory:")
    assert rebuild_module.auto_workers(10**9, engine) == 0
    assert rebuild_module.auto_workers(rebuild_module.PARALLEL_FROM - 1) == 0


def test_a_worker_error_fails_the_rebuild_and_writes_nothing(ledger):
    _given_a_long_pact(ledger.bus)
    before = raw_rows(ledger.engine)
    # A type this code does not know, in a log whose chain is intact (a newer writer's, say).
    with rewriting(ledger.engine) as conn:
        conn.execute(events.update().where(events.c.type == "AwardGranted").values(type="AwardRevoked"))
    with pytest.raises(codec.UnknownEventType) as raised:
        rebuild(ledger.engine, ledger.store, workers=2)
    assert any("rebuild worker" in note for note in raised.value.__notes__)
    assert raw_rows(ledger.engine) == before


def test_an_old_schema_version_is_upcast(sqlite_ledger, monkeypatch):
    _given_a_long_pact(sqlite_ledger.bus)
    expected = snapshot(sqlite_ledger.engine)
    with rewriting(sqlite_ledger.engine) as conn:  # as an older writer would have chained them
        conn.execute(events.update().where(events.c.type == "ResultRecorded").values(schema_version=0))
    calls = []

    def upcast(data: dict) -> dict:
        calls.append(1)
        return data

    monkeypatch.setitem(codec.UPCASTERS, ("ResultRecorded", 0), upcast)
    # In process: a spawned worker would not see this test's upcaster.
    rebuild(sqlite_ledger.engine, sqlite_ledger.store, workers=0)
    assert snapshot(sqlite_ledger.engine) == expected
    assert len(calls) == 2 * 200 + 37


def test_an_unknown_event_type_fails_the_rebuild(sqlite_ledger):
    _given_a_long_pact(sqlite_ledger.bus)
    before = snapshot(sqlite_ledger.engine)
    with rewriting(sqlite_ledger.engine) as conn:
        conn.execute(events.update().where(events.c.type == "AwardGranted").values(type="AwardRevoked"))
    with pytest.raises(codec.UnknownEventType):
        rebuild(sqlite_ledger.engine, sqlite_ledger.store)
    assert snapshot(sqlite_ledger.engine) == before
