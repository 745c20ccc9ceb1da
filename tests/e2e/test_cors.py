"""CORS: browser apps on the origins of PACTS_CORS_ORIGINS may call the API; others may not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.demo import load_demo
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.api import API, problem

ALLOWED = "https://thidua.moit.example.vn"
OTHER = "https://evil.example.com"
STANDINGS = f"{API}/clusters/bac-trung-bo/standings?year=2022"


@pytest.fixture
def ledger_with_origins(sqlite_url):
    ledger = make_ledger(sqlite_url, cors_origins=f"{ALLOWED}, http://localhost:5173")
    load_demo(ledger)
    yield ledger
    ledger.close()


def preflight(client: TestClient, origin: str, method: str = "POST", headers: str = "") -> object:
    request = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request["Access-Control-Request-Headers"] = headers
    return client.options(f"{API}/pacts/btb-2022/results", headers=request)


def test_a_preflight_from_an_allowed_origin_names_what_the_api_reads(ledger_with_origins):
    with TestClient(create_app(ledger_with_origins)) as client:
        response = preflight(
            client, ALLOWED, headers="authorization, content-type, if-match, idempotency-key"
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert {"GET", "POST", "DELETE"} <= set(response.headers["access-control-allow-methods"].split(", "))
        allowed = response.headers["access-control-allow-headers"].lower()
        for header in ("authorization", "if-match", "if-none-match", "idempotency-key", "x-reason"):
            assert header in allowed
        assert int(response.headers["access-control-max-age"]) > 0


def test_a_preflight_from_another_origin_is_refused_with_a_problem(ledger_with_origins):
    with TestClient(create_app(ledger_with_origins)) as client:
        response = preflight(client, OTHER)
        body = problem(response, 400)
        assert "origin" in body["detail"]
        assert "access-control-allow-origin" not in response.headers
        # A header the API does not read is refused too, from an allowed origin.
        assert "headers" in problem(preflight(client, ALLOWED, headers="x-unknown"), 400)["detail"]


def test_simple_requests_expose_the_headers_a_frontend_needs_to_allowed_origins_only(ledger_with_origins):
    token = issue_key(ledger_with_origins, "admin")
    with TestClient(create_app(ledger_with_origins)) as client:
        read = client.get(STANDINGS, headers={"Origin": ALLOWED})
        assert read.status_code == 200
        assert read.headers["access-control-allow-origin"] == ALLOWED
        exposed = {h.strip().lower() for h in read.headers["access-control-expose-headers"].split(",")}
        assert {"etag", "location", "link", "idempotent-replayed"} <= exposed
        assert "origin" in read.headers["vary"].lower()
        # A 304 and an error carry them too: the browser hands both to the app.
        revalidated = client.get(
            STANDINGS, headers={"Origin": ALLOWED, "If-None-Match": read.headers["etag"]}
        )
        assert revalidated.status_code == 304
        assert revalidated.headers["access-control-allow-origin"] == ALLOWED
        refused = client.post(f"{API}/units", json={}, headers={"Origin": ALLOWED})
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == ALLOWED
        created = client.post(
            f"{API}/units",
            json={"id": "can-tho", "name": "Sở Công Thương Cần Thơ", "province": "Cần Thơ"},
            headers={"Origin": ALLOWED, **bearer(token)},
        )
        assert created.status_code == 201
        assert created.headers["access-control-allow-origin"] == ALLOWED

        other = client.get(STANDINGS, headers={"Origin": OTHER})
        assert other.status_code == 200  # the server answers; the browser keeps it from the page
        assert "access-control-allow-origin" not in other.headers


def test_no_origin_is_allowed_by_default(sqlite_url):
    ledger = make_ledger(sqlite_url)
    load_demo(ledger)
    with TestClient(create_app(ledger)) as client:
        read = client.get(STANDINGS, headers={"Origin": ALLOWED})
        assert read.status_code == 200
        assert not any(name.startswith("access-control-") for name in read.headers)
        assert preflight(client, ALLOWED).status_code == 405
    ledger.close()
