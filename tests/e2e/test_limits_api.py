"""Limits: oversized bodies are 413 before any parsing, oversized metadata headers 422."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_ledger
from tests.e2e import year
from tests.e2e.api import API, PACT, log_position, ok, pact_with_target, problem, result
from tests.e2e.conftest import admin_client

LIMITS = {"max_body_bytes": 2_000, "max_import_body_bytes": 100_000, "max_meta_header_chars": 40}


@pytest.fixture
def small(sqlite_url):
    ledger = make_ledger(sqlite_url, **LIMITS)
    with admin_client(ledger) as client:
        yield client
    ledger.close()


def chunks(data: bytes, size: int = 500):
    """A body sent chunked: no Content-Length for the server to check first."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_body_over_the_limit_is_413_and_writes_nothing(small):
    pact_with_target(small)
    position, pact = log_position(small), ok(small.get(f"{API}/pacts/{PACT}"))
    row = {"unit_id": "hue", "target_code": "T1", "value": 1, "reported_on": "2022-12-15", "source": "BC"}
    big = {**row, "note": "x" * 2_100}
    headers = {"content-type": "application/json"}

    found = problem(small.post(f"{API}/pacts/{PACT}/results", json=big), 413)
    assert found["type"].endswith("/body-too-large") and "2,000 bytes" in found["detail"]
    body = json.dumps(big).encode()
    problem(small.post(f"{API}/pacts/{PACT}/results", content=chunks(body), headers=headers), 413)
    assert log_position(small) == position and ok(small.get(f"{API}/pacts/{PACT}")) == pact
    # Under the limit, sent either way, it is read as usual.
    fits = json.dumps(row).encode()
    ok(small.post(f"{API}/pacts/{PACT}/results", content=chunks(fits, 50), headers=headers))
    assert log_position(small) == position + 1


def test_an_import_has_its_own_larger_limit(small):
    year.set_up(small)
    position = log_position(small)
    batch = f"{API}/pacts/{year.PACT}/results/batch"
    csv = {"content-type": "text/csv"}
    body = year.csv_body(year.rows()[:200])  # about 16 KB: over the usual limit, under the import's
    assert LIMITS["max_body_bytes"] < len(body) < LIMITS["max_import_body_bytes"]

    assert ok(small.post(batch, content=body, headers=csv, params={"number_format": "vi"}))["recorded"] == 200

    huge = year.csv_body(year.rows() * 3)
    assert len(huge) > LIMITS["max_import_body_bytes"]
    problem(small.post(batch, content=huge, headers=csv, params={"number_format": "vi"}), 413)
    problem(small.post(batch, content=chunks(huge, 8_192), headers=csv, params={"number_format": "vi"}), 413)
    assert log_position(small) == position + 200


@pytest.mark.parametrize("header", ["X-Actor", "X-Reason", "X-Correlation-ID"])
def test_metadata_headers_are_capped(small, header):
    pact_with_target(small)
    position, pact = log_position(small), ok(small.get(f"{API}/pacts/{PACT}"))
    long = "Sở Công Thương Thừa Thiên Huế, phòng Kế hoạch".encode()  # 46 characters, more bytes

    found = problem(result(small, PACT, "hue", "T1", 1, headers={header: long}), 422)

    assert found["errors"] == [{"field": header, "reason": "at most 40 characters"}]
    assert log_position(small) == position and ok(small.get(f"{API}/pacts/{PACT}")) == pact
    ok(result(small, PACT, "hue", "T1", 1, headers={header: "Sở Công Thương Huế".encode()}))
    assert small.get(f"{API}/pacts/{PACT}", headers={header: long}).status_code == 200  # reads carry none
