"""Clusters (cụm thi đua): members over time, chair and deputy, the host flag, reads."""

from __future__ import annotations

from tests.e2e.api import API, CLUSTER, ack, form_cluster, invalid, ok, problem, register_units

C = f"{API}/clusters/{CLUSTER}"
FORM = {
    "id": CLUSTER,
    "name": "Cụm Bắc Trung Bộ",
    "region": "Bắc Trung Bộ",
    "members": ["thanh-hoa", "nghe-an"],
    "formed_on": "2010-01-01",
}
LEADERS = {
    "year": 2022,
    "chair": "thanh-hoa",
    "deputy": "nghe-an",
    "decision_ref": "QĐ 1160/QĐ-BCT",
    "decided_on": "2022-03-01",
}
# 003_…txt: Thanh Hóa hosted the 10th conference and hands the flag for the 11th (2023) to Huế.
HANDOVER = {
    "conference_number": 11,
    "year": 2023,
    "from_unit": "thanh-hoa",
    "to_unit": "hue",
    "handed_over_on": "2022-05-13",
}


def test_forming_a_cluster_answers_201_and_lists_its_members(client):
    register_units(client, "thanh-hoa", "nghe-an")
    response = client.post(f"{API}/clusters", json=FORM)
    ack(response, CLUSTER, 1, status=201)
    assert response.headers["location"] == f"/api/v1/clusters/{CLUSTER}"

    cluster = client.get(response.headers["location"])
    assert cluster.headers["etag"] == '"1"'
    body = ok(cluster)
    assert body["members"] == ["nghe-an", "thanh-hoa"]
    assert body["flag_holder"] is None and body["version"] == 1
    assert [c["id"] for c in ok(client.get(f"{API}/clusters"))["items"]] == [CLUSTER]


def test_forming_errors(client):
    register_units(client, "thanh-hoa", "nghe-an")
    invalid(client.post(f"{API}/clusters", json={**FORM, "members": ["thanh-hoa", "atlantis"]}), "members")
    invalid(client.post(f"{API}/clusters", json={**FORM, "members": ["thanh-hoa", "thanh-hoa"]}), "members")
    invalid(client.post(f"{API}/clusters", json={**FORM, "members": []}), "members")
    invalid(client.post(f"{API}/clusters", json={**FORM, "members": "thanh-hoa"}), "members")
    invalid(client.post(f"{API}/clusters", json={**FORM, "members": ["Thanh Hóa"]}), "members.0")
    invalid(
        client.post(f"{API}/clusters", json={k: v for k, v in FORM.items() if k != "formed_on"}), "formed_on"
    )
    assert ok(client.get(f"{API}/clusters"))["items"] == []
    ok(client.post(f"{API}/clusters", json=FORM), 201)
    problem(client.post(f"{API}/clusters", json=FORM), 409)


def test_unknown_cluster_is_404_on_every_cluster_path(client):
    register_units(client, "thanh-hoa")
    x = f"{API}/clusters/atlantis"
    problem(client.get(x), 404)
    problem(client.get(f"{x}/rotations"), 404)
    problem(client.get(f"{x}/standings", params={"year": 2022}), 404)
    problem(client.post(f"{x}/members", json={"unit_id": "thanh-hoa", "joined_on": "2020-01-01"}), 404)
    problem(client.delete(f"{x}/members/thanh-hoa", params={"effective_on": "2020-01-01"}), 404)
    problem(client.post(f"{x}/leadership", json=LEADERS), 404)
    problem(client.post(f"{x}/host-handovers", json=HANDOVER), 404)


def test_a_member_joins_and_leaves_and_its_history_stays(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    register_units(client, "hue")
    etag = client.get(C).headers["etag"]
    joined = client.post(
        f"{C}/members", json={"unit_id": "hue", "joined_on": "2012-01-01"}, headers={"If-Match": etag}
    )
    ack(joined, CLUSTER, 2)
    left = client.delete(
        f"{C}/members/hue",
        params={"effective_on": "2020-01-01"},
        headers={"If-Match": joined.headers["etag"]},
    )
    ack(left, CLUSTER, 3)

    body = ok(client.get(C))
    assert "hue" not in body["members"]
    assert {"unit_id": "hue", "joined_on": "2012-01-01", "left_on": "2020-01-01"} in body["memberships"]


def test_membership_errors(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    register_units(client, "hue")
    problem(client.post(f"{C}/members", json={"unit_id": "nghe-an", "joined_on": "2012-01-01"}), 409)
    problem(client.post(f"{C}/members", json={"unit_id": "hue", "joined_on": "2009-01-01"}), 409)
    invalid(client.post(f"{C}/members", json={"unit_id": "atlantis", "joined_on": "2012-01-01"}), "unit_id")
    invalid(client.post(f"{C}/members", json={"unit_id": "hue"}), "joined_on")
    problem(
        client.post(
            f"{C}/members", json={"unit_id": "hue", "joined_on": "2012-01-01"}, headers={"If-Match": '"7"'}
        ),
        412,
    )
    problem(
        client.post(
            f"{C}/members", json={"unit_id": "hue", "joined_on": "2012-01-01", "expected_version": 7}
        ),
        409,
    )
    problem(
        client.post(
            f"{C}/members", json={"unit_id": "hue", "joined_on": "2012-01-01"}, headers={"If-Match": "7"}
        ),
        400,
    )
    assert ok(client.get(C))["version"] == 1


def test_removal_errors(client):
    form_cluster(client, ["thanh-hoa", "nghe-an"])
    problem(client.delete(f"{C}/members/hue", params={"effective_on": "2020-01-01"}), 409)
    invalid(client.delete(f"{C}/members/nghe-an"), "effective_on")
    invalid(client.delete(f"{C}/members/nghe-an", params={"effective_on": "soon"}), "effective_on")
    problem(client.delete(f"{C}/members/nghe-an", params={"effective_on": "2009-12-31"}), 409)
    problem(
        client.delete(
            f"{C}/members/nghe-an", params={"effective_on": "2020-01-01"}, headers={"If-Match": '"0"'}
        ),
        412,
    )
    problem(
        client.delete(
            f"{C}/members/nghe-an", params={"effective_on": "2020-01-01"}, headers={"If-Match": "v1"}
        ),
        400,
    )
    assert ok(client.get(C))["members"] == ["nghe-an", "thanh-hoa"]


def test_leadership_is_one_chair_and_one_deputy_per_year(client):
    form_cluster(client)
    ack(client.post(f"{C}/leadership", json=LEADERS, headers={"If-Match": '"1"'}), CLUSTER, 2)
    problem(client.post(f"{C}/leadership", json={**LEADERS, "chair": "hue"}), 409)  # year taken
    same = problem(client.post(f"{C}/leadership", json={**LEADERS, "year": 2023, "deputy": "thanh-hoa"}), 409)
    assert same["type"].endswith("/same-chair-and-deputy")
    outsider = {**LEADERS, "year": 2023, "chair": "atlantis"}
    problem(client.post(f"{C}/leadership", json=outsider), 409)
    invalid(client.post(f"{C}/leadership", json={**LEADERS, "year": 1900}), "year")
    invalid(client.post(f"{C}/leadership", json={**LEADERS, "year": "2023x"}), "year")
    problem(client.post(f"{C}/leadership", json={**LEADERS, "year": 2024}, headers={"If-Match": '"1"'}), 412)
    problem(client.post(f"{C}/leadership", json={**LEADERS, "year": 2024, "expected_version": 1}), 409)

    rotations = ok(client.get(f"{C}/rotations"))
    assert rotations["leadership"] == [
        {"year": 2022, "chair": "thanh-hoa", "deputy": "nghe-an", "decision_ref": "QĐ 1160/QĐ-BCT"}
    ]


def test_the_host_flag_passes_from_holder_to_holder(client):
    form_cluster(client)
    ack(client.post(f"{C}/host-handovers", json=HANDOVER), CLUSTER, 2)
    nxt = {
        "conference_number": 12,
        "year": 2024,
        "from_unit": "hue",
        "to_unit": "nghe-an",
        "handed_over_on": "2023-05-20",
    }
    ack(client.post(f"{C}/host-handovers", json=nxt, headers={"If-Match": '"2"'}), CLUSTER, 3)

    rotations = ok(client.get(f"{C}/rotations"))
    assert rotations["flag_holder"] == "nghe-an" and rotations["next_conference_number"] == 13
    assert [(h["conference_number"], h["to_unit"]) for h in rotations["handovers"]] == [
        (11, "hue"),
        (12, "nghe-an"),
    ]
    assert ok(client.get(C))["flag_holder"] == "nghe-an"


def test_host_flag_errors(client):
    form_cluster(client)
    ok(client.post(f"{C}/host-handovers", json=HANDOVER))
    nxt = {
        "conference_number": 12,
        "year": 2024,
        "from_unit": "hue",
        "to_unit": "nghe-an",
        "handed_over_on": "2023-05-20",
    }
    holder = problem(client.post(f"{C}/host-handovers", json={**nxt, "from_unit": "thanh-hoa"}), 409)
    assert holder["type"].endswith("/not-flag-holder")
    number = problem(client.post(f"{C}/host-handovers", json={**nxt, "conference_number": 14}), 409)
    assert number["type"].endswith("/wrong-conference-number")
    problem(client.post(f"{C}/host-handovers", json={**nxt, "to_unit": "hue"}), 409)
    problem(client.post(f"{C}/host-handovers", json={**nxt, "year": 2023}), 409)
    invalid(client.post(f"{C}/host-handovers", json={**nxt, "to_unit": "atlantis"}), "to_unit")
    invalid(client.post(f"{C}/host-handovers", json={**nxt, "conference_number": 0}), "conference_number")
    problem(client.post(f"{C}/host-handovers", json=nxt, headers={"If-Match": '"1"'}), 412)
    assert ok(client.get(f"{C}/rotations"))["flag_holder"] == "hue"


def test_standings_need_a_pact_covering_the_year_and_a_valid_year(client):
    form_cluster(client)
    problem(client.get(f"{C}/standings", params={"year": 2022}), 404)
    invalid(client.get(f"{C}/standings"), "year")
    invalid(client.get(f"{C}/standings", params={"year": "năm nay"}), "year")
    invalid(client.get(f"{C}/standings", params={"year": 2022, "as_of": -1}), "as_of")
