"""Scoring by score sheet over HTTP: the issue's worked example, the stages, and the errors."""

from __future__ import annotations

import pytest

from tests.e2e.api import API, CLUSTER, PACT, invalid, ok, problem, propose, result, target
from tests.e2e.api import form_cluster as form

P = f"{API}/pacts/{PACT}"
SHEET = {
    "code": "btb-bang-diem",
    "title": "Bảng chấm điểm thi đua Cụm Bắc Trung Bộ",
    "legal_basis": "Quy chế hoạt động của Cụm (ví dụ)",
    "valid_from": "2022-01-01",
    "tolerance": 2,
    "groups": [
        {
            "code": "I",
            "title": "Chỉ tiêu chuyên môn",
            "max_points": 60,
            "criteria": [
                {
                    "code": "I.1",
                    "title": "Tăng trưởng IIP",
                    "kind": "target",
                    "max_points": 30,
                    "target_code": "IIP",
                },
                {
                    "code": "I.2",
                    "title": "Xuất khẩu",
                    "kind": "target",
                    "max_points": 30,
                    "target_code": "XK",
                },
            ],
        },
        {
            "code": "II",
            "title": "Báo cáo",
            "max_points": 20,
            "criteria": [
                {"code": "II.1", "title": "Đúng hạn", "kind": "per_item", "max_points": 20, "points_each": 2}
            ],
        },
        {
            "code": "III",
            "title": "Điểm thưởng",
            "max_points": 5,
            "criteria": [
                {"code": "III.1", "title": "Sáng kiến", "kind": "bonus", "max_points": 5, "points_each": 2.5}
            ],
        },
        {
            "code": "IV",
            "title": "Điểm trừ",
            "max_points": 10,
            "criteria": [
                {"code": "IV.1", "title": "Chậm", "kind": "penalty", "max_points": 10, "points_each": 2}
            ],
        },
    ],
}


def entries(on_time: int = 9) -> list[dict]:
    return [
        {"criterion_code": "I.1", "value": 9.2, "evidence": "Báo cáo tổng kết năm 2022"},
        {"criterion_code": "I.2", "value": 3.15},
        {"criterion_code": "II.1", "count": on_time},
        {"criterion_code": "III.1", "count": 3},
        {"criterion_code": "IV.1", "count": 1},
    ]


@pytest.fixture
def sheet_pact(client):
    """The 2022 pact with the two targets the sheet scores, scored by the sheet."""
    form(client)
    propose(client)
    ok(target(client, PACT, "IIP", value=8.0, measure="%"))
    ok(target(client, PACT, "XK", value=3.5, measure="tỷ USD"))
    ok(client.post(f"{API}/score-sheets", json=SHEET), 201)
    ok(client.post(f"{P}/score-sheet", json={"sheet_code": "btb-bang-diem", "adopted_on": "2022-05-13"}))
    return client


def stage(client, unit: str, name: str, **body: object):
    return client.post(f"{P}/assessments/{unit}/{name}", json=body)


def test_a_sheet_is_created_read_back_and_revised_into_a_new_version(client):
    ok(client.post(f"{API}/score-sheets", json=SHEET), 201)
    sheet = ok(client.get(f"{API}/score-sheets/btb-bang-diem"))
    assert (sheet["version"], sheet["versions"], sheet["groups"][2]["criteria"][0]["points_each"]) == (
        1,
        1,
        2.5,
    )

    revised = {k: v for k, v in SHEET.items() if k != "code"} | {"tolerance": 3}
    ok(client.post(f"{API}/score-sheets/btb-bang-diem/versions", json=revised), 201)
    assert ok(client.get(f"{API}/score-sheets/btb-bang-diem"))["tolerance"] == 3
    assert ok(client.get(f"{API}/score-sheets/btb-bang-diem/versions/1"))["tolerance"] == 2
    assert [s["version"] for s in ok(client.get(f"{API}/score-sheets"))["items"]] == [2]
    problem(client.post(f"{API}/score-sheets", json=SHEET), 409)


def test_a_sheet_whose_criteria_exceed_their_group_is_a_422_naming_it(client):
    bad = {**SHEET, "groups": [{**SHEET["groups"][0], "max_points": 55}]}

    body = invalid(client.post(f"{API}/score-sheets", json=bad), "groups.0.max_points")
    assert "more than the group's maximum 55" in body["errors"][0]["reason"]
    invalid(
        client.post(
            f"{API}/score-sheets",
            json={
                **SHEET,
                "groups": [
                    {
                        **SHEET["groups"][1],
                        "criteria": [{"code": "X", "title": "x", "kind": "per_item", "max_points": 5}],
                    }
                ],
            },
        ),
        "groups.0.criteria.0.points_each",
    )


def test_the_worked_example_through_the_stages(sheet_pact):
    client = sheet_pact
    ok(stage(client, "ha-tinh", "self", entries=entries(), submitted_on="2023-01-05"))
    problem(stage(client, "ha-tinh", "cross-grader", grader_id="ha-tinh", assigned_on="2023-01-06"), 409)
    ok(stage(client, "ha-tinh", "cross-grader", grader_id="nghe-an", assigned_on="2023-01-06"))
    # 5 on-time reports instead of 9: 70.00, 8 points from the self-assessment's 78.00.
    ok(stage(client, "ha-tinh", "cross", grader_id="nghe-an", entries=entries(5), submitted_on="2023-01-08"))

    assessment = ok(client.get(f"{P}/assessments/ha-tinh"))
    assert (assessment["status"], assessment["stage"], assessment["total"]) == (
        "awaiting_explanation",
        "cross",
        70.0,
    )
    first = assessment["stages"][0]
    assert (first["stage"], first["total"], first["actor_role"]) == ("self", 78.0, "admin")
    assert [g["points"] for g in first["groups"]] == [57.0, 18.0, 5.0, -2.0]
    assert first["entries"][0]["evidence"] == "Báo cáo tổng kết năm 2022"

    final = {"entries": entries(9), "reason": "Hội đồng thống nhất", "recorded_on": "2023-01-12"}
    assert problem(stage(client, "ha-tinh", "final", **final), 409)["type"].endswith("awaiting-explanation")
    ok(
        stage(
            client,
            "ha-tinh",
            "explanation",
            explanation="4 báo cáo có dấu bưu điện đúng hạn",
            filed_on="2023-01-10",
        )
    )
    ok(stage(client, "ha-tinh", "final", **final))

    assessment = ok(client.get(f"{P}/assessments/ha-tinh"))
    assert (assessment["status"], assessment["stage"], assessment["total"]) == ("final", "final", 78.0)
    assert [s["event"] for s in assessment["stages"]] == [
        "SelfAssessed",
        "CrossGraderAssigned",
        "CrossGraded",
        "ExplanationFiled",
        "FinalScoreRecorded",
    ]


def test_a_stage_that_does_not_fit_the_sheet_is_refused_naming_the_field(sheet_pact):
    bad = [{"criterion_code": "II.1", "count": 2, "value": 1}]

    invalid(stage(sheet_pact, "ha-tinh", "self", entries=bad, submitted_on="2023-01-05"), "entries.0.value")
    invalid(
        stage(
            sheet_pact,
            "ha-tinh",
            "self",
            entries=[{"criterion_code": "II.1", "count": -1}],
            submitted_on="2023-01-05",
        ),
        "entries.0.count",
    )
    problem(
        stage(sheet_pact, "ha-tinh", "cross", grader_id="nghe-an", entries=[], submitted_on="2023-01-05"), 409
    )


def test_the_sheet_is_fixed_from_the_first_assessment(sheet_pact):
    ok(stage(sheet_pact, "ha-tinh", "self", entries=entries(), submitted_on="2023-01-05"))

    again = {"sheet_code": "btb-bang-diem", "version": 1, "adopted_on": "2022-06-01"}
    assert problem(sheet_pact.post(f"{P}/score-sheet", json=again), 409)["type"].endswith(
        "assessment-started"
    )


def test_a_sheet_naming_a_target_the_pact_lacks_is_a_409_naming_it(client):
    form(client)
    propose(client)
    ok(target(client, PACT, "IIP", value=8.0, measure="%"))
    ok(client.post(f"{API}/score-sheets", json=SHEET), 201)

    body = problem(
        client.post(f"{P}/score-sheet", json={"sheet_code": "btb-bang-diem", "adopted_on": "2022-05-13"}), 409
    )
    assert "criterion I.2" in body["detail"] and "target XK" in body["detail"]


def test_cluster_indicators_sum_amounts_and_average_rates(client):
    form(client)
    propose(client)
    ok(target(client, PACT, "XK", value=3.5, measure="tỷ USD"))
    ok(target(client, PACT, "IIP", value=8.0, measure="%"))
    for unit, exports, iip in (("thanh-hoa", 6.1, 9.2), ("nghe-an", 2.9, 7.0), ("ha-tinh", 2.28, 8.1)):
        ok(result(client, PACT, unit, "XK", exports))
        ok(result(client, PACT, unit, "IIP", iip))

    figures = ok(client.get(f"{API}/clusters/{CLUSTER}/indicators", params={"year": 2022}))

    exports, iip = figures["indicators"]
    assert (exports["total"], exports["mean"], exports["reported"]) == (11.28, 3.76, 3)
    assert exports["members"][0] == {"unit_id": "thanh-hoa", "value": 6.1, "share": 54.08}
    assert (iip["additive"], iip["total"], iip["mean"]) == (False, None, 8.1)
    problem(client.get(f"{API}/clusters/{CLUSTER}/indicators", params={"year": 2019}), 404)


def test_standings_rank_by_each_units_most_advanced_stage_and_say_which(sheet_pact):
    client = sheet_pact
    ok(stage(client, "ha-tinh", "self", entries=entries(), submitted_on="2023-01-05"))
    position = ok(stage(client, "nghe-an", "self", entries=entries(10), submitted_on="2023-01-05"))[
        "position"
    ]
    ok(stage(client, "nghe-an", "cross-grader", grader_id="ha-tinh", assigned_on="2023-01-06"))
    ok(stage(client, "nghe-an", "cross", grader_id="ha-tinh", entries=entries(8), submitted_on="2023-01-07"))

    scores = ok(client.get(f"{P}/scores"))
    assert [(s["rank"], s["unit_id"], s["score"], s["stage"]) for s in scores["standings"]] == [
        (1, "ha-tinh", 78.0, "self"),
        (2, "nghe-an", 76.0, "cross"),  # the cross-grade's 16 points of reports, not its own 20
    ]
    assert scores["standings"][0]["points"] == {
        "I.1": 30.0,
        "I.2": 27.0,
        "II.1": 18.0,
        "III.1": 5.0,
        "IV.1": -2.0,
    }
    assert scores["score_sheet"] == {"code": "btb-bang-diem", "version": 1}
    assert scores["not_assessed"] == ["thanh-hoa", "quang-binh", "quang-tri", "hue"]
    assert scores["not_scoreable"] is None
    standings = ok(client.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022}))
    assert [(s["unit_id"], s["stage"]) for s in standings["standings"]] == [
        ("ha-tinh", "self"),
        ("nghe-an", "cross"),
    ]

    then = ok(client.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022, "as_of": position}))
    assert [(s["unit_id"], s["score"], s["stage"]) for s in then["standings"]] == [
        ("nghe-an", 80.0, "self"),
        ("ha-tinh", 78.0, "self"),
    ]


def test_a_pact_with_a_sheet_and_no_assessment_is_not_scoreable(sheet_pact):
    scores = ok(sheet_pact.get(f"{P}/scores"))

    assert scores["standings"] == [] and "assessed" in scores["not_scoreable"]
    assert len(scores["not_assessed"]) == 6


def test_a_pact_with_no_targets_or_no_results_ranks_nobody_and_says_why(client):
    form(client)
    propose(client)
    standings = ok(client.get(f"{API}/clusters/{CLUSTER}/standings", params={"year": 2022}))
    assert standings["standings"] == []
    assert standings["not_scoreable"] == f"pact {PACT} has no targets and no score sheet"

    ok(target(client, PACT, "T1"))
    assert ok(client.get(f"{P}/scores"))["not_scoreable"] == f"pact {PACT} has no results yet"

    ok(result(client, PACT, "ha-tinh", "T1", 95))
    scores = ok(client.get(f"{P}/scores"))
    assert scores["not_scoreable"] is None and scores["score_sheet"] is None
    assert [(s["unit_id"], s["score"], s["stage"]) for s in scores["standings"][:2]] == [
        ("ha-tinh", 95.0, None),
        ("hue", 0.0, None),
    ]


def test_a_pact_may_name_its_sheet_in_its_proposal_and_set_its_targets_after(client):
    form(client)
    ok(client.post(f"{API}/score-sheets", json=SHEET), 201)
    invalid(client.post(f"{API}/pacts", json=proposal(score_sheet="khong-co")), "score_sheet")

    ok(client.post(f"{API}/pacts", json=proposal(score_sheet="btb-bang-diem")), 201)

    assert ok(client.get(P))["score_sheet"] == {"code": "btb-bang-diem", "version": 1}
    early = stage(client, "ha-tinh", "self", entries=entries(), submitted_on="2023-01-05")
    assert "target IIP" in problem(early, 409)["detail"]  # the sheet scores targets not set yet
    ok(target(client, PACT, "IIP", value=8.0, measure="%"))
    ok(target(client, PACT, "XK", value=3.5, measure="tỷ USD"))
    ok(stage(client, "ha-tinh", "self", entries=entries(), submitted_on="2023-01-05"))
    assert ok(client.get(f"{P}/scores"))["standings"][0]["score"] == 78.0


def proposal(**extra: object) -> dict:
    return {
        "id": PACT,
        "cluster_id": CLUSTER,
        "title": "Giao ước 2022",
        "year": 2022,
        "proposed_on": "2022-05-13",
        **extra,
    }
