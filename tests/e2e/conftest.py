"""E2E fixtures: the real app over HTTP, on a migrated SQLite file or on PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from tests.conftest import bearer, issue_key, make_ledger


def admin_client(ledger) -> TestClient:
    """A client of the real app that sends an admin key with every request, as the
    Ministry's emulation office would: writes pass authentication and every right."""
    return TestClient(create_app(ledger), headers=bearer(issue_key(ledger, "admin")))


@pytest.fixture
def client(sqlite_ledger):
    with admin_client(sqlite_ledger) as client:
        yield client


@pytest.fixture
def pg_client(pg_url: str):
    ledger = make_ledger(pg_url)
    with admin_client(ledger) as client:
        yield client
    ledger.close()
