"""Old event shapes keep reading: a log written before a shape changed still verifies and replays.

``tests/fixtures/demo-log-schema-v1.ndjson`` is the demo's log as `pacts export` wrote it before
``ResultRecorded`` reached schema version 2 (which added ``reported_as``). Loaded as it was
written into a fresh database, it must verify, read its results through the upcaster
(app.events.codec.UPCASTERS), and rebuild into the read models of the same events written by
today's code.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from app.audit.verify import verify_database
from app.domain import events as e
from app.events import codec
from app.events.schema import events, log_head
from app.events.store import PendingAppend
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger
from tests.integration.test_rebuild import snapshot

FIXTURE = Path(__file__).parents[1] / "fixtures" / "demo-log-schema-v1.ndjson"
LINES = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _load(engine: sa.Engine) -> None:
    """The exported rows as they were written: nothing re-encoded by today's code."""
    rows = [
        {
            **line,
            "occurred_on": line["occurred_on"] and date.fromisoformat(line["occurred_on"]),
            "recorded_at": datetime.fromisoformat(line["recorded_at"]),
        }
        for line in LINES
    ]
    with engine.begin() as conn:
        conn.execute(events.insert(), rows)
        conn.execute(log_head.update().where(log_head.c.id == 1).values(last_position=len(rows)))


def test_the_fixture_holds_version_1_results():
    versions = {line["schema_version"] for line in LINES if line["type"] == "ResultRecorded"}

    assert versions == {1} and e.ResultRecorded.SCHEMA_VERSION == 2
    assert all("reported_as" not in line["data"] for line in LINES)


def test_a_version_1_result_reads_with_reported_as_none():
    line = next(line for line in LINES if line["type"] == "ResultRecorded")

    event = codec.decode("ResultRecorded", 1, line["data"])

    assert isinstance(event, e.ResultRecorded) and event.reported_as is None
    assert event.value == line["data"]["value"] and event.unit_id == line["data"]["unit_id"]


def test_a_version_2_result_keeps_what_was_sent():
    event = e.ResultRecorded(
        unit_id="ha-tinh",
        target_code="XK",
        value=1234.5,
        reported_as="1.234,5",
        reported_on=date(2025, 12, 31),
        source="Báo cáo",
    )

    assert codec.decode("ResultRecorded", 2, codec.encode(event)) == event


def _write_today(ledger) -> None:
    """The fixture's events as today's store writes them (each read through the codec first)."""
    with ledger.engine.begin() as conn:
        for line in LINES:
            event = codec.decode(line["type"], line["schema_version"], line["data"])
            pending = PendingAppend(line["stream_id"], line["stream_type"], line["version"] - 1, [event])
            ledger.store.append(conn, [pending], line["metadata"])


def test_an_old_log_verifies_and_rebuilds_as_the_same_log_written_today(store_url, second_store_url):
    old, today = make_ledger(store_url), make_ledger(second_store_url)
    _load(old.engine)
    _write_today(today)

    with old.engine.connect() as conn:
        report = verify_database(conn)
    rebuild(old.engine, old.store)
    rebuild(today.engine, today.store)

    assert report.intact and report.events == len(LINES), report.summary()
    with old.engine.connect() as conn:
        read = [stored.to_domain() for chunk in old.store.read_all(conn) for stored in chunk]
    results = [event for event in read if isinstance(event, e.ResultRecorded)]
    assert results and {result.reported_as for result in results} == {None}
    with today.engine.connect() as conn:
        versions = conn.execute(sa.select(events.c.schema_version).where(events.c.type == "ResultRecorded"))
        assert set(versions.scalars()) == {2}
    assert snapshot(old.engine) == snapshot(today.engine)
