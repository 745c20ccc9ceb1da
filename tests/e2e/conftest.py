"""E2E fixtures: the real app over HTTP, on a migrated SQLite file or on PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from tests.conftest import make_ledger


@pytest.fixture
def client(sqlite_ledger):
    with TestClient(create_app(sqlite_ledger)) as client:
        yield client


@pytest.fixture
def pg_client(pg_url: str):
    ledger = make_ledger(pg_url)
    with TestClient(create_app(ledger)) as client:
        yield client
    ledger.close()
