from datetime import date

from app.domain import commands as c


def test_a_pact_is_scored_on_both_stores(ledger):
    bus = ledger.bus
    for unit_id in ("tha", "nan"):
        bus.handle(c.RegisterUnit(unit_id, f"Sở Công Thương {unit_id}", unit_id))
    bus.handle(c.FormCluster("btb", "Cụm", "Bắc Trung Bộ", ("tha", "nan"), date(2012, 1, 1)))
    bus.handle(c.ProposePact("p", "btb", "GƯ", "th", 2022, None, None, (), date(2022, 5, 13)))
    bus.handle(c.SetTarget("p", "T1", "plan", "quantitative", "%", "at_least", 100, 10))
    ack = bus.handle(c.RecordResult("p", "tha", "T1", 95, date(2022, 12, 1), "test"))
    assert ack.version == 3
