"""The main path over HTTP on PostgreSQL: the same answers as on SQLite."""

from __future__ import annotations

import unicodedata

from tests.e2e.api import (
    API,
    CLUSTER,
    NORTH_CENTRAL,
    PACT,
    ack,
    events,
    form_cluster,
    invalid,
    log_position,
    ok,
    problem,
    propose,
    result,
    sign,
    target,
)

P = f"{API}/pacts/{PACT}"


def test_a_pact_from_proposal_to_standings_on_postgresql(pg_client):
    client = pg_client
    assert ok(client.get("/readyz"))["status"] == "ready"
    form_cluster(client, ["thanh-hoa", "nghe-an", "hue"])
    propose(client, theme=unicodedata.normalize("NFD", "Đoàn kết, hợp tác"))
    for unit in ("thanh-hoa", "nghe-an", "hue"):
        ok(sign(client, PACT, unit))
    ack(target(client, PACT, "T1", value=100, weight=60), PACT, 5)
    ack(
        target(client, PACT, "T2", value="370.461", weight=40, measure="tỷ đồng", number_format="vi"), PACT, 6
    )
    # thanh-hoa: 60 x 1 + 40 x 1 = 100.00; nghe-an: 60 x 0.9 + 40 x (185230,5 / 370461 = 0.5) = 74.00
    # hue: 60 x 0.9 = 54, T2 missing -> 54.00
    for unit, t1, t2 in [("thanh-hoa", 100, "370.461"), ("nghe-an", "90", "185.230,5"), ("hue", 90, None)]:
        ok(result(client, PACT, unit, "T1", t1))
        if t2 is not None:
            ok(result(client, PACT, unit, "T2", t2, number_format="vi"))
    ok(
        client.post(
            f"{API}/clusters/{CLUSTER}/leadership",
            json={"year": 2022, "chair": "thanh-hoa", "deputy": "nghe-an", "decision_ref": "QĐ 1160/QĐ-BCT"},
        )
    )
    ok(
        client.post(
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
    award = {
        "recipient_unit": "thanh-hoa",
        "title": "Cờ thi đua của Bộ Công Thương",
        "conferred_by": "Bộ Công Thương",
        "granted_on": "2023-01-20",
    }
    ok(
        client.post(
            f"{P}/awards", json=award, headers={"X-Actor": "vu-tdkt", "X-Reason": "bình xét".encode()}
        )
    )
    etag = client.get(P).headers["etag"]
    ack(client.post(f"{P}/close", json={"closed_on": "2023-01-31"}, headers={"If-Match": etag}), PACT, 13)

    standings = ok(client.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022}))
    assert [(s["rank"], s["unit_id"], s["score"]) for s in standings["standings"]] == [
        (1, "thanh-hoa", 100.0),
        (2, "nghe-an", 74.0),
        (3, "hue", 54.0),
    ]
    assert standings["pact_status"] == "closed"
    assert standings["leadership"]["chair"] == "thanh-hoa"
    assert standings["host"] == {"unit_id": "thanh-hoa", "conference_number": 10}
    pact = ok(client.get(P))
    assert pact["theme"] == "Đoàn kết, hợp tác" and pact["status"] == "closed"
    meta = events(client)[-2]["metadata"]
    assert (meta["actor"], meta["on_behalf_of"], meta["reason"]) == ("test-admin", "vu-tdkt", "bình xét")
    assert [u["id"] for u in ok(client.get(f"{API}/units"))["items"]] == sorted(
        ["thanh-hoa", "nghe-an", "hue"]
    )


def test_refusals_on_postgresql_record_nothing(pg_client):
    client = pg_client
    form_cluster(client, list(NORTH_CENTRAL)[:2])
    propose(client)
    ok(sign(client, PACT, "thanh-hoa"))
    position, history = log_position(client), events(client)

    problem(sign(client, PACT, "thanh-hoa"), 409)
    problem(client.post(f"{P}/close", json={"closed_on": "2022-12-31"}, headers={"If-Match": '"1"'}), 412)
    problem(client.post(f"{P}/close", json={"closed_on": "2022-12-31", "expected_version": 1}), 409)
    problem(client.post(f"{P}/close", content=b"{", headers={"content-type": "application/json"}), 400)
    invalid(target(client, PACT, "T1", title="Chỉ tiêu\u0000"), "title")  # PostgreSQL text holds no NUL
    invalid(result(client, PACT, "thanh-hoa", "T1", "1.850"), "value")  # vi 1850, en 1.85
    problem(client.get(f"{API}/pacts/gu-1999"), 404)

    assert log_position(client) == position and events(client) == history
