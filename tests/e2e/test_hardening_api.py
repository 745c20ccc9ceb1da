"""Issue 11's holes, on both stores: each answered by a 4xx (or 503) problem, never a 500,
and nothing written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.api import API, CLUSTER, PACT, log_position, ok, pact_with_target, problem, result
from tests.e2e.conftest import admin_client

P = f"{API}/pacts/{PACT}"


@pytest.fixture
def both(store_url):
    ledger = make_ledger(store_url)
    with admin_client(ledger) as client:
        pact_with_target(client)
        yield client
    ledger.close()


NUL_READS = [
    (f"{API}/pacts", {"cluster": "\x00"}, "cluster"),
    (f"{API}/pacts", {"cluster": "bac\x00trung"}, "cluster"),
    (f"{API}/events", {"stream_id": "pact:\x00"}, "stream_id"),
    (f"{API}/pacts/%00", None, "path"),
    (f"{API}/units/hue%00", None, "path"),
    (f"{API}/pacts/{PACT}/events", {"type": "a\x00"}, "type"),
]


@pytest.mark.parametrize(("path", "params", "field"), NUL_READS)
def test_a_nul_in_a_path_or_query_value_is_400_on_reads(both, path, params, field):
    # PostgreSQL's text cannot hold NUL: the driver's refusal was a 500 there.
    found = problem(both.get(path, params=params), 400)
    assert found["errors"] == [{"field": field, "reason": "must not contain the NUL character"}]


@pytest.mark.parametrize(
    "path",
    [f"{API}/pacts/%00/signatures", f"{API}/pacts/{PACT}%00/results", f"{API}/units/%00/rename"],
)
def test_a_nul_in_a_path_is_400_on_writes_and_writes_nothing(both, path):
    position = log_position(both)
    body = {"unit_id": "hue", "signed_by": "x", "signed_on": "2022-05-13", "new_name": "x"}
    found = problem(both.post(path, json=body), 400)
    assert found["errors"][0]["field"] == "path"
    found = problem(both.post(f"{API}/pacts", params={"x": "\x00"}, json={}), 400)
    assert found["errors"][0]["field"] == "x"
    assert log_position(both) == position


def test_an_encoded_slash_in_a_path_is_400_not_a_separator(both):
    # /units/hue%2Frename decoded to /units/hue/rename: a rename nobody asked for.
    position = log_position(both)
    body = {"name": "Huế", "province": "Huế", "effective_on": "2023-01-01"}
    found = problem(both.post(f"{API}/units/hue%2Frename", json=body), 400)
    assert found["errors"] == [{"field": "path", "reason": "must not contain an encoded slash (%2F)"}]
    problem(both.get(f"{API}/pacts/{PACT}%2fevents"), 400)
    assert log_position(both) == position


@pytest.mark.parametrize("digits", [19, 4_301, 10_000])
def test_an_if_match_with_too_many_digits_is_400(both, digits):
    # Past 4,300 digits Python's int() refuses the string: that was a 500.
    position = log_position(both)
    found = problem(result(both, PACT, "hue", "T1", 1, headers={"If-Match": f'"{"9" * digits}"'}), 400)
    assert found["errors"] == [{"field": "If-Match", "reason": 'expected an ETag of this API, like "3"'}]
    assert log_position(both) == position
    version = ok(both.get(P))["version"]
    ok(result(both, PACT, "hue", "T1", 1, headers={"If-Match": f'"{version}"'}))


def test_headers_over_the_limit_are_431_on_reads_and_writes(store_url):
    ledger = make_ledger(store_url, max_header_bytes=4_096)
    with admin_client(ledger) as client:
        pact_with_target(client)
        position = log_position(client)
        padding = {"X-Padding": "p" * 5_000}
        found = problem(client.get(P, headers=padding), 431)
        assert "4,096" in found["detail"]
        problem(result(client, PACT, "hue", "T1", 1, headers=padding), 431)
        assert log_position(client) == position
        ok(client.get(P, headers={"X-Padding": "p" * 1_000}))
    ledger.close()


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "Huế\x07", "must not contain control characters"),
        ("province", "Hu\x85ế", "must not contain control characters"),
        ("registered_on", "2022-02-30", None),
        ("registered_on", "9999-12-31", "must be a day from 1945-01-01 to 2199-12-31"),
        ("registered_on", "1900-01-01", "must be a day from 1945-01-01 to 2199-12-31"),
    ],
)
def test_control_characters_and_days_out_of_range_are_422(both, field, value, reason):
    position = log_position(both)
    body = {"id": "hostile", "name": "Sở Công Thương", "province": "Huế", field: value}
    found = problem(both.post(f"{API}/units", json=body), 422)
    assert [e["field"] for e in found["errors"]] == [field]
    assert reason is None or found["errors"][0]["reason"] == reason
    assert log_position(both) == position


def test_a_body_that_is_not_json_is_400_naming_the_body(both):
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"id": "\xff"}', b'{"year": ' + b"9" * 5_000 + b"}"):
        found = problem(
            both.post(f"{API}/units", content=body, headers={"content-type": "application/json"}), 400
        )
        assert found["type"].endswith("/malformed-body") and found["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("field", "items"),
    [("content_items", ["nội dung"] * 201), ("members", ["hue"] * 201)],
)
def test_lists_are_capped_at_200_items(both, field, items):
    position = log_position(both)
    if field == "content_items":
        body = {"id": "gu-2023", "cluster_id": CLUSTER, "title": "GƯ", "proposed_on": "2023-03-01"}
        response = both.post(f"{API}/pacts", json={**body, field: items})
    else:
        body = {
            "id": "c2",
            "name": "Cụm",
            "region": "Miền Trung",
            "members": items,
            "formed_on": "2020-01-01",
        }
        response = both.post(f"{API}/clusters", json=body)
    found = problem(response, 422)
    assert found["errors"][0]["field"] == field and "200" in found["errors"][0]["reason"]
    assert log_position(both) == position


def test_the_database_gone_is_503_with_retry_after_and_readyz_names_no_host(tmp_path, sqlite_url):
    """A store that cannot be reached (a port nothing listens on, a directory that
    cannot hold a file): every API route answers 503 with Retry-After, not 500."""
    gone = [
        "postgresql+psycopg://pacts:secret@127.0.0.1:1/pacts_secret_db",
        f"sqlite:///{tmp_path}/missing-dir/pacts.db",
    ]
    elsewhere = make_ledger(sqlite_url)
    token = issue_key(elsewhere)  # well formed: only the database it is not in can refuse it
    elsewhere.close()
    for url in gone:
        ledger = make_ledger(url)
        if url.startswith("sqlite"):
            (tmp_path / "missing-dir").rmdir()  # the engine made it: make the file unopenable
        # A key the server cannot check without its database: the write fails there.
        with TestClient(create_app(ledger), headers=bearer(token)) as client:
            for response in (
                client.get(f"{API}/pacts"),
                client.get(P),
                client.get(f"{API}/clusters/bac-trung-bo/standings", params={"year": 2022}),
                client.post(f"{API}/units", json={"id": "hue", "name": "Huế", "province": "Huế"}),
            ):
                found = problem(response, 503)
                assert response.headers["retry-after"].isdigit(), url
                assert found["type"].endswith("/database-unavailable")
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
            for secret in ("127.0.0.1", ":1", "pacts_secret_db", "missing-dir", "secret"):
                assert secret not in ready.text
        ledger.close()
