"""Group commit over HTTP: a full queue answers 503, and a server killed mid-group loses
nothing it acknowledged."""

from __future__ import annotations

import signal
import threading
import time

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.audit.verify import verify_database
from app.events.schema import events
from app.services.write_queue import Job
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.servers import served
from tests.integration import world

RESULTS = f"/api/v1/pacts/{world.PACT}/results"


def test_a_full_write_queue_answers_503_with_retry_after_and_records_nothing(store_url):
    ledger = make_ledger(store_url, write_queue_max=1, write_retry_after=3)
    world.build(ledger.bus)
    release = threading.Event()
    try:
        with TestClient(create_app(ledger), headers=bearer(issue_key(ledger, "admin"))) as client:
            head = ledger.store.last_position(ledger.engine.connect())
            blocker = threading.Thread(target=ledger.bus.queue.submit, args=(Job(release.wait, alone=True),))
            blocker.start()
            while ledger.bus.queue.waiting or not ledger.bus.queue.writing:
                time.sleep(0.001)
            answers: list[httpx.Response] = []
            waiting = threading.Thread(
                target=lambda: answers.append(client.post(RESULTS, json=world.result_body("ha-tinh", 50)))
            )
            waiting.start()
            while not ledger.bus.queue.waiting:
                time.sleep(0.001)

            refused = client.post(RESULTS, json=world.result_body("nghe-an", 51))

            release.set()
            waiting.join(10)
            blocker.join(10)
    finally:
        release.set()
        ledger.close()
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "3"
    assert refused.json()["type"].endswith("/write-queue-full")
    assert answers[0].status_code == 200
    assert answers[0].json()["position"] == head + 1  # the refused write took no position


def test_a_server_killed_mid_group_loses_nothing_it_acknowledged(store_url):
    ledger = make_ledger(store_url)
    world.build(ledger.bus)
    headers = bearer(issue_key(ledger, "admin"))
    ledger.close()
    acked: list[tuple[int, str, int, float]] = []
    stop = threading.Event()

    def client(n: int, base: str) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            i = 0
            while not stop.is_set():
                unit, value = world.MEMBERS[(n + i) % 3], float(n * 1000 + i)
                try:
                    answer = http.post(RESULTS, json=world.result_body(unit, value))
                except httpx.HTTPError:
                    return  # the server is gone: this write was never acknowledged
                if answer.status_code == 200:
                    body = answer.json()
                    acked.append((body["position"], body["id"], body["version"], value))
                i += 1

    with served(store_url) as (base, process):
        threads = [threading.Thread(target=client, args=(n, base)) for n in range(16)]
        for thread in threads:
            thread.start()
        while len(acked) < 150:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(15)
    assert len(acked) >= 150
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            cols = (events.c.position, events.c.stream_id, events.c.version, events.c.data)
            log = {row.position: row for row in conn.execute(sa.select(*cols))}
            assert sorted(log) == list(range(1, len(log) + 1))  # gapless
            for position, pact_id, version, value in acked:
                row = log[position]
                assert (row.stream_id, row.version) == (f"pact:{pact_id}", version)
                assert float(row.data["value"]) == value
            report = verify_database(conn)
            assert report.problem is None, report.problem
    finally:
        engine.dispose()
