"""Scores, standings and the audit trail: a worked example computed by hand."""

from __future__ import annotations

import unicodedata

import pytest

from tests.e2e.api import (
    API,
    CLUSTER,
    PACT,
    events,
    form_cluster,
    ok,
    propose,
    result,
    sign,
    target,
)

P = f"{API}/pacts/{PACT}"


@pytest.fixture
def scored(client):
    """The 2022 pact of the six North Central departments, cap 1.2, three targets:

    T1 plan completed, at_least 100 (%), weight 40
    T2 violations,     at_most 5,        weight 20
    T3 judged by the cluster, qualitative, weight 40 (the result is the points)

    thanh-hoa  T1 110 -> 40 x min(1.10, 1.2) = 44;  T2 4  -> 20 x min(5/4=1.25, 1.2) = 24;  T3 35
               (44 + 24 + 35) / 100 x 100 = 103.00
    nghe-an    T1 90  -> 36;  T2 5  -> 20;  T3 30            -> 86.00
    ha-tinh    T1 95  -> 38;  T2 10 -> 20 x 0.5 = 10;  T3 38 -> 86.00 (ties nghe-an)
    quang-binh T1 "77,77" -> 40 x 0.7777 = 31.108;  T2 missing -> 0;  T3 20
               51.108 -> 51.11 (2 decimals, half-up)
    quang-tri, hue: no results -> 0.00 each, every target missing
    Ranks ("1224" competition ranking, ties by unit id): 1, 2, 2, 4, 5, 5
    """
    form_cluster(client)
    propose(client, attainment_cap=1.2)
    ok(target(client, PACT, "T1", value=100, weight=40, measure="%"))
    ok(target(client, PACT, "T2", value=5, weight=20, direction="at_most"))
    ok(target(client, PACT, "T3", kind="qualitative", value=None, weight=40))
    for unit, t1, t2, t3 in [
        ("thanh-hoa", 110, 4, 35),
        ("nghe-an", 90, 5, 30),
        ("ha-tinh", 95, 10, 38),
        ("quang-binh", "77,77", None, 20),
    ]:
        ok(result(client, PACT, unit, "T1", t1))
        if t2 is not None:
            ok(result(client, PACT, unit, "T2", t2))
        ok(result(client, PACT, unit, "T3", t3))
    return client


def test_the_worked_example_scores_and_ranks(scored):
    body = ok(scored.get(f"{P}/scores"))
    assert body["pact_id"] == PACT and body["attainment_cap"] == 1.2
    table = [(s["rank"], s["unit_id"], s["score"]) for s in body["standings"]]
    assert table == [
        (1, "thanh-hoa", 103.0),
        (2, "ha-tinh", 86.0),
        (2, "nghe-an", 86.0),
        (4, "quang-binh", 51.11),
        (5, "hue", 0.0),
        (5, "quang-tri", 0.0),
    ]
    first = body["standings"][0]
    assert first["points"] == pytest.approx({"T1": 44, "T2": 24, "T3": 35})
    assert first["unit_name"] == "Sở Công Thương Thanh Hóa" and first["missing"] == []
    assert body["standings"][3]["missing"] == ["T2"]
    assert body["standings"][3]["points"]["T1"] == pytest.approx(31.108)
    assert body["standings"][-1]["missing"] == ["T1", "T2", "T3"]


def test_a_later_result_supersedes_the_earlier_one(scored):
    # nghe-an reports T1 again: 100 -> 40 points, so 40 + 20 + 30 = 90.00 and it leads ha-tinh.
    ok(result(scored, PACT, "nghe-an", "T1", 100))
    ranks = {s["unit_id"]: (s["rank"], s["score"]) for s in ok(scored.get(f"{P}/scores"))["standings"]}
    assert ranks["nghe-an"] == (2, 90.0) and ranks["ha-tinh"] == (3, 86.0)


def test_cluster_standings_carry_the_years_leadership_and_host(scored):
    ok(
        scored.post(
            f"{API}/clusters/{CLUSTER}/leadership",
            json={"year": 2022, "chair": "thanh-hoa", "deputy": "nghe-an", "decision_ref": "QĐ 1160/QĐ-BCT"},
        )
    )
    # Thanh Hóa hosted the 10th conference (2022) and handed the flag for the 11th to Huế.
    ok(
        scored.post(
            f"{API}/clusters/{CLUSTER}/host-handovers",
            json={
                "conference_number": 11,
                "year": 2023,
                "from_unit": "thanh-hoa",
                "to_unit": "hue",
                "handed_over_on": "2022-05-13",
            },
        )
    )

    body = ok(scored.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022}))
    assert (body["pact_id"], body["year"], body["pact_status"]) == (PACT, 2022, "proposed")
    assert body["leadership"] == {"chair": "thanh-hoa", "deputy": "nghe-an", "decision_ref": "QĐ 1160/QĐ-BCT"}
    assert body["host"] == {"unit_id": "thanh-hoa", "conference_number": 10}
    assert [s["score"] for s in body["standings"]] == [103.0, 86.0, 86.0, 51.11, 0.0, 0.0]
    # Every answer says the position it reflects: without as_of, the log's last (the handover).
    # (That a fold of the log reads the same as the read models at the head is held for
    # every read by tests/integration/test_reads_as_of.py.)
    head = ok(scored.get(f"{API}/clusters/{CLUSTER}/events"))["items"][-1]["position"]
    then = ok(scored.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022, "as_of": head}))
    assert body["as_of_position"] == head
    assert then == body


def test_standings_as_of_an_earlier_log_position(scored):
    before = events(scored)[-1]["position"]
    ok(result(scored, PACT, "quang-tri", "T3", 40))  # 40 / 100 -> 40.00, fifth place
    now = ok(scored.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022}))
    then = ok(scored.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022, "as_of": before}))
    assert {s["unit_id"]: s["score"] for s in now["standings"]}["quang-tri"] == 40.0
    assert {s["unit_id"]: s["score"] for s in then["standings"]}["quang-tri"] == 0.0


def test_vietnamese_number_strings_are_read_the_vietnamese_way(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    # 003_…txt: retail sales 370.461 billion VND; 001_…txt: production +11,64%.
    ok(target(client, PACT, "RETAIL", value="370.461", weight=10, measure="tỷ đồng", number_format="vi"))
    ok(target(client, PACT, "GROWTH", value="11,64", weight="1.000", measure="%", number_format="vi"))
    ok(result(client, PACT, "thanh-hoa", "GROWTH", "11,64%"))
    pact = ok(client.get(P))
    assert {t["code"]: (t["value"], t["weight"]) for t in pact["targets"]} == {
        "RETAIL": (370461.0, 10.0),
        "GROWTH": (11.64, 1000.0),
    }
    assert pact["results"][0]["value"] == 11.64
    stored = events(client)[1]["data"]
    assert stored["value"] == 370461
    # The log keeps the text as sent beside the number it was read as; a JSON number has none.
    ok(result(client, PACT, "nghe-an", "GROWTH", 9.5))
    recorded = [e["data"] for e in events(client) if e["type"] == "ResultRecorded"]
    assert [(r["value"], r["reported_as"]) for r in recorded] == [(11.64, "11,64%"), (9.5, None)]


def test_headers_become_the_events_metadata(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    # Header bytes are UTF-8 as clients send them; the reason arrives decomposed (NFD).
    reason = unicodedata.normalize("NFD", "Hội nghị lần thứ X").encode()
    headers = {
        "X-Actor": "chuyen-vien@moit.gov.vn",
        "X-Reason": reason,
        "X-Correlation-ID": "req-2022-05-13-001",
    }
    ok(
        client.post(
            f"{P}/signatures",
            headers=headers,
            json={"unit_id": "thanh-hoa", "signed_by": "Giám đốc Sở", "signed_on": "2022-05-13"},
        )
    )
    meta = events(client)[-1]["metadata"]
    # The actor is the key that wrote; X-Actor is whom its holder says it acts for.
    assert (meta["actor"], meta["actor_role"]) == ("test-admin", "admin")
    assert meta["on_behalf_of"] == "chuyen-vien@moit.gov.vn"
    assert meta["reason"] == "Hội nghị lần thứ X"
    assert meta["correlation_id"] == "req-2022-05-13-001"
    assert meta["command"] == "SignPact" and meta["source"] == "api"

    plain = events(client)[0]["metadata"]
    assert plain["actor"] == "test-admin" and plain["on_behalf_of"] is None and plain["correlation_id"]


def test_the_event_history_reads_as_the_pact_happened(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    ok(sign(client, PACT, "thanh-hoa"))
    ok(target(client, PACT, "T1"))
    ok(result(client, PACT, "thanh-hoa", "T1", 100))
    ok(client.post(f"{P}/close", json={"closed_on": "2022-12-31"}))
    history = events(client)
    assert [e["type"] for e in history] == [
        "PactProposed",
        "PactSigned",
        "TargetSet",
        "ResultRecorded",
        "PactClosed",
    ]
    assert [e["version"] for e in history] == [1, 2, 3, 4, 5]
    assert all(e["stream_id"] == f"pact:{PACT}" for e in history)
    positions = [e["position"] for e in history]
    assert positions == sorted(positions)


def test_nfd_text_round_trips_as_nfc_through_a_pact(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    theme = "Chủ động khắc phục khó khăn, đoàn kết, hợp tác, đổi mới và phát triển"
    nfd = unicodedata.normalize("NFD", theme)
    assert nfd != theme
    propose(
        client,
        title=unicodedata.normalize("NFD", "Giao ước thi đua"),
        theme=nfd,
        content_items=[unicodedata.normalize("NFD", "Xuất khẩu")],
    )
    pact = ok(client.get(P))
    assert (pact["title"], pact["theme"], pact["content_items"]) == ("Giao ước thi đua", theme, ["Xuất khẩu"])
    assert events(client)[0]["data"]["theme"] == theme
