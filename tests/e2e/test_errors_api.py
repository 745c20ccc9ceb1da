"""Errors as problem+json, and the promise behind them: a refused write records nothing."""

from __future__ import annotations

import pytest

from tests.e2e.api import (
    API,
    CLUSTER,
    PACT,
    PROBLEM,
    events,
    invalid,
    log_position,
    ok,
    pact_with_target,
    problem,
    result,
    sign,
    target,
)

P = f"{API}/pacts/{PACT}"
C = f"{API}/clusters/{CLUSTER}"

WRITES = [
    f"{API}/units",
    f"{API}/units/hue/rename",
    f"{API}/units/hue/merge",
    f"{API}/clusters",
    f"{C}/members",
    f"{C}/leadership",
    f"{C}/host-handovers",
    f"{API}/pacts",
    f"{P}/signatures",
    f"{P}/targets",
    f"{P}/results",
    f"{P}/awards",
    f"{P}/close",
]


@pytest.fixture
def seeded(client):
    pact_with_target(client)
    return client


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'"a string"', b"null", b'{"id": '])
def test_a_malformed_body_is_400_on_every_write(seeded, path, raw):
    before = log_position(seeded)
    response = seeded.post(path, content=raw, headers={"content-type": "application/json"})
    assert problem(response, 400)["type"].endswith("/malformed-body")
    assert log_position(seeded) == before


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", f"{API}/nothing-here"),
        ("get", "/api/v2/pacts"),
        ("post", f"{API}/pacts/{PACT}/vote"),
        ("get", f"{API}/units/hue/lineage/extra"),
    ],
)
def test_an_unknown_route_is_a_404_problem(client, method, path):
    problem(getattr(client, method)(path), 404)


def test_a_wrong_method_is_a_405_problem_with_allow(seeded):
    response = seeded.put(P, json={})
    problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_a_422_names_every_bad_field_at_once(seeded):
    body = {"code": "T2", "title": "", "kind": "both", "weight": "nhiều", "extra": 1}
    found = invalid(seeded.post(f"{P}/targets", json=body), "title", "kind", "weight", "extra")
    assert all(f"{e['field']}:" in found["detail"] for e in found["errors"])


def test_numbers_in_text_are_read_in_the_declared_format_or_refused(seeded):
    # "370.461" is 370461 written the Vietnamese way and 370.461 the English way:
    # without number_format the API refuses to guess.
    for refused in ("370.461", "1.850", "1,850", "1e3", "NaN", "Infinity", "", "mười", "12 triệu"):
        before = log_position(seeded)
        invalid(result(seeded, PACT, "thanh-hoa", "T1", refused), "value")
        assert log_position(seeded) == before, refused
    ambiguous = invalid(result(seeded, PACT, "thanh-hoa", "T1", "1.850"), "value")
    assert "1850 in the vi format" in ambiguous["errors"][0]["reason"]
    ok(result(seeded, PACT, "thanh-hoa", "T1", "11,64"))  # only vi reads it
    ok(result(seeded, PACT, "nghe-an", "T1", "370.461", number_format="vi"))
    ok(result(seeded, PACT, "ha-tinh", "T1", " 1.318.000,5 % "))
    ok(result(seeded, PACT, "quang-tri", "T1", "370.461", number_format="en"))
    ok(result(seeded, PACT, "hue", "T1", "11.64"))  # only en reads it
    ok(result(seeded, PACT, "quang-binh", "T1", 1.85))  # JSON numbers are always fine
    invalid(result(seeded, PACT, "quang-binh", "T1", "1.234,5", number_format="en"), "value")
    invalid(result(seeded, PACT, "quang-binh", "T1", "1,5", number_format="fr"), "number_format")
    values = {r["unit_id"]: r["value"] for r in ok(seeded.get(P))["results"]}
    assert values == {
        "thanh-hoa": 11.64,
        "nghe-an": 370461.0,
        "ha-tinh": 1318000.5,
        "quang-tri": 370.461,
        "hue": 11.64,
        "quang-binh": 1.85,
    }


ODD_TARGETS = [
    {"weight": 1e308},  # weight x cap would overflow to inf
    {"value": 10**400},
    {"weight": -0.0},
    {"value": True},
    {"weight": False},
    {"value": [100]},
    {"value": {"$gt": 0}},
    {"title": "x" * 501},
    {"title": "Chỉ tiêu\u0000"},
    {"measure": "%" * 51},
    {"applies_to": ["thanh-hoa", "Thanh Hóa"]},
    {"set_on": "2022-02-30"},
    {"kind": None},
]


@pytest.mark.parametrize("odd", ODD_TARGETS, ids=[str(sorted(o)) + str(i) for i, o in enumerate(ODD_TARGETS)])
def test_odd_target_values_are_refused_as_422_never_500(seeded, odd):
    before = log_position(seeded)
    found = invalid(
        target(seeded, PACT, "T2", **odd),
        *(f for f in odd if f != "applies_to"),
        *(["applies_to.1"] if "applies_to" in odd else []),
    )
    assert found["status"] == 422
    assert log_position(seeded) == before


def test_the_largest_weight_still_scores_at_the_highest_cap(seeded):
    # With cap 2, a weight of 1e308 made weight x cap = inf and recording a result a 500.
    propose_body = {
        "id": "gu-cap2",
        "cluster_id": CLUSTER,
        "title": "GƯ",
        "year": 2023,
        "proposed_on": "2023-03-01",
        "attainment_cap": 2,
    }
    ok(seeded.post(f"{API}/pacts", json=propose_body), 201)
    invalid(target(seeded, "gu-cap2", "BIG", value=1, weight=1e308), "weight")
    ok(target(seeded, "gu-cap2", "BIG", value=1, weight=1_000_000))
    ok(result(seeded, "gu-cap2", "thanh-hoa", "BIG", 1e300, reported_on="2023-12-15"))
    standings = ok(seeded.get(f"{API}/pacts/gu-cap2/scores"))["standings"]
    assert standings[0]["unit_id"] == "thanh-hoa" and standings[0]["score"] == 200.0


def test_odd_inputs_elsewhere_never_make_a_500(seeded):
    odd_responses = [
        seeded.get(f"{API}/units/{'x' * 5000}"),
        seeded.get(f"{API}/pacts/giao-ước"),
        seeded.get(f"{API}/pacts/%00"),
        seeded.get(f"{C}/standings", params={"year": 10**30}),
        seeded.get(f"{C}/standings", params={"year": 2022, "as_of": 2**63}),
        seeded.get(f"{C}/standings", params={"year": 2022, "as_of": 10**30}),
        seeded.get(f"{API}/pacts", params={"year": "-"}),
        seeded.post(
            f"{P}/close", json={"closed_on": "2022-12-31"}, headers={"If-Match": '"' + "9" * 40 + '"'}
        ),
        seeded.post(f"{P}/close", json={"closed_on": "2022-12-31", "expected_version": 10**30}),
        seeded.post(f"{P}/close", json={"closed_on": "0000-01-01"}),
        seeded.post(f"{API}/units", json={"id": "x", "name": "😀" * 500, "province": "\u200b"}),
        # A lone surrogate is valid JSON but no Unicode text: no store can encode it.
        seeded.post(
            f"{API}/units",
            content=b'{"id": "y", "name": "\\ud800", "province": "p"}',
            headers={"content-type": "application/json"},
        ),
        seeded.post(
            f"{C}/leadership",
            json={"year": 2022.5, "chair": "thanh-hoa", "deputy": "nghe-an", "decision_ref": "QĐ"},
        ),
        seeded.post(
            f"{C}/host-handovers",
            json={
                "conference_number": 10**6,
                "year": 2023,
                "from_unit": "thanh-hoa",
                "to_unit": "hue",
                "handed_over_on": "2022-05-13",
            },
        ),
        seeded.post(
            f"{C}/host-handovers",
            json={
                "conference_number": 10**30,
                "year": 2023,
                "from_unit": "thanh-hoa",
                "to_unit": "hue",
                "handed_over_on": "2022-05-13",
            },
        ),
    ]
    for response in odd_responses:
        assert response.status_code < 500, (response.request.url, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith(PROBLEM)


HANDOVER_11 = {
    "conference_number": 11,
    "year": 2023,
    "from_unit": "thanh-hoa",
    "to_unit": "hue",
    "handed_over_on": "2022-05-13",
}
NO_SETUP = None
# name: (set-up write or None, the write that must be refused)
REFUSED = {
    "sign twice": (lambda c: sign(c, PACT, "thanh-hoa"), lambda c: sign(c, PACT, "thanh-hoa")),
    "result for unknown target": (NO_SETUP, lambda c: result(c, PACT, "thanh-hoa", "T9", 100)),
    "result from a non-party": (NO_SETUP, lambda c: result(c, PACT, "atlantis", "T1", 100)),
    "stale If-Match": (
        lambda c: target(c, PACT, "T2"),
        lambda c: c.post(
            f"{P}/targets",
            headers={"If-Match": '"2"'},
            json={"code": "T3", "title": "Xuất khẩu", "kind": "quantitative", "value": 2, "weight": 1},
        ),
    ),
    "stale expected_version": (
        NO_SETUP,
        lambda c: c.post(f"{P}/close", json={"closed_on": "2022-12-31", "expected_version": 1}),
    ),
    "malformed If-Match": (
        NO_SETUP,
        lambda c: c.post(f"{P}/close", json={"closed_on": "2022-12-31"}, headers={"If-Match": "latest"}),
    ),
    "invalid field": (NO_SETUP, lambda c: target(c, PACT, "T2", weight=0)),
    "extra field": (NO_SETUP, lambda c: c.post(f"{P}/close", json={"closed_on": "2022-12-31", "force": 1})),
    "malformed body": (
        NO_SETUP,
        lambda c: c.post(
            f"{P}/close", content=b"{closed_on: today}", headers={"content-type": "application/json"}
        ),
    ),
    "chair is deputy": (
        NO_SETUP,
        lambda c: c.post(
            f"{C}/leadership", json={"year": 2022, "chair": "hue", "deputy": "hue", "decision_ref": "QĐ"}
        ),
    ),
    "host flag from a non-holder": (
        lambda c: c.post(f"{C}/host-handovers", json=HANDOVER_11),
        lambda c: c.post(
            f"{C}/host-handovers",
            json={
                **HANDOVER_11,
                "conference_number": 12,
                "year": 2024,
                "from_unit": "nghe-an",
                "to_unit": "ha-tinh",
                "handed_over_on": "2023-05-13",
            },
        ),
    ),
    "write after close": (
        lambda c: c.post(f"{P}/close", json={"closed_on": "2022-12-31"}),
        lambda c: result(c, PACT, "thanh-hoa", "T1", 100),
    ),
    # The merger is recorded on the unit's stream first; the cluster seat it then ends began
    # in 2010, so the whole command fails and the unit's event must not stay behind.
    "merge dated before the seat began": (
        NO_SETUP,
        lambda c: c.post(
            f"{API}/units/quang-binh/merge",
            json={"into": "quang-tri", "effective_on": "2005-01-01", "legal_basis": "NQ 202/2025/QH15"},
        ),
    ),
    "merge into an unknown unit": (
        NO_SETUP,
        lambda c: c.post(
            f"{API}/units/quang-binh/merge",
            json={"into": "atlantis", "effective_on": "2025-07-01", "legal_basis": "NQ 202/2025/QH15"},
        ),
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_nothing_is_partly_written_by_a_refused_write(seeded, name):
    setup, refuse = REFUSED[name]
    if setup is not None:
        assert setup(seeded).status_code == 200
    history, position = events(seeded), log_position(seeded)
    pact, cluster = ok(seeded.get(P)), ok(seeded.get(C))

    response = refuse(seeded)

    assert response.status_code in (400, 409, 412, 422), response.text
    assert events(seeded) == history and log_position(seeded) == position
    assert ok(seeded.get(P)) == pact and ok(seeded.get(C)) == cluster
