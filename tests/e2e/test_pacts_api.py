"""Pacts (giao ước thi đua): propose, sign, targets, results, awards, close, read."""

from __future__ import annotations

import re

import pytest

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
    register_units,
    result,
    sign,
    target,
)

P = f"{API}/pacts/{PACT}"
AWARD = {
    "recipient_unit": "thanh-hoa",
    "title": "Cờ thi đua của Bộ Công Thương",
    "conferred_by": "Bộ Công Thương",
    "decision_ref": "QĐ 123/QĐ-BCT",
    "granted_on": "2023-01-20",
}


def test_proposing_with_an_id_answers_201_location_and_the_parties(client):
    form_cluster(client)
    body = {
        "id": PACT,
        "cluster_id": CLUSTER,
        "title": "Giao ước thi đua năm 2022",
        "theme": "Đoàn kết, hợp tác",
        "year": 2022,
        "content_items": ["Sản xuất", "Xuất khẩu"],
        "proposed_on": "2022-05-13",
        "attainment_cap": 1.2,
    }
    response = client.post(f"{API}/pacts", json=body)
    ack(response, PACT, 1, status=201)
    assert response.headers["location"] == f"/api/v1/pacts/{PACT}"

    pact = client.get(response.headers["location"])
    assert pact.headers["etag"] == '"1"'
    pact = ok(pact)
    assert pact["status"] == "proposed" and pact["attainment_cap"] == 1.2
    assert sorted(pact["parties"]) == sorted(NORTH_CENTRAL)
    assert pact["content_items"] == ["Sản xuất", "Xuất khẩu"]


def test_proposing_without_an_id_lets_the_server_choose_one(client):
    form_cluster(client)
    body = {
        "cluster_id": CLUSTER,
        "title": "Giao ước giai đoạn 2021-2025",
        "period_start": 2021,
        "period_end": 2025,
        "proposed_on": "2021-03-01",
    }
    response = client.post(f"{API}/pacts", json=body)
    created = ok(response, 201)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", created["id"])
    assert response.headers["location"] == f"/api/v1/pacts/{created['id']}"
    assert ok(client.get(response.headers["location"]))["period_end"] == 2025
    # A retried proposal without an id would make a second pact for the same years: refused.
    again = problem(client.post(f"{API}/pacts", json=body), 409)
    assert again["type"].endswith("/pact-exists-for-year")
    assert again["existing_pact_id"] == created["id"] and created["id"] in again["detail"]
    later = {**body, "period_start": 2026, "period_end": 2030, "proposed_on": "2025-12-20"}
    second = ok(client.post(f"{API}/pacts", json=later), 201)
    assert second["id"] != created["id"]


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_cluster_has_one_pact_per_year(request, store):
    client = request.getfixturevalue("client" if store == "sqlite" else "pg_client")
    form_cluster(client)
    propose(client, "gu-2022", 2022)
    position = log_position(client)
    base = {"cluster_id": CLUSTER, "title": "GƯ", "proposed_on": "2022-06-01"}
    for clash in (
        {"id": "gu-2022-bis", "year": 2022},
        {"id": "gu-2021-2025", "period_start": 2021, "period_end": 2025},
        {"id": "gu-2022-2023", "period_start": 2022, "period_end": 2023},
    ):
        found = problem(client.post(f"{API}/pacts", json={**base, **clash}), 409)
        assert found["type"].endswith("/pact-exists-for-year") and found["existing_pact_id"] == "gu-2022"
    assert log_position(client) == position
    assert [p["id"] for p in ok(client.get(f"{API}/pacts"))["items"]] == ["gu-2022"]
    ok(
        client.post(
            f"{API}/pacts", json={**base, "id": "gu-2023-2025", "period_start": 2023, "period_end": 2025}
        ),
        201,
    )
    found = problem(client.post(f"{API}/pacts", json={**base, "id": "gu-2024", "year": 2024}), 409)
    assert found["existing_pact_id"] == "gu-2023-2025"


def test_proposal_errors(client):
    form_cluster(client)
    base = {"id": PACT, "cluster_id": CLUSTER, "title": "GƯ", "year": 2022, "proposed_on": "2022-05-13"}
    invalid(client.post(f"{API}/pacts", json={**base, "cluster_id": "atlantis"}), "cluster_id")
    invalid(client.post(f"{API}/pacts", json={**base, "attainment_cap": 3}), "attainment_cap")
    invalid(client.post(f"{API}/pacts", json={**base, "attainment_cap": 0.5}), "attainment_cap")
    invalid(client.post(f"{API}/pacts", json={**base, "id": "GU_2022"}), "id")
    invalid(client.post(f"{API}/pacts", json={**base, "period_start": 2021}), "year")
    invalid(
        client.post(f"{API}/pacts", json={**base, "year": None, "period_start": 2025, "period_end": 2021}),
        "period_end",
    )
    invalid(client.post(f"{API}/pacts", json={**base, "year": None, "period_start": 2021}), "period_end")
    invalid(client.post(f"{API}/pacts", json={**base, "signed": True}), "signed")
    invalid(client.post(f"{API}/pacts", json={k: v for k, v in base.items() if k != "title"}), "title")
    problem(client.post(f"{API}/pacts", json={**base, "proposed_on": "2009-01-01"}), 409)  # no members yet
    assert ok(client.get(f"{API}/pacts"))["items"] == []
    ok(client.post(f"{API}/pacts", json=base), 201)
    problem(client.post(f"{API}/pacts", json=base), 409)


def test_every_party_signs_once_and_the_pact_comes_into_force(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    ack(sign(client, PACT, "thanh-hoa"), PACT, 2)
    assert ok(client.get(P))["status"] == "proposed"
    twice = problem(sign(client, PACT, "thanh-hoa"), 409)
    assert twice["type"].endswith("/already-signed")
    ack(sign(client, PACT, "nghe-an"), PACT, 3)
    pact = ok(client.get(P))
    assert pact["status"] == "in_force"
    assert {s["unit_id"] for s in pact["signatures"]} == {"thanh-hoa", "nghe-an"}


def test_signature_errors(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    register_units(client, "hue")  # a department outside the cluster
    propose(client)
    outsider = problem(sign(client, PACT, "hue"), 409)
    assert outsider["type"].endswith("/not-a-member")
    problem(sign(client, PACT, "thanh-hoa", on="2022-01-01"), 409)  # before the proposal
    invalid(sign(client, PACT, "atlantis"), "unit_id")
    problem(sign(client, "gu-1999", "thanh-hoa"), 404)
    invalid(
        client.post(f"{P}/signatures", json={"unit_id": "thanh-hoa", "signed_on": "2022-05-13"}), "signed_by"
    )
    assert len(events(client)) == 1


def test_targets_results_and_awards_land_in_the_pact(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    ack(target(client, PACT, "T1", measure="%"), PACT, 2)
    ack(target(client, PACT, "QUAL", kind="qualitative", value=None, weight=5), PACT, 3)
    ack(result(client, PACT, "thanh-hoa", "T1", 97.5), PACT, 4)
    ack(result(client, PACT, "thanh-hoa", "QUAL", 4), PACT, 5)
    ack(client.post(f"{P}/awards", json=AWARD), PACT, 6)
    person = {
        **AWARD,
        "recipient_person": "Hoàng Văn Quảng",
        "title": "Chiến sĩ thi đua cấp tỉnh",
        "decision_ref": None,
    }
    ack(client.post(f"{P}/awards", json=person, headers={"If-Match": '"6"'}), PACT, 7)

    pact = ok(client.get(P))
    assert [t["code"] for t in pact["targets"]] == ["T1", "QUAL"]
    assert {(r["target_code"], r["value"]) for r in pact["results"]} == {("T1", 97.5), ("QUAL", 4.0)}
    assert [(a["seq"], a["recipient_person"]) for a in pact["awards"]] == [(1, None), (2, "Hoàng Văn Quảng")]


def test_target_and_result_errors(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    register_units(client, "hue")
    propose(client)
    ok(target(client, PACT, "T1"))
    ok(target(client, PACT, "Q", kind="qualitative", value=None, weight=5))
    before = len(events(client))
    unknown = problem(result(client, PACT, "thanh-hoa", "T9", 1), 409)
    assert unknown["type"].endswith("/unknown-target")
    problem(result(client, PACT, "hue", "T1", 1), 409)  # not a party
    invalid(result(client, PACT, "thanh-hoa", "Q", 6), "value")  # over the weight
    invalid(target(client, PACT, "T2", value=None), "value")
    invalid(target(client, PACT, "T2", value=0), "value")
    invalid(target(client, PACT, "T2", weight=0), "weight")
    invalid(target(client, PACT, "T2", kind="vague"), "kind")
    invalid(target(client, PACT, "T2", direction="sideways"), "direction")
    invalid(target(client, PACT, "T2", applies_to=[]), "applies_to")
    invalid(target(client, PACT, "bad code!"), "code")
    problem(target(client, PACT, "T2", applies_to=["hue"]), 409)
    problem(target(client, "gu-1999", "T2"), 404)
    problem(result(client, "gu-1999", "thanh-hoa", "T1", 1), 404)
    assert len(events(client)) == before


def test_award_errors(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    register_units(client, "hue")
    propose(client)
    invalid(client.post(f"{P}/awards", json={**AWARD, "recipient_unit": "atlantis"}), "recipient_unit")
    problem(client.post(f"{P}/awards", json={**AWARD, "recipient_unit": "hue"}), 409)
    problem(client.post(f"{P}/awards", json={**AWARD, "granted_on": "2021-01-01"}), 409)
    invalid(client.post(f"{P}/awards", json={**AWARD, "granted_on": None}), "granted_on")
    problem(client.post(f"{API}/pacts/gu-1999/awards", json=AWARD), 404)
    assert len(events(client)) == 1


def test_after_closing_nothing_more_is_written(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    propose(client)
    ok(target(client, PACT, "T1"))
    problem(client.post(f"{P}/close", json={"closed_on": "2022-01-01"}), 409)  # before proposal
    ack(client.post(f"{P}/close", json={"closed_on": "2022-12-31"}, headers={"If-Match": '"2"'}), PACT, 3)
    assert ok(client.get(P))["closed_on"] == "2022-12-31"
    for rejected in (
        sign(client, PACT, "thanh-hoa"),
        target(client, PACT, "T2"),
        result(client, PACT, "thanh-hoa", "T1", 100),
        client.post(f"{P}/close", json={"closed_on": "2023-01-01"}),
    ):
        assert problem(rejected, 409)["type"].endswith("/pact-closed")
    assert len(events(client)) == 3
    problem(client.post(f"{API}/pacts/gu-1999/close", json={"closed_on": "2022-12-31"}), 404)


def test_pacts_are_listed_by_cluster_and_by_year_covered(client):
    form_cluster(client)
    propose(client, "gu-2022", 2022)
    propose(client, "gu-2023", 2023)
    period = {
        "id": "gu-2024-2026",
        "cluster_id": CLUSTER,
        "title": "Giai đoạn 2024-2026",
        "period_start": 2024,
        "period_end": 2026,
        "proposed_on": "2023-12-20",
    }
    ok(client.post(f"{API}/pacts", json=period), 201)

    def ids(**params: object) -> list[str]:
        return [p["id"] for p in ok(client.get(f"{API}/pacts", params=params))["items"]]

    assert ids() == ["gu-2022", "gu-2023", "gu-2024-2026"]
    assert ids(year=2023) == ["gu-2023"]
    assert ids(year=2025) == ["gu-2024-2026"]
    assert ids(year=2027) == []
    assert ids(cluster=CLUSTER, year=2022) == ["gu-2022"]
    assert ids(cluster="atlantis") == []
    invalid(client.get(f"{API}/pacts", params={"year": "2022a"}), "year")


def test_unknown_pact_is_404_on_every_read(client):
    for path in ("", "/scores", "/events"):
        problem(client.get(f"{API}/pacts/gu-1999{path}"), 404)
