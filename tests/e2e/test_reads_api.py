"""Every read: unknown query parameters refused, as_of by position or moment, keyset
pages that hold still while writes land between them, dashboard reads; both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import APIRoute

from app.api.main import create_app
from app.api.strict_query import StrictQueryRoute, declared_query
from app.demo import load_demo
from tests.conftest import make_ledger
from tests.e2e.api import API, invalid, ok, problem
from tests.e2e.conftest import admin_client

LISTS = [
    "/units",
    "/clusters",
    "/pacts",
    "/units/ha-tinh/pacts",
    "/rankings?year=2022",
    "/clusters/bac-trung-bo/years",
]


@pytest.fixture
def demo(store_url):
    ledger = make_ledger(store_url)
    load_demo(ledger)
    with admin_client(ledger) as client:
        yield client
    ledger.close()


def _url(path: str, **params: object) -> str:
    joined = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{API}{path}" + (("&" if "?" in path else "?") + joined if joined else "")


def test_an_unknown_query_parameter_is_a_422_naming_it_on_every_route(demo):
    for path in [
        *LISTS,
        "/units/ha-tinh",
        "/pacts/btb-2022/scores",
        "/clusters/bac-trung-bo/standings?year=2022",
    ]:
        body = invalid(demo.get(_url(path, unit="ha-tinh", asof=3)), "unit", "asof")
        assert "Unknown query parameter" in body["errors"][0]["reason"]
    # writes too: a misspelt dry_run must not write for real
    invalid(demo.post(f"{API}/pacts/btb-2022/results/batch?dryrun=true", json={"results": []}), "dryrun")


def test_every_route_refuses_what_it_does_not_read():
    routes = {}
    for route in create_app().routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for found in contexts() if contexts else [route] if isinstance(route, APIRoute) else []:
            routes[found.path] = getattr(found, "original_route", found)
    assert len(routes) > 30 and all(isinstance(r, StrictQueryRoute) for r in routes.values()), routes
    assert declared_query(routes["/api/v1/clusters/{cluster_id}/standings"]) == {"year", "as_of"}
    assert declared_query(routes["/api/v1/units"]) == {"as_of", "cursor", "limit", "sort"}
    assert {"after", "limit", "type"} <= declared_query(routes["/api/v1/events"])


def test_every_read_says_the_position_it_reflects_and_reads_the_past(demo):
    head = ok(demo.get(f"{API}/units/quang-binh"))["as_of_position"]
    for path in [*LISTS, "/units/ha-tinh", "/clusters/bac-trung-bo", "/clusters/bac-trung-bo/rotations"]:
        assert ok(demo.get(_url(path)))["as_of_position"] == head, path
    for path in ["/pacts/btb-2022", "/pacts/btb-2022/scores", "/clusters/bac-trung-bo/standings?year=2022"]:
        assert ok(demo.get(_url(path)))["as_of_position"] == head, path
        assert ok(demo.get(_url(path, as_of=head - 1)))["as_of_position"] == head - 1, path

    feed = ok(demo.get(f"{API}/events", params={"limit": 2}))  # the log's pages: the same shape
    assert set(feed) == {"items", "next", "as_of_position"} and feed["as_of_position"] == head

    # Quảng Bình merged into Quảng Trị on 2025-07-01: before the merger's event, not merged
    assert ok(demo.get(f"{API}/units/quang-binh"))["merged_into"] == "quang-tri"
    events = ok(demo.get(f"{API}/units/quang-binh/events"))["items"]
    merged_at = next(e["position"] for e in events if e["type"] == "UnitMerged")
    before = ok(demo.get(_url("/units/quang-binh", as_of=merged_at - 1)))
    assert (before["merged_into"], before["as_of_position"]) == (None, merged_at - 1)
    assert ok(demo.get(_url("/units/quang-binh", as_of=merged_at)))["merged_into"] == "quang-tri"
    # a pact before it was proposed does not exist; at position 0 nothing does
    proposed_at = ok(demo.get(f"{API}/pacts/btb-2022/events"))["items"][0]["position"]
    problem(demo.get(_url("/pacts/btb-2022", as_of=proposed_at - 1)), 404)
    assert ok(demo.get(_url("/pacts/btb-2022", as_of=proposed_at)))["version"] == 1
    assert ok(demo.get(_url("/units", as_of=0)))["items"] == []


def test_as_of_a_moment_reads_the_last_event_recorded_at_or_before_it(demo):
    last = ok(demo.get(f"{API}/events", params={"after": 0, "limit": 1000}))["items"][-1]
    moment = datetime.fromisoformat(last["recorded_at"]).astimezone(UTC) + timedelta(microseconds=1)
    body = ok(demo.get(f"{API}/units", params={"as_of": moment.isoformat()}))
    assert body["as_of_position"] == last["position"]
    early = ok(demo.get(f"{API}/clusters", params={"as_of": "2001-01-01T07:00:00+07:00"}))
    assert (early["items"], early["as_of_position"]) == ([], 0)


def test_a_future_or_malformed_as_of_is_a_422_naming_it(demo):
    head = ok(demo.get(f"{API}/units/ha-tinh"))["as_of_position"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for path in [
        "/units/ha-tinh",
        "/pacts",
        "/clusters/bac-trung-bo/standings?year=2022",
        "/rankings?year=2022",
    ]:
        for bad in (head + 1, future, "hôm qua", "2025-07-01", "2025-07-01T00:00:00", "-1", 2**63):
            invalid(demo.get(_url(path, as_of=str(bad).replace("+", "%2B"))), "as_of")


def walk(client, path: str, between=lambda: None, **params: object) -> list[dict]:
    """Every page of a list, following `next` (the Link header must say the same)."""
    response = client.get(_url(path, **params))
    pages = []
    while True:
        page = ok(response)
        pages.append(page)
        link = f'<{page["next"]}>; rel="next"' if page["next"] else None
        assert response.headers.get("link") == link
        if not page["next"]:
            break
        between()
        response = client.get(page["next"])
    assert len({p["as_of_position"] for p in pages}) == 1
    return [item for page in pages for item in page["items"]]


ITEM_ID = {"/units": "id", "/clusters": "id", "/pacts": "id", "/units/ha-tinh/pacts": "pact_id"}


@pytest.mark.parametrize("path", list(ITEM_ID))
def test_walking_every_page_yields_each_item_once_while_writes_land_between_pages(demo, path):
    whole = ok(demo.get(_url(path, limit=1000)))["items"]
    assert len(whole) >= 2
    counter = iter(range(1000))

    def write():  # a new unit (and a rename) between pages: the walk holds still
        n = next(counter)
        body = {"id": f"moi-{n}", "name": f"Sở Công Thương mới {n}", "province": "Mới"}
        ok(demo.post(f"{API}/units", json=body), 201)
        rename = {"name": f"Sở Công Thương Hà Tĩnh {n}", "province": "Hà Tĩnh", "effective_on": "2026-01-01"}
        ok(demo.post(f"{API}/units/ha-tinh/rename", json=rename))

    sort = "name" if path in ("/units", "/clusters") else None
    walked = walk(demo, path, write, limit=1, **({"sort": sort} if sort else {}))
    key = ITEM_ID[path]
    assert sorted(i[key] for i in walked) == sorted(i[key] for i in whole)
    assert len(walked) == len(whole)


def test_sorts_order_the_items_and_a_cursor_keeps_its_sort(demo):
    names = [u["name"] for u in ok(demo.get(_url("/units", sort="name", limit=1000)))["items"]]
    assert names == sorted(names)
    desc = [p["proposed_on"] for p in walk(demo, "/pacts", sort="-proposed_on", limit=2)]
    assert desc == sorted(desc, reverse=True)
    scores = [p["score"] for p in ok(demo.get(_url("/units/ha-tinh/pacts", sort="-score")))["items"]]
    # Unranked pacts (no score) come first in descending order, as nulls sort last ascending.
    unranked = [s for s in scores if s is None]
    assert scores == unranked + sorted((s for s in scores if s is not None), reverse=True)
    first = ok(demo.get(_url("/units", sort="name", limit=2)))
    cursor = first["next"].split("cursor=")[1]
    invalid(demo.get(_url("/units", sort="id", cursor=cursor)), "cursor")
    invalid(demo.get(_url("/units", cursor="bm90IGEgY3Vyc29y")), "cursor")
    invalid(demo.get(_url("/units", cursor=cursor, as_of=3)), "as_of")
    invalid(demo.get(_url("/units", sort="province")), "sort")
    invalid(demo.get(_url("/units", limit=1001)), "limit")
    invalid(demo.get(_url("/units", limit=0)), "limit")


def test_the_old_cluster_name_still_filters_pacts(demo):
    new = ok(demo.get(_url("/pacts", cluster_id="bac-trung-bo")))["items"]
    old = ok(demo.get(_url("/pacts", cluster="bac-trung-bo")))["items"]
    assert new == old and new and all(p["cluster_id"] == "bac-trung-bo" for p in new)
    invalid(demo.get(_url("/pacts", cluster_id="bac-trung-bo", cluster="khac")), "cluster")
    parameters = demo.get("/openapi.json").json()["paths"]["/api/v1/pacts"]["get"]["parameters"]
    assert next(p for p in parameters if p["name"] == "cluster")["deprecated"] is True
    unit = ok(demo.get(_url("/pacts", unit_id="quang-binh")))["items"]
    assert unit and all("quang-binh" in p["parties"] for p in unit)


def test_a_units_pacts_carry_its_score_and_rank_beside_names(demo):
    body = ok(demo.get(f"{API}/units/ha-tinh/pacts"))
    assert body["unit_name"] == "Sở Công Thương Hà Tĩnh"
    assert any(item["rank"] for item in body["items"]) and any(item["not_ranked"] for item in body["items"])
    for item in body["items"]:
        scores = ok(demo.get(f"{API}/pacts/{item['pact_id']}/scores"))
        mine = next((s for s in scores["standings"] if s["unit_id"] == "ha-tinh"), None)
        if mine is None:
            assert (item["score"], item["rank"]) == (None, None)
            assert item["not_ranked"] == (scores["not_scoreable"] or "not assessed yet")
        else:
            assert (item["score"], item["rank"]) == (mine["score"], mine["rank"]) and not item["not_ranked"]
        assert item["ranked"] == len(scores["standings"])
        assert item["cluster_name"]
    problem(demo.get(f"{API}/units/nowhere/pacts"), 404)


def test_rankings_hold_every_clusters_standings_for_the_year(demo):
    items = ok(demo.get(f"{API}/rankings", params={"year": 2022}))["items"]
    assert items
    for item in items:
        standings = ok(demo.get(f"{API}/clusters/{item['cluster_id']}/standings", params={"year": 2022}))
        assert item["standings"] == standings["standings"] and item["pact_id"] == standings["pact_id"]
        assert item["cluster_name"]
        if item["host"]:
            assert item["host"]["unit_name"]
    invalid(demo.get(f"{API}/rankings"), "year")


def test_a_clusters_years_name_each_years_pact_chair_and_host(demo):
    body = ok(demo.get(f"{API}/clusters/bac-trung-bo/years"))
    years = {item["year"]: item for item in body["items"]}
    assert body["cluster_name"] and 2022 in years
    assert (
        years[2022]["pact_id"] == ok(demo.get(f"{API}/clusters/bac-trung-bo/standings?year=2022"))["pact_id"]
    )
    assert years[2022]["host"]["unit_id"] == "thanh-hoa" and years[2022]["host"]["unit_name"]
    problem(demo.get(f"{API}/clusters/nowhere/years"), 404)
