"""Issue 15 over HTTP, on the demo and on both stores: units across the 2025 mergers
(repartition, lineage), names as they were, and search without diacritics."""

from __future__ import annotations

import unicodedata

import pytest

from app.demo import load_demo
from tests.e2e.api import API, ok, problem
from tests.e2e.conftest import admin_client


@pytest.fixture
def demo(ledger):
    load_demo(ledger)
    with admin_client(ledger) as client:
        yield client


def hits(client, q: str) -> list[tuple[str, str]]:
    return [(h["kind"], h["id"]) for h in ok(client.get(f"{API}/search", params={"q": q}))["items"]]


def _score_2012(client) -> int:
    """The 2012 pact has no targets in the sources: give it one and two results, so it ranks
    (a pact with nothing to score has empty standings). Returns the last result's position."""
    target = {"code": "T1", "title": "Chỉ tiêu minh họa", "kind": "quantitative", "value": 100, "weight": 1}
    ok(client.post(f"{API}/pacts/btb-2012/targets", json={**target, "set_on": "2012-01-01"}))
    for unit_id, value in (("thua-thien-hue", 90), ("nghe-an", 80)):
        result = {"unit_id": unit_id, "target_code": "T1", "value": value, "source": "minh họa"}
        ack = ok(client.post(f"{API}/pacts/btb-2012/results", json={**result, "reported_on": "2012-12-31"}))
    return ack["position"]


def test_2012_standings_show_thua_thien_hue_under_its_name_of_then(demo):
    scored = _score_2012(demo)
    # One more event, so that the standings as of ``scored`` come from the fold, not the read models.
    later = {"unit_id": "thanh-hoa", "target_code": "T1", "value": 70, "source": "minh họa"}
    ok(demo.post(f"{API}/pacts/btb-2012/results", json={**later, "reported_on": "2012-12-31"}))
    view = ok(demo.get(f"{API}/clusters/bac-trung-bo/standings", params={"year": 2012}))

    row = next(r for r in view["standings"] if r["unit_id"] == "thua-thien-hue")
    assert row["unit_name"] == "Sở Công Thương Thừa Thiên Huế"
    assert row["current_name"] == "Sở Công Thương Huế"
    same = next(r for r in view["standings"] if r["unit_id"] == "nghe-an")
    assert same["unit_name"] == "Sở Công Thương Nghệ An" and same.get("current_name") is None
    # As of a past log position too (the fold's path): the names of 2012.
    past = ok(demo.get(f"{API}/clusters/bac-trung-bo/standings", params={"year": 2012, "as_of": scored}))
    old = next(r for r in past["standings"] if r["unit_id"] == "thua-thien-hue")
    assert (old["unit_name"], old["current_name"]) == ("Sở Công Thương Thừa Thiên Huế", "Sở Công Thương Huế")


def test_lineage_names_predecessors_and_successors_with_dates_and_basis(demo):
    gia_lai = ok(demo.get(f"{API}/units/gia-lai/lineage"))
    binh_dinh = ok(demo.get(f"{API}/units/binh-dinh/lineage"))
    hue = ok(demo.get(f"{API}/units/thua-thien-hue/lineage"))

    assert [(p["unit_id"], p["effective_on"], p["legal_basis"]) for p in gia_lai["predecessors"]] == [
        ("binh-dinh", "2025-07-01", "Nghị quyết số 202/2025/QH15")
    ]
    assert [s["unit_id"] for s in binh_dinh["successors"]] == ["gia-lai"] and not gia_lai["successors"]
    assert [(n["name"], n["valid_to"]) for n in hue["names"]] == [
        ("Sở Công Thương Thừa Thiên Huế", "2025-01-01"),
        ("Sở Công Thương Huế", None),
    ]
    problem(demo.get(f"{API}/units/atlantis/lineage"), 404)


def test_a_merger_leaves_the_cluster_pending_until_an_admin_decides(demo):
    cluster = ok(demo.get(f"{API}/clusters/nam-trung-bo"))
    assert cluster["pending_repartition"] is True
    assert "gia-lai" not in cluster["members"] and "binh-dinh" not in cluster["members"]
    # The successor cannot be seated twice: Gia Lai may not join cluster VI and then this one.
    decide = {"unit_id": "binh-dinh", "admit_successor": True, "decision_ref": "QĐ 1/QĐ-BCT"}
    ok(demo.post(f"{API}/clusters/nam-trung-bo/repartition", json={**decide, "decided_on": "2025-08-01"}))
    refused = problem(
        demo.post(f"{API}/clusters/cum-vi/members", json={"unit_id": "gia-lai", "joined_on": "2025-09-01"}),
        409,
    )
    assert refused["type"].endswith("member-of-another-cluster") and "nam-trung-bo" in refused["detail"]
    again = problem(
        demo.post(f"{API}/clusters/nam-trung-bo/repartition", json={**decide, "decided_on": "2025-08-02"}),
        409,
    )
    assert again["type"].endswith("not-pending-repartition")

    decline = {"unit_id": "phu-yen", "admit_successor": False, "decision_ref": "QĐ 2/QĐ-BCT"}
    ok(demo.post(f"{API}/clusters/nam-trung-bo/repartition", json={**decline, "decided_on": "2025-08-01"}))
    after = ok(demo.get(f"{API}/clusters/nam-trung-bo"))
    assert after["pending_repartition"] is False and "gia-lai" in after["members"]
    assert {(r["unit_id"], r["admitted"]) for r in after["repartitions"]} == {
        ("binh-dinh", True),
        ("phu-yen", False),
    }


def test_search_folds_diacritics_and_ranks_exact_matches_first(demo):
    assert hits(demo, "dak lak")[0] == ("unit", "dak-lak")
    assert hits(demo, "ĐẮK LẮK") == hits(demo, "dak lak") == hits(demo, "Dak  Lak")
    # Thừa Thiên Huế by both its names.
    assert ("unit", "thua-thien-hue") in hits(demo, "thua thien hue")
    assert ("unit", "thua-thien-hue") in hits(demo, "hue")
    nfd = unicodedata.normalize("NFD", "Huế")
    assert hits(demo, nfd) == hits(demo, "Huế")
    exact = ok(demo.get(f"{API}/search", params={"q": "Đà Nẵng"}))["items"]
    assert exact[0]["id"] == "da-nang" and exact[0]["exact"] is True
    assert ("cluster", "cum-vi") in hits(demo, "cum thi dua so vi")
    assert ("pact", "cum2-2023") in hits(demo, "giao uoc thi dua nam 2023")
    assert hits(demo, "100%_") == []
    # Awards (read models of the pacts) by their title.
    assert ("award", "ha-tinh-2016-2020/awards/1") in hits(demo, "huan chuong lao dong")


def test_exact_diacritics_rank_before_folded_matches(demo):
    # "Hà" holds exactly in Hà Nội, Hà Tĩnh, Hà Nam; folded "ha" also in Thanh Hóa, Hải Phòng.
    items = ok(demo.get(f"{API}/search", params={"q": "Hà"}))["items"]
    flags = [h["exact"] for h in items]
    assert flags == sorted(flags, reverse=True) and True in flags and False in flags
    exact = {h["id"] for h in items if h["exact"] and h["kind"] == "unit"}
    assert {"ha-noi", "ha-tinh", "ha-nam"} <= exact and "thanh-hoa" not in exact
    assert {h["id"] for h in ok(demo.get(f"{API}/search", params={"q": "ha"}))["items"]} == {
        h["id"] for h in items
    }


def test_a_search_without_a_query_is_422(demo):
    problem(demo.get(f"{API}/search"), 422)
