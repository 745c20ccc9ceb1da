"""The hash chain under concurrent writers: a writer that waited for the log's lock links
its events to the last event of the writer it waited for, on both stores."""

from __future__ import annotations

import threading
import time
from datetime import date

import sqlalchemy as sa

from app.audit.verify import verify_database
from app.db import create_engine, write_connection
from app.domain import events as e
from app.domain.unit import UNIT
from app.events.schema import events
from app.events.store import EventStore, PendingAppend


def _registered(unit_id: str) -> PendingAppend:
    event = e.UnitRegistered(
        id=unit_id, name=f"Sở Công Thương {unit_id}", province="Huế", registered_on=date(2015, 1, 1)
    )
    return PendingAppend(UNIT.stream_id(unit_id), UNIT.stream_type, 0, (event,))


def test_a_writer_that_waited_for_the_lock_chains_to_the_event_it_waited_for(store_url):
    engine = create_engine(store_url)
    store = EventStore(engine.dialect.name)
    with write_connection(engine) as conn, conn.begin():
        store.append(conn, [_registered("first")], {})
    holding, waited = threading.Event(), []

    def second_writer() -> None:
        holding.wait()
        with write_connection(engine) as conn, conn.begin():
            waited.append(time.monotonic())
            store.append(conn, [_registered("second")], {})

    thread = threading.Thread(target=second_writer)
    thread.start()
    with write_connection(engine) as conn, conn.begin():
        store.append(conn, [_registered("held")], {})  # holds the lock until the commit
        holding.set()
        time.sleep(0.5)  # the second writer is waiting for the lock by now
        committed = time.monotonic()
    thread.join(30)
    assert waited and (engine.dialect.name == "sqlite" or waited[0] < committed)

    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(events.c.position, events.c.prev_hash, events.c.hash).order_by("position")
        )
        rows = list(rows)
    assert [r.position for r in rows] == [1, 2, 3]
    assert rows[2].prev_hash == rows[1].hash and rows[1].prev_hash == rows[0].hash
    with engine.connect() as conn:
        assert verify_database(conn).problem is None
    engine.dispose()
