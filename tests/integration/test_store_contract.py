"""The event store's contract, kept by SQLite and PostgreSQL alike.

The store is used directly here, on real connections whose transaction the
test owns, exactly as the unit of work uses it.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.db import create_engine, write_connection
from app.domain import commands as c
from app.domain import events as e
from app.domain.errors import VersionConflict
from app.domain.unit import UNIT
from app.events.schema import events as events_table
from app.events.store import EventStore, PendingAppend
from app.projections import tables
from tests.conftest import make_ledger

META = {"actor": "cán bộ thi đua", "source": "test", "tags": ["a", 1, None], "nested": {"k": 1.5}}


@pytest.fixture
def engine(store_url):
    engine = create_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> EventStore:
    return EventStore(engine.dialect.name)


def registered(unit_id: str, day: date | None = date(2015, 1, 1)) -> e.UnitRegistered:
    return e.UnitRegistered(
        id=unit_id, name=f"Sở Công Thương {unit_id}", province=f"Tỉnh {unit_id}", registered_on=day
    )


def renamed(n: int) -> e.UnitRenamed:
    return e.UnitRenamed(name=f"Sở Công Thương mới {n}", province="Nghệ An", effective_on=date(2016, 1, n))


def append(engine, store, *pending: PendingAppend, metadata: dict = META):
    with write_connection(engine) as conn, conn.begin():
        return store.append(conn, list(pending), metadata)


def unit(stream: str, expected: int, *evs: e.Event) -> PendingAppend:
    return PendingAppend(UNIT.stream_id(stream), UNIT.stream_type, expected, evs)


def read_stream(engine, store, stream: str, **kwargs):
    with engine.connect() as conn:
        return store.read_stream(conn, UNIT.stream_id(stream), **kwargs)


def read_all(engine, store, **kwargs) -> list[list]:
    with engine.connect() as conn:
        return list(store.read_all(conn, **kwargs))


def last_position(engine, store) -> int:
    with engine.connect() as conn:
        return store.last_position(conn)


def test_appended_events_read_back_in_order_and_decode_equal(engine, store):
    history = [registered("tha"), renamed(1), renamed(2)]
    before = datetime.now(UTC)
    appended = append(engine, store, unit("tha", 0, *history))
    after = datetime.now(UTC)
    more = append(engine, store, unit("tha", 3, renamed(3)))

    stream = read_stream(engine, store, "tha")
    assert [s.version for s in stream] == [1, 2, 3, 4]
    assert [s.position for s in stream] == [1, 2, 3, 4]
    assert [s.to_domain() for s in stream] == [*history, renamed(3)]
    assert [s.type for s in stream] == ["UnitRegistered"] + ["UnitRenamed"] * 3
    assert stream[:3] == appended and stream[3:] == more
    assert len({s.event_id for s in stream}) == 4
    assert all(s.stream_type == "unit" and s.schema_version == 1 for s in stream)
    assert [s.version for s in read_stream(engine, store, "tha", after_version=2)] == [3, 4]
    assert [s.version for s in read_stream(engine, store, "tha", to_position=2)] == [1, 2]
    assert read_stream(engine, store, "nobody") == []
    assert last_position(engine, store) == 4

    first = stream[0]
    assert first.metadata == META
    assert first.occurred_on == date(2015, 1, 1) and stream[1].occurred_on == date(2016, 1, 1)
    # One append, one instant; an aware UTC timestamp on both backends.
    assert {s.recorded_at for s in stream[:3]} == {first.recorded_at}
    assert first.recorded_at.utcoffset() == UTC.utcoffset(None)
    assert before <= first.recorded_at <= after


def test_an_event_without_a_business_date_is_stored_without_one(engine, store):
    append(engine, store, unit("nan", 0, registered("nan", day=None)), metadata={})
    (stored,) = read_stream(engine, store, "nan")
    assert stored.occurred_on is None and stored.metadata == {}
    assert stored.to_domain() == registered("nan", day=None)


@pytest.mark.parametrize("expected", [0, 2, 7])
def test_a_wrong_expected_version_raises_and_writes_nothing(engine, store, expected):
    append(engine, store, unit("tha", 0, registered("tha")))
    with pytest.raises(VersionConflict) as conflict:
        append(engine, store, unit("tha", expected, renamed(1), renamed(2)))
    assert (conflict.value.stream_id, conflict.value.expected, conflict.value.actual) == (
        "unit:tha",
        expected,
        1,
    )
    assert [s.version for s in read_stream(engine, store, "tha")] == [1]
    assert last_position(engine, store) == 1


def test_a_multi_stream_append_is_all_or_nothing(engine, store):
    append(engine, store, unit("nan", 0, registered("nan")))
    with pytest.raises(VersionConflict) as conflict:
        append(engine, store, unit("tha", 0, registered("tha")), unit("nan", 0, renamed(1)))
    assert conflict.value.stream_id == "unit:nan"
    assert read_stream(engine, store, "tha") == []
    assert [s.version for s in read_stream(engine, store, "nan")] == [1]
    assert last_position(engine, store) == 1

    stored = append(engine, store, unit("tha", 0, registered("tha")), unit("nan", 1, renamed(1)))
    assert [(s.stream_id, s.version, s.position) for s in stored] == [
        ("unit:tha", 1, 2),
        ("unit:nan", 2, 3),
    ]


def test_read_all_follows_positions_in_batches_within_bounds(engine, store):
    for round_ in range(4):
        for name in ("tha", "nan", "hti"):
            event = registered(name) if round_ == 0 else renamed(round_)
            append(engine, store, unit(name, round_, event))

    batches = read_all(engine, store, batch_size=5)
    assert [len(b) for b in batches] == [5, 5, 2]
    flat = [s for b in batches for s in b]
    assert [s.position for s in flat] == list(range(1, 13))
    assert [s.stream_id for s in flat[:3]] == ["unit:tha", "unit:nan", "unit:hti"]

    window = read_all(engine, store, after_position=3, to_position=10, batch_size=4)
    assert [[s.position for s in b] for b in window] == [[4, 5, 6, 7], [8, 9, 10]]
    assert read_all(engine, store, after_position=12) == []
    assert [len(b) for b in read_all(engine, store)] == [12]


def test_racing_writers_on_one_stream_one_wins(engine, store):
    append(engine, store, unit("tha", 0, registered("tha")))
    writers = 8
    start = threading.Barrier(writers)
    outcomes: dict[int, str] = {}

    def write(n: int) -> None:
        start.wait()
        try:
            append(engine, store, unit("tha", 1, renamed(n + 1), renamed(n + 2)), metadata={"writer": n})
            outcomes[n] = "appended"
        except VersionConflict:
            outcomes[n] = "conflict"

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [n for n, outcome in outcomes.items() if outcome == "appended"]
    assert len(winners) == 1 and list(outcomes.values()).count("conflict") == writers - 1
    stream = read_stream(engine, store, "tha")
    assert [s.version for s in stream] == [1, 2, 3]
    assert [s.metadata for s in stream[1:]] == [{"writer": winners[0]}] * 2
    assert last_position(engine, store) == 3


def test_parallel_writers_get_gapless_positions_in_commit_order(engine, store):
    writers, appends_each = 8, 50
    start = threading.Barrier(writers + 1)
    # Filled while each writer still holds the log lock, so its order is commit order.
    commit_order: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()
    tail = {"seen": 0, "gaps": []}

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(appends_each):
                evs = [registered(f"w{n}")] if i == 0 else [renamed(1 + i % 20)] * (1 + i % 2)
                with write_connection(engine) as conn, conn.begin():
                    version = store.stream_version(conn, UNIT.stream_id(f"w{n}"))
                    stored = store.append(conn, [unit(f"w{n}", version, *evs)], {"writer": n})
                    commit_order.extend(s.position for s in stored)
        except BaseException as error:
            errors.append(error)

    def follow() -> None:
        """A tailing reader: it must never see a later position before an earlier one."""
        start.wait()
        while True:
            finished = done.is_set()
            with engine.connect() as conn:
                for batch in store.read_all(conn, after_position=tail["seen"], batch_size=64):
                    for s in batch:
                        if s.position != tail["seen"] + 1:
                            tail["gaps"].append((tail["seen"], s.position))
                        tail["seen"] = s.position
            if finished:
                return

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    reader = threading.Thread(target=follow)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()

    assert errors == []
    total = writers * sum(1 if i == 0 else 1 + i % 2 for i in range(appends_each))
    assert commit_order == list(range(1, total + 1))
    assert tail == {"seen": total, "gaps": []}
    assert last_position(engine, store) == total
    with engine.connect() as conn:
        positions = conn.execute(sa.select(events_table.c.position).order_by("position")).scalars()
        assert list(positions) == list(range(1, total + 1))
    everything = [s for b in read_all(engine, store) for s in b]
    for n in range(writers):
        mine = [s for s in everything if s.stream_id == UNIT.stream_id(f"w{n}")]
        assert [s.version for s in mine] == list(range(1, total // writers + 1))
        assert all(s.metadata == {"writer": n} for s in mine)


def test_racing_commands_through_the_bus_one_wins_and_the_read_model_agrees(store_url):
    """Two API processes (two ledgers, two state caches) on one store, racing on one unit."""
    first, second = make_ledger(store_url), make_ledger(store_url)
    try:
        first.bus.handle(
            c.RegisterUnit(
                id="tha", name="Sở Công Thương", province="Thanh Hóa", registered_on=date(2015, 1, 1)
            )
        )
        second.bus.handle(
            c.RenameUnit(
                unit_id="tha", name="Sở CT Thanh Hóa", province="Thanh Hóa", effective_on=date(2016, 1, 1)
            )
        )
        # first's cached state is at version 1: it must read second's event, not overwrite it.
        ack = first.bus.handle(
            c.RenameUnit(unit_id="tha", name="Sở CT", province="Thanh Hóa", effective_on=date(2017, 1, 1))
        )
        assert ack.version == 3

        start, outcomes = threading.Barrier(8), []

        def rename(n: int) -> None:
            ledger = (first, second)[n % 2]
            start.wait()
            try:
                ledger.bus.handle(
                    c.RenameUnit(
                        unit_id="tha",
                        name=f"Tên {n}",
                        province="Thanh Hóa",
                        effective_on=date(2018, 1, 1),
                        expected_version=3,
                    )
                )
                outcomes.append(n)
            except VersionConflict:
                outcomes.append("conflict")

        threads = [threading.Thread(target=rename, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        (winner,) = [o for o in outcomes if o != "conflict"]
        assert outcomes.count("conflict") == 7
        with first.engine.connect() as conn:
            row = conn.execute(sa.select(tables.units).where(tables.units.c.id == "tha")).one()
            assert first.store.last_position(conn) == 4
        assert (row.name, row.version) == (f"Tên {winner}", 4)
    finally:
        first.close()
        second.close()
