"""Units (Sở Công Thương): register, rename, merge, read; versions, ETags, If-Match."""

from __future__ import annotations

import unicodedata

from tests.e2e.api import API, CLUSTER, ack, form_cluster, invalid, ok, problem, register_units, sign

HUE = {"id": "hue", "name": "Sở Công Thương Thừa Thiên Huế", "province": "Thừa Thiên Huế"}
RENAME = {"name": "Sở Công Thương thành phố Huế", "province": "Huế", "effective_on": "2025-01-01"}


def test_registering_a_unit_answers_201_with_location_version_and_etag(client):
    response = client.post(f"{API}/units", json=HUE)
    ack(response, "hue", 1, status=201)
    assert response.headers["location"] == "/api/v1/units/hue"

    unit = client.get(response.headers["location"])
    assert ok(unit) == {
        **{k: HUE[k] for k in ("id", "name", "province")},
        "merged_into": None,
        "merged_on": None,
        "version": 1,
        "as_of_position": 2,  # the cluster-free log: the key's issue, then this unit
    }
    assert unit.headers["etag"] == '"1"'


def test_registering_the_same_id_twice_is_a_conflict_and_keeps_the_first(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    problem(client.post(f"{API}/units", json={**HUE, "name": "Khác"}), 409)
    assert ok(client.get(f"{API}/units/hue"))["name"] == HUE["name"]


def test_units_are_listed_by_id(client):
    register_units(client, "thanh-hoa", "hue", "nghe-an")
    items = ok(client.get(f"{API}/units"))["items"]
    assert [u["id"] for u in items] == ["hue", "nghe-an", "thanh-hoa"]


def test_an_unknown_unit_is_404(client):
    problem(client.get(f"{API}/units/nowhere"), 404)
    problem(client.post(f"{API}/units/nowhere/rename", json=RENAME), 404)
    merge = {"into": "hue", "effective_on": "2025-07-01", "legal_basis": "NQ 202/2025/QH15"}
    problem(client.post(f"{API}/units/nowhere/merge", json=merge), 404)


def test_rename_with_the_current_etag_succeeds_and_moves_the_etag(client):
    etag = client.post(f"{API}/units", json=HUE).headers["etag"]
    response = client.post(f"{API}/units/hue/rename", json=RENAME, headers={"If-Match": etag})
    ack(response, "hue", 2)
    unit = client.get(f"{API}/units/hue")
    assert (ok(unit)["name"], unit.headers["etag"]) == (RENAME["name"], '"2"')


def test_rename_with_a_stale_if_match_is_412_and_changes_nothing(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    ok(client.post(f"{API}/units/hue/rename", json=RENAME))
    again = {**RENAME, "name": "Sở Công Thương Huế", "effective_on": "2025-02-01"}
    body = problem(client.post(f"{API}/units/hue/rename", json=again, headers={"If-Match": '"1"'}), 412)
    assert (body["expected_version"], body["current_version"]) == (1, 2)
    assert ok(client.get(f"{API}/units/hue"))["name"] == RENAME["name"]


def test_a_weak_etag_is_accepted_as_if_match(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    ack(client.post(f"{API}/units/hue/rename", json=RENAME, headers={"If-Match": 'W/"1"'}), "hue", 2)


def test_a_malformed_if_match_is_400_naming_the_header(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    for header in ("1", '"one"', "*", '"1", "2"', ""):
        body = problem(client.post(f"{API}/units/hue/rename", json=RENAME, headers={"If-Match": header}), 400)
        assert body["errors"][0]["field"] == "If-Match"
    assert ok(client.get(f"{API}/units/hue"))["version"] == 1


def test_a_stale_expected_version_in_the_body_is_409(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    body = problem(client.post(f"{API}/units/hue/rename", json={**RENAME, "expected_version": 0}), 409)
    assert (body["expected_version"], body["current_version"]) == (0, 1)
    ack(client.post(f"{API}/units/hue/rename", json={**RENAME, "expected_version": 1}), "hue", 2)


def test_if_match_and_a_disagreeing_expected_version_are_refused(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    response = client.post(
        f"{API}/units/hue/rename", json={**RENAME, "expected_version": 0}, headers={"If-Match": '"1"'}
    )
    problem(response, 400)


def test_register_with_expected_version_zero_creates_only_a_new_unit(client):
    ack(client.post(f"{API}/units", json={**HUE, "expected_version": 0}), "hue", 1, status=201)
    problem(client.post(f"{API}/units", json={**HUE, "expected_version": 0}), 409)


def test_renaming_to_the_same_name_and_province_is_a_conflict(client):
    ok(client.post(f"{API}/units", json=HUE), 201)
    same = {"name": HUE["name"], "province": HUE["province"], "effective_on": "2025-01-01"}
    problem(client.post(f"{API}/units/hue/rename", json=same), 409)


def test_a_merger_moves_the_cluster_seat_to_the_successor(client):
    # Resolution 202/2025/QH15: Quảng Bình + Quảng Trị -> Quảng Trị from 1 July 2025.
    form_cluster(client)
    merge = {"into": "quang-tri", "effective_on": "2025-07-01", "legal_basis": "NQ 202/2025/QH15"}
    ack(client.post(f"{API}/units/quang-binh/merge", json=merge), "quang-binh", 2)

    unit = ok(client.get(f"{API}/units/quang-binh"))
    assert (unit["merged_into"], unit["merged_on"]) == ("quang-tri", "2025-07-01")
    cluster = ok(client.get(f"{API}/clusters/{CLUSTER}"))
    assert "quang-binh" not in cluster["members"] and "quang-tri" in cluster["members"]
    seat = next(m for m in cluster["memberships"] if m["unit_id"] == "quang-binh")
    assert seat["left_on"] == "2025-07-01"  # history stays with the old unit


def test_merger_errors(client):
    register_units(client, "quang-binh", "quang-tri")
    merge = {"into": "quang-tri", "effective_on": "2025-07-01", "legal_basis": "NQ 202/2025/QH15"}
    invalid(client.post(f"{API}/units/quang-binh/merge", json={**merge, "into": "atlantis"}), "into")
    invalid(client.post(f"{API}/units/quang-binh/merge", json={**merge, "into": "quang-binh"}), "into")
    ok(client.post(f"{API}/units/quang-binh/merge", json=merge))
    problem(client.post(f"{API}/units/quang-binh/merge", json=merge), 409)  # merged already
    rename = {**RENAME, "name": "Sở mới", "province": "Quảng Bình", "effective_on": "2025-08-01"}
    problem(client.post(f"{API}/units/quang-binh/rename", json=rename), 409)


def test_a_unit_merged_away_cannot_sign_a_later_pact(client):
    form_cluster(client, ["quang-binh", "quang-tri"])
    ok(
        client.post(
            f"{API}/pacts",
            json={
                "id": "gu-2025",
                "cluster_id": CLUSTER,
                "title": "GƯ 2025",
                "year": 2025,
                "proposed_on": "2025-03-01",
            },
        ),
        201,
    )
    merge = {"into": "quang-tri", "effective_on": "2025-07-01", "legal_basis": "NQ 202/2025/QH15"}
    ok(client.post(f"{API}/units/quang-binh/merge", json=merge))
    body = problem(sign(client, "gu-2025", "quang-binh", on="2025-07-02"), 409)
    assert body["type"].endswith("/unit-merged")
    ok(sign(client, "gu-2025", "quang-binh", on="2025-06-30"))  # before the merger it still could


def test_register_field_errors_name_the_field(client):
    invalid(client.post(f"{API}/units", json={**HUE, "id": "Huế"}), "id")
    invalid(client.post(f"{API}/units", json={**HUE, "id": "-hue"}), "id")
    invalid(client.post(f"{API}/units", json={**HUE, "id": "x" * 65}), "id")
    invalid(client.post(f"{API}/units", json={"id": "hue", "province": "Huế"}), "name")
    invalid(client.post(f"{API}/units", json={**HUE, "name": "   "}), "name")
    invalid(client.post(f"{API}/units", json={**HUE, "name": 42}), "name")
    invalid(client.post(f"{API}/units", json={**HUE, "registered_on": "31/12/2024"}), "registered_on")
    invalid(client.post(f"{API}/units", json={**HUE, "nickname": "Cố đô"}), "nickname")
    invalid(client.post(f"{API}/units", json={**HUE, "expected_version": -1}), "expected_version")
    assert ok(client.get(f"{API}/units"))["items"] == []


def test_vietnamese_text_is_stored_nfc_normalized(client):
    nfd_name = unicodedata.normalize("NFD", HUE["name"])
    nfd_province = unicodedata.normalize("NFD", "  Thừa Thiên Huế ")
    assert nfd_name != HUE["name"]
    ok(client.post(f"{API}/units", json={**HUE, "name": nfd_name, "province": nfd_province}), 201)
    unit = ok(client.get(f"{API}/units/hue"))
    assert unit["name"] == HUE["name"] and unicodedata.is_normalized("NFC", unit["name"])
    assert unit["province"] == "Thừa Thiên Huế"
