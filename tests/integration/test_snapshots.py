"""Snapshots are a shortcut for folds, never a different answer."""

import random
from datetime import date

import sqlalchemy as sa

from app.domain import commands as c
from app.domain import pact as pact_model
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
        bus.handle(c.RegisterUnit(unit_id, f"Sở Công Thương {unit_id}", unit_id))
    bus.handle(c.FormCluster("btb", "Cụm", "Bắc Trung Bộ", UNITS, date(2012, 1, 1)))
    bus.handle(
        c.ProposePact("p", "btb", "Giao ước", "Chủ đề", 2022, None, None, ("Nội dung",), date(2022, 5, 13))
    )
    bus.handle(c.SignPact("p", "ha-tinh", "Giám đốc", date(2022, 5, 13)))
    bus.handle(c.SetTarget("p", "KH", "Kế hoạch", "quantitative", "%", "at_least", 100, 10))
    bus.handle(c.SetTarget("p", "XK", "Xuất khẩu", "quantitative", "tỷ USD", "at_most", 2, 5, ("ha-tinh",)))
    bus.handle(c.SetTarget("p", "HT", "Hợp tác", "qualitative", "", "at_least", None, 5))
    rng = random.Random(11)
    commands = []
    for i in range(RESULTS):
        unit_id = rng.choice(UNITS)
        code = "XK" if unit_id == "ha-tinh" and i % 3 == 0 else rng.choice(("KH", "HT"))
        value = rng.uniform(0, 5) if code == "HT" else rng.uniform(-5, 150)
        commands.append(c.RecordResult("p", unit_id, code, value, date(2022, 12, 1), "báo cáo", f"lần {i}"))
    bus.handle_many(commands[:250])
    bus.handle(
        c.GrantAward("p", "ha-tinh", "Cờ thi đua", "Bộ Công Thương", date(2023, 1, 20), None, "QĐ 1/QĐ-BCT")
    )
    for command in commands[250:]:
        bus.handle(command)
    bus.handle(c.ClosePact("p", date(2023, 2, 1)))


def _fold_from_scratch(ledger, conn, position):
    state = None
    for stored in ledger.store.read_stream(conn, "pact:p", to_position=position):
        state = pact_model.apply(stored.to_domain(), state)
    return state


def test_the_codec_gives_back_the_same_state(ledger):
    _given_a_long_pact(ledger.bus)
    with ledger.unit_of_work() as uow:
        state = uow.get(pact_model, "p")
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
