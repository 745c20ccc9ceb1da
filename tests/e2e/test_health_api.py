"""Probes: liveness without I/O, readiness that checks the database and its migrations."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from tests.conftest import make_ledger


@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_healthz_answers_ok_at_the_root_and_under_the_api(client, prefix):
    response = client.get(f"{prefix}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_readyz_is_ready_on_a_migrated_database(client, prefix):
    response = client.get(f"{prefix}/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["database"] == "reachable"
    assert body["migration"] == client.app.state.ledger.migration_head


def test_readyz_is_unavailable_on_a_database_never_migrated(tmp_path):
    ledger = make_ledger(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with TestClient(create_app(ledger)) as client:
            response = client.get("/readyz")
            assert response.status_code == 503
            body = response.json()
            assert body["status"] == "unavailable" and body["migration"] is None
            # Liveness does not care about the database.
            assert client.get("/healthz").status_code == 200
    finally:
        ledger.close()


def test_readyz_is_unavailable_when_the_database_is_unreachable():
    # Port 1 on localhost refuses connections at once: no server, no wait.
    ledger = make_ledger("postgresql+psycopg://postgres@127.0.0.1:1/pacts")
    try:
        with TestClient(create_app(ledger)) as client:
            response = client.get("/readyz")
            assert response.status_code == 503
            body = response.json()
            assert body["status"] == "unavailable" and body["database"] == "unreachable"
    finally:
        ledger.close()
