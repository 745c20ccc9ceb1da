"""A year's results in one import: all rows or none, every bad row named, numbers never guessed."""

from __future__ import annotations

import json

import pytest

from tests.e2e import year
from tests.e2e.api import API, events, invalid, log_position, ok, problem

BATCH = f"{API}/pacts/{year.PACT}/results/batch"
CSV = {"content-type": "text/csv; charset=utf-8"}


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request):
    client = request.getfixturevalue("client" if request.param == "sqlite" else "pg_client")
    year.set_up(client)
    return client


def read_models(client) -> tuple[dict, dict, int]:
    """What a refused import must leave as it was: the pact, its scores, the log's end."""
    pact = ok(client.get(f"{API}/pacts/{year.PACT}"))
    return pact, ok(client.get(f"{API}/pacts/{year.PACT}/scores")), log_position(client)


def test_a_year_of_34_provinces_imports_in_one_transaction(api):
    before = log_position(api)

    response = api.post(
        BATCH, params={"number_format": "vi"}, content=year.csv_body(year.rows()), headers=CSV
    )

    answer = ok(response)
    assert (answer["id"], answer["rows"], answer["recorded"], answer["dry_run"]) == (
        year.PACT,
        408,
        408,
        False,
    )
    assert answer["version"] == 1 + 12 + 408 and response.headers["etag"] == f'"{answer["version"]}"'
    assert answer["position"] == before + 408 == log_position(api)
    recorded = [e for e in events(api, year.PACT) if e["type"] == "ResultRecorded"]
    assert len(recorded) == 408
    # One batch: contiguous positions, one commit time, one request.
    assert [e["position"] for e in recorded] == list(range(before + 1, before + 409))
    assert len({e["recorded_at"] for e in recorded}) == 1
    assert len({e["metadata"]["correlation_id"] for e in recorded}) == 1
    pact = ok(api.get(f"{API}/pacts/{year.PACT}"))
    values = {(r["unit_id"], r["target_code"]): r for r in pact["results"]}
    assert len(values) == 408
    for i, unit_id in enumerate(year.UNITS):
        for k, code in enumerate(year.TARGETS):
            assert values[unit_id, code]["value"] == float(year.expected_value(i, k))
    sent = {
        (u, code): year.vietnamese(year.expected_value(i, k), (i + k) % 3)
        for i, u in enumerate(year.UNITS)
        for k, code in enumerate(year.TARGETS)
    }
    assert {
        (e["data"]["unit_id"], e["data"]["target_code"]): e["data"]["reported_as"] for e in recorded
    } == sent
    assert values["ha-noi", "CT01"]["note"] == "số liệu ước, chờ thống kê"
    assert values["ha-noi", "CT02"]["note"] is None
    assert values["ha-noi", "CT01"]["source"] == "Báo cáo tổng kết năm 2025, Sở Công Thương"
    standings = ok(api.get(f"{API}/clusters/{year.CLUSTER}/standings", params={"year": 2025}))["standings"]
    assert len(standings) == 34 and all(s["missing"] == [] for s in standings)
    # An Giang (the 34th) reports the most on every target: all at or over 1,000.
    assert standings[0]["unit_id"] == "an-giang" and standings[0]["score"] == 100.0


def at(row: int) -> str:
    """The unit and target a row of year.rows() is about, as CSV cells."""
    return f"{year.UNITS[(row - 1) // 12]},{year.TARGETS[(row - 1) % 12]}"


def test_one_bad_row_is_named_and_nothing_is_written(api):
    before = read_models(api)
    lines = year.rows(bad={17: 'hue,CT13,"12,5",2025-12-31,Báo cáo,'})  # the pact has 12 targets

    found = invalid(
        api.post(BATCH, params={"number_format": "vi"}, content=year.csv_body(lines), headers=CSV),
        "target_code",
    )

    assert [(e["row"], e["field"]) for e in found["errors"]] == [(17, "target_code")]
    assert found["type"].endswith("/invalid-rows") and found["detail"].startswith("1 of 408 rows")
    assert read_models(api) == before


def test_every_bad_row_is_listed_and_nothing_is_written(api):
    before = read_models(api)
    bad = {
        3: f'{at(3)},"mười hai",2025-12-31,Báo cáo,',  # not a number
        40: f'{at(40)},"1.850",2025-12-31,Báo cáo,',  # ambiguous, and no format declared
        41: f'{at(41)},"7,5",2025-02-30,Báo cáo,',  # no such day
        100: 'nghe-an,CT99,"7,5",2025-12-31,Báo cáo,',  # no such target
        200: 'atlantis,CT01,"7,5",2025-12-31,Báo cáo,',  # not a party
        300: f'{at(300)},"7,5",2025-01-01,Báo cáo,',  # before the pact was proposed
        301: f'{at(301)},"7,5",2025-12-31,,',  # no source
        302: f"{at(302)},1",  # too few cells
        303: f'{at(1)},"7,5",2025-12-31,Báo cáo,',  # row 1's unit and target again
    }
    body = year.csv_body(year.rows(bad=bad))

    found = problem(api.post(BATCH, content=body, headers=CSV), 422)

    assert [(e["row"], e["field"]) for e in found["errors"]] == [
        (3, "value"),
        (40, "value"),
        (41, "reported_on"),
        (100, "target_code"),
        (200, "unit_id"),
        (300, "reported_on"),
        (301, "source"),
        (302, "row"),
        (303, "target_code"),
    ]
    assert "declare number_format" in found["errors"][1]["reason"]
    assert "row 1 already has" in found["errors"][-1]["reason"]
    assert "row 1 already has" in found["errors"][-1]["reason"]
    assert found["detail"] == "9 of 408 rows are invalid; nothing was recorded"
    assert read_models(api) == before


def test_numbers_are_read_in_the_declared_format_never_guessed(api):
    def body(*values: str) -> dict:
        return {
            "results": [
                {"unit_id": u, "target_code": "CT01", "value": v, "reported_on": "2025-12-31", "source": "BC"}
                for u, v in zip(year.UNITS, values, strict=False)
            ]
        }

    ambiguous = invalid(api.post(BATCH, json=body("1.234,5", "1.850", "1,850")), "value")
    assert [(e["row"], e["field"]) for e in ambiguous["errors"]] == [(2, "value"), (3, "value")]
    ok(api.post(BATCH, json={**body("1.234,5", "1.850", "1,850"), "number_format": "vi"}))
    ok(api.post(BATCH, json={**body("1,234.5", "1.850", "1,850"), "number_format": "en"}))
    invalid(api.post(BATCH, json={**body("1.234,5"), "number_format": "en"}), "value")
    ok(api.post(BATCH, json={"results": [{**body("x")["results"][0], "value": 1850}]}))  # a JSON number
    results = [e["data"] for e in events(api, year.PACT) if e["type"] == "ResultRecorded"]
    assert [r["value"] for r in results] == [1234.5, 1850.0, 1.85, 1234.5, 1.85, 1850.0, 1850.0]


def test_a_dry_run_checks_every_row_and_writes_nothing(api):
    before = read_models(api)
    query = {"number_format": "vi", "dry_run": "true"}

    answer = ok(api.post(BATCH, params=query, content=year.csv_body(year.rows()), headers=CSV))

    assert (answer["rows"], answer["recorded"], answer["dry_run"]) == (408, 0, True)
    assert answer["version"] == 13 and answer["position"] is None
    assert read_models(api) == before
    lines = year.rows(bad={5: 'ha-noi,CT05,"1",2099-01-01,BC,'})
    found = invalid(api.post(BATCH, params=query, content=year.csv_body(lines), headers=CSV), "reported_on")
    assert found["errors"][0]["row"] == 5 and "future" in found["errors"][0]["reason"]
    assert read_models(api) == before


def test_csv_forms_a_spreadsheet_may_write(client):
    year.set_up(client)
    semicolons = "unit_id;target_code;value;reported_on;source\nha-noi;CT01;1.234,5;2025-12-31;BC\n"
    answer = ok(client.post(BATCH, params={"number_format": "vi"}, content=semicolons.encode(), headers=CSV))
    assert answer["recorded"] == 1
    reordered = (
        'source,value,unit_id,target_code,reported_on\nBC,"12,5%",hue,CT01,2025-12-31\n\n'
        "BC,7,hue,CT02,2025-12-31\n"
    )
    assert ok(client.post(BATCH, content=reordered.encode(), headers=CSV))["recorded"] == 2
    values = {
        (r["unit_id"], r["target_code"]): r["value"]
        for r in ok(client.get(f"{API}/pacts/{year.PACT}"))["results"]
    }
    assert values == {("ha-noi", "CT01"): 1234.5, ("hue", "CT01"): 12.5, ("hue", "CT02"): 7.0}


def test_an_unreadable_import_is_refused_as_a_whole(client):
    year.set_up(client)
    before = read_models(client)
    good = year.csv_body(year.rows()[:2])

    def post(content: bytes, headers=CSV, **params):
        return client.post(BATCH, content=content, headers=headers, params=params)

    assert problem(post(b"unit_id,value\nha-noi,1\n"), 422)["errors"][0]["field"] == "header_row"
    invalid(post(year.HEADER.encode() + b"\n"), "results")
    assert problem(post("đ".encode("cp1258")), 400)["type"].endswith("/malformed-body")
    invalid(post(b'{"results": []}', {"content-type": "application/json"}), "results")
    invalid(post(b'{"rows": [1]}', {"content-type": "application/json"}), "results", "rows")
    problem(post(b"[1, 2]", {"content-type": "application/json"}), 400)
    problem(post(b"{not json", {"content-type": "application/json"}), 400)
    bad_item = json.dumps({"results": [7]}).encode()
    found = problem(post(bad_item, {"content-type": "application/json"}), 422)
    assert found["errors"] == [
        {"row": 1, "field": "row", "reason": "must be an object with the fields of one result"}
    ]
    row = {"unit_id": "hue", "target_code": "CT01", "value": 1, "reported_on": "2025-12-31", "source": "BC"}
    declared_twice = json.dumps({"number_format": "vi", "results": [row]}).encode()
    invalid(post(declared_twice, {"content-type": "application/json"}, number_format="en"), "number_format")
    assert problem(post(good, {"content-type": "application/xml"}), 415)["type"].endswith(
        "/unsupported-media-type"
    )
    problem(client.post(f"{API}/pacts/khong-co/results/batch", content=good, headers=CSV), 404)
    problem(post(good, {**CSV, "If-Match": '"3"'}), 412)
    ok(client.post(f"{API}/pacts/{year.PACT}/close", json={"closed_on": "2025-12-31"}))
    closed = problem(post(good), 409)
    assert closed["type"].endswith("/pact-closed")
    assert read_models(client)[0]["results"] == before[0]["results"] == []


def test_if_match_guards_the_whole_import(client):
    year.set_up(client)
    good = year.csv_body(year.rows()[:3])
    answer = ok(
        client.post(BATCH, content=good, headers={**CSV, "If-Match": '"13"'}, params={"number_format": "vi"})
    )
    assert answer["version"] == 16
    problem(
        client.post(BATCH, content=good, headers={**CSV, "If-Match": '"13"'}, params={"number_format": "vi"}),
        412,
    )
