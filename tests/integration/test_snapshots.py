"""Snapshots are a shortcut for folds, never a different answer."""

import random
from datetime import date

import sqlalchemy as sa

from app.domain import commands as c
from app.domain.pact import PACT
from app.events import snapshots
from app.events.schema import snapshots as snapshot_table
from app.projections import history
from app.projections.rebuild import rebuild

UNITS = ("thanh-hoa", "nghe-an", "ha-tinh")
TARGETS = ("KH", "XK", "HT")
RESULTS = 2 * snapshots.SNAPSHOT_EVERY + 37


def _given_a_long_pact(bus) -> None:
    """A pact whose stream passes two snapshot versions, with every kind of event."""
    for unit_id in UNITS:
        bus.handle(c.RegisterUnit(id=unit_id, name=f"Sở Công Thương {unit_id}", province=unit_id))
    bus.handle(
        c.FormCluster(id="btb", name="Cụm", region="Bắc Trung Bộ", members=UNITS, formed_on=date(2012, 1, 1))
    )
    bus.handle(
        c.ProposePact(
            id="p",
            cluster_id="btb",
            title="Giao ước",
            theme="Chủ đề",
            year=2022,
            period_start=None,
            period_end=None,
            content_items=("Nội dung",),
            proposed_on=date(2022, 5, 13),
        )
    )
    bus.handle(c.SignPact(pact_id="p", unit_id="ha-tinh", signed_by="Giám đốc", signed_on=date(2022, 5, 13)))
    bus.handle(
        c.SetTarget(
            pact_id="p",
            code="KH",
            title="Kế hoạch",
            kind="quantitative",
            measure="%",
            direction="at_least",
            value=100,
            weight=10,
        )
    )
    bus.handle(
        c.SetTarget(
            pact_id="p",
            code="XK",
            title="Xuất khẩu",
            kind="quantitative",
            measure="tỷ USD",
            direction="at_most",
            value=2,
            weight=5,
            applies_to=("ha-tinh",),
        )
    )
    bus.handle(
        c.SetTarget(
            pact_id="p",
            code="HT",
            title="Hợp tác",
            kind="qualitative",
            measure="",
            direction="at_least",
            value=None,
            weight=5,
        )
    )
    rng = random.Random(11)
    commands = []
    for i in range(RESULTS):
        unit_id = rng.choice(UNITS)
        code = "XK" if unit_id == "ha-tinh" and i % 3 == 0 else rng.choice(("KH", "HT"))
        value = rng.uniform(0, 5) if code == "HT" else rng.uniform(-5, 150)
        commands.append(
            c.RecordResult(
                pact_id="p",
                unit_id=unit_id,
                target_code=code,
                value=value,
                reported_on=date(2022, 12, 1),
                source="báo cáo",
                note=f"lần {i}",
            )
        )
    bus.handle_many(commands[:250])
    bus.handle(
        c.GrantAward(
            pact_id="p",
            recipient_unit="ha-tinh",
            title="Cờ thi đua",
            conferred_by="Bộ Công Thương",
            granted_on=date(2023, 1, 20),
            recipient_person=None,
            decision_ref="QĐ 1/QĐ-BCT",
        )
    )
    for command in commands[250:]:
        bus.handle(command)
    bus.handle(c.ClosePact(pact_id="p", closed_on=date(2023, 2, 1)))


def _fold_from_scratch(ledger, conn, position):
    state = None
    for stored in ledger.store.read_stream(conn, "pact:p", to_position=position):
        state = PACT.apply(stored.to_domain(), state)
    return state


def test_the_codec_gives_back_the_same_state(ledger):
    _given_a_long_pact(ledger.bus)
    with ledger.unit_of_work() as uow:
        state = uow.get(PACT, "p")
    assert state.awards and state.closed_on and state.signatures
    assert snapshots.pact_from_data(snapshots.pact_to_data(state)) == state


def test_snapshots_are_written_every_n_versions_in_the_appending_transaction(ledger):
    _given_a_long_pact(ledger.bus)
    with ledger.engine.connect() as conn:
        versions = conn.execute(sa.select(snapshot_table.c.version).order_by("version")).scalars().all()
    assert versions == [snapshots.SNAPSHOT_EVERY, 2 * snapshots.SNAPSHOT_EVERY]


def test_as_of_any_position_equals_a_fold_from_scratch(ledger):
    _given_a_long_pact(ledger.bus)
    with ledger.engine.connect() as conn:
        positions = (
            conn.execute(sa.text("select position from events where stream_id = 'pact:p'")).scalars().all()
        )
        for position in [*positions[:3], *random.Random(5).sample(positions, 40), positions[-1]]:
            expected = _fold_from_scratch(ledger, conn, position)
            state, version = history.pact_at(conn, ledger.store, "p", position)
            assert state == expected, position


def test_rebuild_writes_the_same_snapshots(ledger):
    _given_a_long_pact(ledger.bus)
    query = sa.select(snapshot_table).order_by(snapshot_table.c.version)
    with ledger.engine.connect() as conn:
        before = [dict(r) for r in conn.execute(query).mappings()]

    rebuild(ledger.engine, ledger.store)

    with ledger.engine.connect() as conn:
        assert [dict(r) for r in conn.execute(query).mappings()] == before
