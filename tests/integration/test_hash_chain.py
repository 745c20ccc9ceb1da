"""The hash chain as both stores keep it: computed on append, backfilled by the migration,
guarded by triggers. Every hash is checked the verifiers' way, from the stored row."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from alembic import command
from app import migrations
from app.db import write_connection
from app.demo import load_demo
from app.domain import commands as c
from app.domain import events as e
from app.domain.unit import UNIT
from app.events import chain, records
from app.events.store import PendingAppend
from tests.conftest import make_ledger


def recomputed(engine) -> list[tuple[int, str, str]]:
    """(position, prev_hash, hash) of every event, each hash recomputed from its stored row."""
    out, prev = [], chain.GENESIS
    with engine.connect() as conn:
        for batch in records.stream(conn):
            for record in batch:
                fields = record._asdict()
                fields["data"] = json.loads(record.data)
                fields["metadata"] = json.loads(record.metadata)
                out.append((record.position, prev, chain.link(chain.row_text(fields), prev)))
                prev = out[-1][2]
    return out


def stored(engine) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT position, prev_hash, hash FROM events ORDER BY position"))
        return [tuple(row) for row in rows]


EDGE_CASES = [
    PendingAppend(
        "unit:ha-tinh",
        "unit",
        0,
        [
            e.UnitRegistered(
                id="ha-tinh", name="Sở Công Thương Hà Tĩnh", province="Hà Tĩnh", registered_on=None
            ),
            e.UnitRenamed(
                name='Sở "Công Thương"\t\\ Hà Tĩnh\n', province="Hà Tĩnh", effective_on=date(2016, 1, 1)
            ),
            e.UnitMerged(
                into="quang-tri", effective_on=date(2025, 7, 1), legal_basis="Nghị quyết 202/2025/QH15"
            ),
        ],
    ),
    PendingAppend(
        "cluster:bac-trung-bo",
        "cluster",
        0,
        [
            e.ClusterFormed(
                id="bac-trung-bo",
                name="Cụm thi đua Bắc Trung Bộ",
                region="Bắc Trung Bộ",
                members=("thanh-hoa", "nghe-an"),
                formed_on=date(2010, 1, 1),
            ),
            e.MemberJoined(unit_id="ha-tinh", joined_on=date(2011, 1, 1)),
            e.MemberLeft(unit_id="nghe-an", effective_on=date(2012, 1, 1)),
            e.LeadershipAssigned(
                year=2022, chair="thanh-hoa", deputy="ha-tinh", decision_ref="QĐ 1", decided_on=None
            ),
            e.HostFlagHandedOver(
                conference_number=11,
                year=2023,
                from_unit="thanh-hoa",
                to_unit="ha-tinh",
                handed_over_on=date(2023, 5, 1),
            ),
        ],
    ),
    PendingAppend(
        "pact:btb-2022",
        "pact",
        0,
        [
            e.PactProposed(
                id="btb-2022",
                cluster_id="bac-trung-bo",
                title="Giao ước thi đua năm 2022",
                theme="",
                year=None,
                period_start=2021,
                period_end=2025,
                content_items=("Hoàn thành kế hoạch", "Cải cách hành chính"),
                parties=(),
                proposed_on=date(2022, 3, 15),
                attainment_cap=1.5,
            ),
            e.PactSigned(unit_id="thanh-hoa", signed_by="Giám đốc", signed_on=date(2022, 3, 20)),
            e.TargetSet(
                code="XK",
                title="Xuất khẩu",
                kind="quantitative",
                measure="tỷ USD",
                direction="at_least",
                value=1e21,
                weight=10.0,
                applies_to=("thanh-hoa",),
                set_on=None,
            ),
            e.ResultRecorded(
                unit_id="thanh-hoa",
                target_code="XK",
                value=-0.0,
                reported_as="-0",
                reported_on=date(2022, 12, 31),
                source="x",
                note="",
            ),
            e.ResultRecorded(
                unit_id="thanh-hoa",
                target_code="XK",
                value=1e-7,
                reported_as=None,
                reported_on=date(2022, 12, 31),
                source="y",
            ),
            e.ResultRecorded(
                unit_id="thanh-hoa",
                target_code="XK",
                value=123456789.0,
                reported_as="123.456.789",
                reported_on=date(2022, 12, 31),
                source="z",
            ),
            e.AwardGranted(
                recipient_unit="thanh-hoa",
                recipient_person=None,
                title="Cờ thi đua",
                conferred_by="Bộ Công Thương",
                decision_ref=None,
                granted_on=date(2023, 1, 10),
            ),
            e.PactClosed(closed_on=date(2023, 1, 31)),
        ],
    ),
]


def test_every_event_type_and_awkward_value_chains_as_the_verifiers_recompute_it(ledger):
    metadata = {"actor": 'cán bộ "thi đua"', "n": 1.0, "tags": ["a", None], "z": {"é": True}}
    with write_connection(ledger.engine) as conn, conn.begin():
        appended = ledger.store.append(conn, EDGE_CASES, metadata)
    with write_connection(ledger.engine) as conn, conn.begin():
        more = ledger.store.append(
            conn, [PendingAppend("unit:ha-tinh", "unit", 3, [EDGE_CASES[0].events[1]])], {"actor": "x"}
        )

    assert stored(ledger.engine) == recomputed(ledger.engine)
    assert [(s.position, s.prev_hash, s.hash) for s in [*appended, *more]] == stored(ledger.engine)
    assert appended[0].prev_hash == chain.GENESIS and more[0].prev_hash == appended[-1].hash
    assert len({h for _, _, h in stored(ledger.engine)}) == len(appended) + 1


def appended(ledger, ack):
    """The event a one-event command appended (the ack says where)."""
    with ledger.engine.connect() as conn:
        (event,) = [
            e for e in ledger.store.read_stream(conn, UNIT.stream_id(ack.id)) if e.position == ack.position
        ]
    return event


def test_commands_chain_across_transactions(ledger):
    first = ledger.bus.handle(
        c.RegisterUnit(
            id="tha", name="Sở Công Thương Thanh Hóa", province="Thanh Hóa", registered_on=date(2015, 1, 1)
        )
    )
    second = ledger.bus.handle(
        c.RenameUnit(
            unit_id="tha",
            name="Sở Công Thương tỉnh Thanh Hóa",
            province="Thanh Hóa",
            effective_on=date(2016, 1, 1),
        )
    )

    assert appended(ledger, first).prev_hash == chain.GENESIS
    assert appended(ledger, second).prev_hash == appended(ledger, first).hash
    assert stored(ledger.engine) == recomputed(ledger.engine)


def test_the_database_refuses_to_change_or_delete_an_event(ledger):
    ledger.bus.handle(
        c.RegisterUnit(
            id="tha", name="Sở Công Thương Thanh Hóa", province="Thanh Hóa", registered_on=date(2015, 1, 1)
        )
    )
    statements = ["UPDATE events SET type = 'X'", "DELETE FROM events"]
    if ledger.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE events")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with ledger.engine.begin() as conn:
                conn.exec_driver_sql(statement)
    assert len(stored(ledger.engine)) == 1


def test_the_migration_chains_a_log_written_before_it(store_url):
    """Down to the revision before the chain, events kept; back up: the backfill computes the
    same chain the store computed on append, from the rows alone."""
    ledger = make_ledger(store_url)
    try:
        load_demo(ledger)
        before = stored(ledger.engine)
    finally:
        ledger.close()
    config = migrations.alembic_config(store_url)

    command.downgrade(config, "20261123_0002")
    engine = sa.create_engine(store_url)
    try:
        columns = {col["name"] for col in sa.inspect(engine).get_columns("events")}
        assert "hash" not in columns and "prev_hash" not in columns
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == len(before) > 90
    finally:
        engine.dispose()
    migrations.upgrade(store_url)

    ledger = make_ledger(store_url)
    try:
        assert stored(ledger.engine) == before == recomputed(ledger.engine)
        ack = ledger.bus.handle(
            c.RenameUnit(
                unit_id="ha-tinh",
                name="Sở Công Thương tỉnh Hà Tĩnh",
                province="Hà Tĩnh",
                effective_on=date(2026, 1, 1),
            )
        )
        assert appended(ledger, ack).prev_hash == before[-1][2]
    finally:
        ledger.close()


def test_recorded_at_reads_back_as_the_chain_wrote_it(ledger):
    ack = ledger.bus.handle(
        c.RegisterUnit(
            id="tha", name="Sở Công Thương Thanh Hóa", province="Thanh Hóa", registered_on=date(2015, 1, 1)
        )
    )
    with ledger.engine.connect() as conn:
        (record,) = next(records.stream(conn))

    event = appended(ledger, ack)
    assert record.recorded_at == chain.timestamp(event.recorded_at)
    assert datetime.fromisoformat(record.recorded_at) == event.recorded_at
    assert record.event_id == event.event_id and record.occurred_on == "2015-01-01"
