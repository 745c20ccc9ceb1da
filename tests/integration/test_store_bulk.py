"""A bulk append (an import's thousands of events) goes by another path on
PostgreSQL (COPY): it must store exactly what the ordinary path stores."""

from datetime import date

from app.db import write_connection
from app.domain import events as e
from app.events.store import COPY_FROM, PendingAppend


def _results(n: int) -> list[e.Event]:
    return [
        e.ResultRecorded(
            unit_id=f"u{i % 6}",
            target_code=f"T{i % 10}",
            value=i * 1.5,
            reported_as=None,
            reported_on=date(2022, 12, 1 + i % 28),
            source="Báo cáo tổng kết",
            note="ghi chú" if i % 2 else None,
        )
        for i in range(n)
    ]


def test_a_bulk_append_reads_back_like_a_small_one(ledger):
    store, engine = ledger.store, ledger.engine
    bulk, small = _results(COPY_FROM + 17), _results(3)
    meta = {"actor": "bộ-công-thương", "source": "import", "correlation_id": "c-1", "reason": None}
    with write_connection(engine) as conn, conn.begin():
        written = store.append(
            conn,
            [
                PendingAppend("pact:bulk", "pact", 0, bulk),
                PendingAppend("pact:small", "pact", 0, small),
            ],
            meta,
        )

    with engine.connect() as conn:
        read = store.read_stream(conn, "pact:bulk") + store.read_stream(conn, "pact:small")
        head = store.last_position(conn)

    assert [s.to_domain() for s in read] == bulk + small
    assert [(s.position, s.event_id, s.version, s.metadata, s.occurred_on, s.recorded_at) for s in read] == [
        (s.position, s.event_id, s.version, s.metadata, s.occurred_on, s.recorded_at) for s in written
    ]
    assert head == len(bulk) + len(small) == read[-1].position


def test_a_bulk_import_through_the_bus_updates_the_read_models(ledger):
    from app.domain import commands as c

    bus = ledger.bus
    for unit_id in ("a", "b"):
        bus.handle(c.RegisterUnit(id=unit_id, name=unit_id, province=unit_id))
    bus.handle(c.FormCluster(id="k", name="k", region="r", members=("a", "b"), formed_on=date(2020, 1, 1)))
    bus.handle(
        c.ProposePact(
            id="p",
            cluster_id="k",
            title="t",
            theme="",
            year=2022,
            period_start=None,
            period_end=None,
            content_items=(),
            proposed_on=date(2022, 1, 1),
        )
    )
    bus.handle(
        c.SetTarget(
            pact_id="p",
            code="T",
            title="t",
            kind="quantitative",
            measure="%",
            direction="at_least",
            value=100,
            weight=1,
        )
    )
    values = [float(v % 120) for v in range(COPY_FROM * 2)]
    commands = [
        c.RecordResult(
            pact_id="p",
            unit_id="ab"[i % 2],
            target_code="T",
            value=v,
            reported_on=date(2022, 12, 1),
            source="s",
        )
        for i, v in enumerate(values)
    ]

    bus.handle_many(commands)

    with ledger.engine.connect() as conn:
        from app.projections import queries

        scores = {s["unit_id"]: s["score"] for s in queries.pact_scores(conn, "p")["standings"]}
    # The last result of each unit wins: a gets values[-2], b gets values[-1], against 100.
    assert scores == {"a": min(values[-2], 100.0), "b": min(values[-1], 100.0)}
