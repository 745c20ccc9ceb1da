from datetime import date

from app.domain import commands as c


def test_a_pact_is_scored_on_both_stores(ledger):
    bus = ledger.bus
    for unit_id in ("tha", "nan"):
        bus.handle(c.RegisterUnit(id=unit_id, name=f"Sở Công Thương {unit_id}", province=unit_id))
    bus.handle(
        c.FormCluster(
            id="btb", name="Cụm", region="Bắc Trung Bộ", members=("tha", "nan"), formed_on=date(2012, 1, 1)
        )
    )
    bus.handle(
        c.ProposePact(
            id="p",
            cluster_id="btb",
            title="GƯ",
            theme="th",
            year=2022,
            period_start=None,
            period_end=None,
            content_items=(),
            proposed_on=date(2022, 5, 13),
        )
    )
    bus.handle(
        c.SetTarget(
            pact_id="p",
            code="T1",
            title="plan",
            kind="quantitative",
            measure="%",
            direction="at_least",
            value=100,
            weight=10,
        )
    )
    ack = bus.handle(
        c.RecordResult(
            pact_id="p",
            unit_id="tha",
            target_code="T1",
            value=95,
            reported_on=date(2022, 12, 1),
            source="test",
        )
    )
    assert ack.version == 3
