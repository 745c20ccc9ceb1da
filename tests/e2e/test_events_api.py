"""The whole log over HTTP: paged by position, filtered, per stream, exported as NDJSON."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from app.api.responses import EventPage
from app.audit.verify import verify_export
from app.demo import load_demo
from app.domain import commands as c
from tests.conftest import make_ledger
from tests.e2e.api import API, invalid, ok, problem
from tests.e2e.conftest import admin_client


@pytest.fixture
def demo(ledger):
    """The demo on each store, over HTTP."""
    load_demo(ledger)
    with admin_client(ledger) as client:  # reading the log takes an auditor's or admin's key
        yield client


def every_page(client: TestClient, url: str, **params: object) -> list[dict]:
    """Follow ``next`` from the first page to the last; each page checked against the declared shape."""
    items: list[dict] = []
    response = client.get(url, params=params)
    while True:
        body = ok(response)
        EventPage.model_validate(body)
        items += body["items"]
        if body["next"] is None:
            assert "link" not in response.headers
            return items
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(body["next"])


def test_the_log_reads_in_pages_in_position_order_and_its_chain_verifies(demo):
    first = ok(demo.get(f"{API}/events", params={"limit": 10}))
    items = every_page(demo, f"{API}/events", limit=10)

    assert [e["position"] for e in first["items"]] == list(range(1, 11))
    assert "after=10" in first["next"] and "limit=10" in first["next"]
    assert [e["position"] for e in items] == list(range(1, 104))  # the demo, then the client's key
    assert len(ok(demo.get(f"{API}/events"))["items"]) == 100  # the default page
    report = verify_export(json.dumps(item, ensure_ascii=False) for item in items)
    assert report.intact and report.last_hash == items[-1]["hash"], report.summary()
    assert {"UnitRegistered", "ClusterFormed", "PactProposed", "HostFlagHandedOver"} <= {
        e["type"] for e in items
    }


def test_an_event_shows_its_metadata_and_hashes(demo):
    (event,) = ok(demo.get(f"{API}/events", params={"after": 1, "limit": 1}))["items"]

    assert event["position"] == 2 and event["version"] == 1 and event["stream_type"] == "unit"
    assert event["metadata"]["actor"] == "demo-loader" and event["data"]["name"].startswith("Sở Công Thương")
    assert len(event["prev_hash"]) == len(event["hash"]) == 64
    assert datetime.fromisoformat(event["recorded_at"]).tzinfo is not None


def test_filters_by_stream_type_and_time(demo):
    rename = {"name": "Sở Công Thương tỉnh Hà Tĩnh", "province": "Hà Tĩnh", "effective_on": "2026-01-01"}
    ok(demo.post(f"{API}/units/ha-tinh/rename", json=rename))  # a second transaction: a later time
    cluster = every_page(demo, f"{API}/events", stream_id="cluster:bac-trung-bo", limit=2)
    handovers = every_page(demo, f"{API}/events", type="HostFlagHandedOver")
    everything = every_page(demo, f"{API}/events")
    loaded, renamed = everything[0]["recorded_at"], everything[-1]["recorded_at"]
    hour = timedelta(hours=1)

    assert {e["stream_id"] for e in cluster} == {"cluster:bac-trung-bo"} and len(cluster) == 3
    assert [e["version"] for e in cluster] == [1, 2, 3]
    assert handovers and {e["type"] for e in handovers} == {"HostFlagHandedOver"}
    assert every_page(demo, f"{API}/events", recorded_before=renamed) == everything[:-1]
    # Recorded after the demo: the client's key and the rename.
    assert every_page(demo, f"{API}/events", recorded_after=loaded) == everything[-2:]
    in_saigon = datetime.fromisoformat(loaded).astimezone(timezone(7 * hour)) - hour
    assert every_page(demo, f"{API}/events", recorded_after=in_saigon.isoformat(), limit=50) == everything
    assert every_page(demo, f"{API}/events", recorded_after=(datetime.now(UTC) + hour).isoformat()) == []
    assert every_page(demo, f"{API}/events", type="Nothing") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"after": -1}, "after"),
        ({"after": "x"}, "after"),
        ({"recorded_after": "2026-01-05T08:30:00"}, "recorded_after"),  # no offset: not RFC 3339
        ({"recorded_before": "yesterday"}, "recorded_before"),
    ],
)
def test_bad_paging_or_filters_are_422_naming_the_field(demo, params, field):
    invalid(demo.get(f"{API}/events", params=params), field)


def test_each_streams_own_history_pages_the_same_way(demo):
    unit = every_page(demo, f"{API}/units/quang-binh/events", limit=1)
    cluster = every_page(demo, f"{API}/clusters/bac-trung-bo/events", limit=2)
    pact = every_page(demo, f"{API}/pacts/btb-2022/events", limit=5)

    assert [e["type"] for e in unit] == ["UnitRegistered", "UnitMerged"]
    assert {e["stream_id"] for e in cluster} == {"cluster:bac-trung-bo"}
    assert pact[0]["type"] == "PactProposed" and [e["version"] for e in pact] == list(range(1, len(pact) + 1))
    assert every_page(demo, f"{API}/pacts/btb-2022/events", after=pact[-1]["position"]) == []
    for path in ("units/atlantis", "clusters/atlantis", "pacts/atlantis"):
        problem(demo.get(f"{API}/{path}/events"), 404)
    invalid(demo.get(f"{API}/units/quang-binh/events", params={"limit": 5000}), "limit")


def test_the_export_streams_the_same_events_as_ndjson(demo):
    response = demo.get(f"{API}/events/export")
    later = demo.get(f"{API}/events/export", params={"after": 99})

    assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    assert [json.loads(line) for line in lines] == every_page(demo, f"{API}/events")
    assert verify_export(lines).intact
    assert [json.loads(line)["position"] for line in later.text.splitlines()] == [100, 101, 102, 103]


@pytest.mark.postgres
def test_a_reader_tailing_the_log_beside_concurrent_writers_never_skips_an_event(pg_url):
    """Positions are handed out under the log's lock and committed in that order, so a page
    read after position P holds P+1, P+2, ... with nothing missing, while writers run."""
    ledger = make_ledger(pg_url)
    writers, per_writer = 4, 40
    for w in range(writers):
        ledger.bus.handle(
            c.RegisterUnit(
                id=f"u{w}", name=f"Sở Công Thương {w}", province=f"Tỉnh {w}", registered_on=date(2015, 1, 1)
            )
        )
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            for year in range(2016, 2016 + per_writer):
                ledger.bus.handle(
                    c.RenameUnit(
                        unit_id=f"u{w}",
                        name=f"Sở Công Thương {w} ({year})",
                        province=f"Tỉnh {w}",
                        effective_on=date(year, 1, 1),
                    )
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    seen: list[int] = []
    try:
        with admin_client(ledger) as client:  # its key is one more event (position 5)
            for thread in threads:
                thread.start()
            last = 0
            total = writers * (per_writer + 1) + 1
            while last < total and not errors:
                items = ok(client.get(f"{API}/events", params={"after": last, "limit": 7}))["items"]
                positions = [e["position"] for e in items]
                assert positions == list(range(last + 1, last + 1 + len(positions)))
                seen += positions
                last = positions[-1] if positions else last
    finally:
        for thread in threads:
            thread.join()
        ledger.close()
    assert not errors
    assert seen == list(range(1, writers * (per_writer + 1) + 2))
