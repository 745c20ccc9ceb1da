"""Idempotency-Key over HTTP, on both stores: retries replay, byte for byte, and write nothing."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.db import write_connection
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.api import problem
from tests.e2e.servers import CRASHED, served
from tests.integration import world

RESULTS = f"/api/v1/pacts/{world.PACT}/results"


def _log(ledger) -> tuple[int, int]:
    """(log position, idempotency records)."""
    with ledger.engine.connect() as conn:
        records = conn.exec_driver_sql("select count(*) from idempotency_records").scalar_one()
        return ledger.store.last_position(conn), records


@pytest.fixture
def api(ledger):
    world.build(ledger.bus)
    with TestClient(create_app(ledger), headers=bearer(issue_key(ledger, "admin"))) as client:
        yield client


def test_a_retried_proposal_without_an_id_makes_one_pact_and_replays_the_answer(api, ledger):
    body = {
        "cluster_id": world.CLUSTER,
        "title": "Giao ước thi đua năm 2026",
        "year": 2026,
        "proposed_on": "2026-03-15",
    }
    first = api.post("/api/v1/pacts", json=body, headers={"Idempotency-Key": "de-xuat-2026"})
    after = _log(ledger)

    again = api.post("/api/v1/pacts", json=body, headers={"Idempotency-Key": "de-xuat-2026"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"] == f"/api/v1/pacts/{first.json()['id']}"
    assert again.headers["etag"] == first.headers["etag"] == '"1"'
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert _log(ledger) == after
    pacts = api.get("/api/v1/pacts", params={"cluster": world.CLUSTER, "year": 2026}).json()["items"]
    assert [p["id"] for p in pacts] == [first.json()["id"]]


def test_the_same_key_with_another_body_or_path_is_refused_and_writes_nothing(api, ledger):
    api.post(RESULTS, json=world.result_body(value=97.5), headers={"Idempotency-Key": "kq-1"})
    before = _log(ledger)

    other_body = api.post(RESULTS, json=world.result_body(value=98), headers={"Idempotency-Key": "kq-1"})
    other_path = api.post(
        "/api/v1/pacts/btb-2022/awards",
        json={"recipient_unit": "ha-tinh", "title": "Cờ", "conferred_by": "Bộ", "granted_on": "2022-12-20"},
        headers={"Idempotency-Key": "kq-1"},
    )

    for response in (other_body, other_path):
        body = problem(response, 422)
        assert body["type"].endswith("/idempotency-key-reused")
        assert body["errors"] == [{"field": "Idempotency-Key", "reason": "already used for another request"}]
    assert _log(ledger) == before


def test_a_key_is_one_holders_own(api, ledger):
    other = bearer(issue_key(ledger, "integration", name="he-thong-bao-cao"))
    api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-1"})

    theirs = api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-1", **other})

    assert theirs.status_code == 200 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["version"] == 4


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "khóa-1", "a\tb"])
def test_a_malformed_key_is_a_400_naming_the_header(api, ledger, value):
    before = _log(ledger)

    response = api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": value.encode()})

    body = problem(response, 400)
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert _log(ledger) == before


def test_the_structured_field_form_names_the_same_key(api):
    api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-7"})
    quoted = api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": '"kq-7"'})
    assert quoted.headers["idempotent-replayed"] == "true"


def test_a_retry_while_the_first_request_runs_is_a_409(api, ledger):
    holder = write_connection(ledger.engine)  # holds the log lock: the first request waits on it
    holder.begin()
    ledger.store.lock(holder)
    first: list[httpx.Response] = []
    thread = threading.Thread(
        target=lambda: first.append(
            api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-9"})
        )
    )
    try:
        thread.start()
        deadline = time.monotonic() + 10
        while not ledger.bus.records.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ledger.bus.records.in_flight, "the first request never started"

        second = api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-9"})
    finally:
        holder.rollback()
        holder.close()
        thread.join(30)

    body = problem(second, 409)
    assert body["type"].endswith("/idempotency-key-in-flight") and second.headers["retry-after"] == "1"
    assert first[0].status_code == 200 and "idempotent-replayed" not in first[0].headers
    third = api.post(RESULTS, json=world.result_body(), headers={"Idempotency-Key": "kq-9"})
    assert third.content == first[0].content and third.headers["idempotent-replayed"] == "true"
    assert _log(ledger)[1] == 1


def test_a_crash_after_the_commit_loses_no_answer(store_url):
    """The server dies between its commit and its answer; the client retries on a new server."""
    ledger = make_ledger(store_url)
    try:
        world.build(ledger.bus)
        headers = {**bearer(issue_key(ledger, "integration")), "Idempotency-Key": "nop-ket-qua-2022"}
        before, _ = _log(ledger)

        with served(store_url, crash_after_commit=True) as (base, process):
            with pytest.raises(httpx.TransportError):  # the connection drops: no answer
                httpx.post(base + RESULTS, json=world.result_body(), headers=headers, timeout=30)
            assert process.wait(30) == CRASHED
        committed, records = _log(ledger)
        assert (committed, records) == (before + 1, 1)  # the write and its answer are both there

        with served(store_url) as (base, _process):
            retry = httpx.post(base + RESULTS, json=world.result_body(), headers=headers, timeout=30)
            again = httpx.post(base + RESULTS, json=world.result_body(), headers=headers, timeout=30)

        assert retry.status_code == 200 and retry.headers["idempotent-replayed"] == "true"
        assert retry.json() == {"id": world.PACT, "version": 3, "position": committed}
        assert retry.headers["etag"] == '"3"' and again.content == retry.content
        assert _log(ledger) == (committed, 1)  # nothing written twice
    finally:
        ledger.close()
