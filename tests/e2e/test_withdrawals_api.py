"""A withdrawn result: the target is missing again in scores and standings; history keeps both."""

from __future__ import annotations

import pytest

from tests.e2e.api import API, CLUSTER, PACT, ack, events, invalid, log_position, ok, problem, result, target
from tests.e2e.api import pact_with_target as set_up

P = f"{API}/pacts/{PACT}"
STANDINGS = f"{API}/clusters/{CLUSTER}/standings"


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request):
    """Targets T1 (100, weight 10) and T2 (100, weight 10); Thanh Hóa 100 on both, Nghệ An 90."""
    client = request.getfixturevalue("client" if request.param == "sqlite" else "pg_client")
    set_up(client)
    ok(target(client, PACT, "T2", measure="%"))
    for unit, value in (("thanh-hoa", 100), ("nghe-an", 90)):
        for code in ("T1", "T2"):
            ok(result(client, PACT, unit, code, value))
    return client


def withdraw(client, unit_id: str, code: str, on: str = "2023-01-10", **extra):
    body = {
        "unit_id": unit_id,
        "target_code": code,
        "reason": "Số liệu nhập nhầm, báo cáo lại",
        "withdrawn_on": on,
    }
    return client.post(
        f"{P}/results/withdrawals", json={**body, **extra}, headers={"X-Reason": "rà soát".encode()}
    )


def ranking(client, **params) -> list[tuple[int, str, float, list[str]]]:
    body = ok(client.get(STANDINGS, params={"year": 2022, **params}))
    return [(s["rank"], s["unit_id"], s["score"], s["missing"]) for s in body["standings"][:2]]


def test_a_withdrawn_result_counts_as_missing_in_scores_and_standings(api):
    assert ranking(api) == [(1, "thanh-hoa", 100.0, []), (2, "nghe-an", 90.0, [])]
    before = log_position(api)

    ack(withdraw(api, "thanh-hoa", "T1"), PACT, 8)

    assert ranking(api) == [(1, "nghe-an", 90.0, []), (2, "thanh-hoa", 50.0, ["T1"])]
    scores = {s["unit_id"]: s for s in ok(api.get(f"{P}/scores"))["standings"]}
    assert scores["thanh-hoa"]["points"] == {"T1": 0.0, "T2": 10.0}
    results = {(r["unit_id"], r["target_code"]) for r in ok(api.get(P))["results"]}
    assert results == {("thanh-hoa", "T2"), ("nghe-an", "T1"), ("nghe-an", "T2")}
    # History keeps the result and its withdrawal; the standings as they stood are unchanged.
    history = [(e["type"], e["data"].get("unit_id"), e["data"].get("target_code")) for e in events(api)]
    assert history[-5:] == [
        ("ResultRecorded", "thanh-hoa", "T1"),
        ("ResultRecorded", "thanh-hoa", "T2"),
        ("ResultRecorded", "nghe-an", "T1"),
        ("ResultRecorded", "nghe-an", "T2"),
        ("ResultWithdrawn", "thanh-hoa", "T1"),
    ]
    withdrawal = events(api)[-1]
    assert withdrawal["data"]["reason"] == "Số liệu nhập nhầm, báo cáo lại"
    assert withdrawal["metadata"]["reason"] == "rà soát" and withdrawal["occurred_on"] == "2023-01-10"
    assert ranking(api, as_of=before) == [(1, "thanh-hoa", 100.0, []), (2, "nghe-an", 90.0, [])]

    ok(result(api, PACT, "thanh-hoa", "T1", 80, reported_on="2023-01-11"))
    assert ranking(api) == [(1, "nghe-an", 90.0, []), (1, "thanh-hoa", 90.0, [])]


def test_refused_withdrawals_change_nothing(api):
    ok(withdraw(api, "thanh-hoa", "T1"))
    position, history = log_position(api), events(api)

    assert problem(withdraw(api, "thanh-hoa", "T1"), 409)["type"].endswith("/no-result")
    assert problem(withdraw(api, "hue", "T2"), 409)["type"].endswith("/no-result")
    problem(withdraw(api, "nghe-an", "T1", on="2022-12-14"), 409)  # before the result was reported
    invalid(withdraw(api, "nghe-an", "T1", on="2099-01-01"), "withdrawn_on")
    invalid(withdraw(api, "nghe-an", "T1", reason=""), "reason")
    invalid(withdraw(api, "nghe-an", "T1", reason=None), "reason")
    problem(withdraw(api, "nghe-an", "T1", expected_version=3), 409)
    problem(api.post(f"{API}/pacts/khong-co/results/withdrawals", json={}), 422)
    body = {"unit_id": "nghe-an", "target_code": "T1", "reason": "x", "withdrawn_on": "2023-01-10"}
    problem(api.post(f"{API}/pacts/khong-co/results/withdrawals", json=body), 404)

    assert log_position(api) == position and events(api) == history


def test_a_result_is_dated_within_the_pact_and_not_ahead_of_today(api):
    position = log_position(api)
    found = invalid(result(api, PACT, "hue", "T1", 1, reported_on="2022-05-12"), "reported_on")
    assert "before the pact was proposed" in found["errors"][0]["reason"]
    found = invalid(result(api, PACT, "hue", "T1", 1, reported_on="2099-12-31"), "reported_on")
    assert "future" in found["errors"][0]["reason"]
    assert log_position(api) == position
