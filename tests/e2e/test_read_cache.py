"""The standings cache is keyed by the log head: it can never answer stale,
not even when another process (another ledger on the same database) writes."""

from datetime import date

from app.domain import commands as c
from tests.conftest import make_ledger
from tests.e2e.conftest import admin_client

UNITS = ("thanh-hoa", "nghe-an")


def _given_a_pact(bus) -> None:
    for unit_id in UNITS:
        bus.handle(c.RegisterUnit(unit_id, f"Sở Công Thương {unit_id}", unit_id))
    bus.handle(c.FormCluster("bac-trung-bo", "Cụm", "Bắc Trung Bộ", UNITS, date(2012, 1, 1)))
    bus.handle(c.ProposePact("btb-2022", "bac-trung-bo", "GƯ", "", 2022, None, None, (), date(2022, 5, 13)))
    bus.handle(c.SetTarget("btb-2022", "KH", "Kế hoạch", "quantitative", "%", "at_least", 100, 10))


def _scores(client) -> dict[str, float]:
    response = client.get("/api/v1/clusters/bac-trung-bo/standings", params={"year": 2022})
    assert response.status_code == 200
    return {s["unit_id"]: s["score"] for s in response.json()["standings"]}


def test_a_write_through_the_api_is_seen_by_the_next_read(sqlite_ledger):
    _given_a_pact(sqlite_ledger.bus)
    with admin_client(sqlite_ledger) as client:
        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 0.0}
        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 0.0}  # now from the cache

        client.post(
            "/api/v1/pacts/btb-2022/results",
            json={
                "unit_id": "nghe-an",
                "target_code": "KH",
                "value": 80,
                "reported_on": "2022-12-31",
                "source": "báo cáo",
            },
        )

        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 80.0}


def test_a_write_by_another_process_is_seen_too(store_url):
    api_ledger, other_process = make_ledger(store_url), make_ledger(store_url)
    try:
        _given_a_pact(other_process.bus)
        with admin_client(api_ledger) as client:
            assert _scores(client)["thanh-hoa"] == 0.0

            other_process.bus.handle(
                c.RecordResult("btb-2022", "thanh-hoa", "KH", 95, date(2022, 12, 31), "báo cáo")
            )

            assert _scores(client)["thanh-hoa"] == 95.0
    finally:
        api_ledger.close()
        other_process.close()
