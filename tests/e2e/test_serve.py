"""`pacts serve` as operators run it: a separate process, stopped by a signal, several workers."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import KEY_SECRET, bearer, issue_key, make_ledger
from tests.e2e.servers import serving

UNIT = {"id": "ha-tinh", "name": "Sở Công Thương Hà Tĩnh", "province": "Hà Tĩnh"}


def _json_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def _waiting_for_a_lock(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(pg_url, tmp_path):
    log = tmp_path / "serve.log"
    issuer = make_ledger(pg_url)
    token = issue_key(issuer)
    issuer.close()
    locker = sa.create_engine(pg_url)
    try:
        with serving(pg_url, log, PACTS_KEY_SECRET=KEY_SECRET) as (proc, base), locker.connect() as lock:
            # Hold the log's write lock: the write below waits for it, mid-transaction.
            lock.execute(sa.text("SELECT last_position FROM event_log_head WHERE id = 1 FOR UPDATE"))
            answer: dict[str, httpx.Response] = {}
            post = threading.Thread(
                target=lambda: answer.update(
                    r=httpx.post(
                        f"{base}/api/v1/units",
                        json=UNIT,
                        headers={"X-Correlation-ID": "stop-1", **bearer(token)},
                        timeout=60,
                    )
                )
            )
            post.start()
            deadline = time.monotonic() + 20
            while not _waiting_for_a_lock(pg_url):
                assert time.monotonic() < deadline, "the write never reached the database"
                time.sleep(0.1)

            proc.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            still_serving_its_request = proc.poll() is None
            lock.rollback()  # the write may go on now
            post.join(30)
            exit_code = proc.wait(30)

        assert still_serving_its_request
        assert answer["r"].status_code == 201, answer["r"].text
        assert answer["r"].headers["x-correlation-id"] == "stop-1"
        assert exit_code == 0, log.read_text()[-3000:]
        engine = sa.create_engine(pg_url)
        with engine.connect() as conn:
            events = conn.execute(sa.text("SELECT type FROM events ORDER BY position")).scalars().all()
            names = conn.execute(sa.text("SELECT name FROM rm_units")).scalars().all()
        engine.dispose()
        assert (events, names) == (["ApiKeyCreated", "UnitRegistered"], ["Sở Công Thương Hà Tĩnh"])
        lines = _json_lines(log)
        (write,) = [line for line in lines if line["message"] == "write"]
        (request,) = [line for line in lines if line.get("route") == "/api/v1/units"]
        assert (write["command"], write["stream"], write["correlation_id"]) == (
            "RegisterUnit",
            "unit:ha-tinh",
            "stop-1",
        )
        assert (request["status"], request["correlation_id"]) == (201, "stop-1")
        # Answered, then shut down: the write, its request, then uvicorn's goodbye.
        order = [line["message"] for line in lines]
        assert order.index("write") < order.index("request", order.index("write"))
    finally:
        locker.dispose()


def test_metrics_are_summed_over_the_workers(sqlite_url, tmp_path):
    log, metrics_dir = tmp_path / "serve.log", tmp_path / "metrics"
    requests = 24
    with serving(sqlite_url, log, "--workers", "2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as (
        proc,
        base,
    ):
        for _ in range(requests):  # a new connection each: either worker may take it
            assert httpx.get(f"{base}/healthz").status_code == 200
        scraped = []
        for _ in range(6):
            text = httpx.get(f"{base}/metrics").text
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name == "pacts_http_requests_total" and sample.labels["route"] == "/healthz":
                        scraped.append(sample.value)
        pids = {name.rsplit("_", 1)[-1] for name in os.listdir(metrics_dir) if name.startswith("counter_")}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0

    assert scraped == [requests] * 6
    assert len(pids) >= 2, pids  # each worker counted in its own file
    # A worker ends by its re-raised SIGTERM, which skips atexit: no line may wait for it.
    lines = _json_lines(log)
    assert len([line for line in lines if line.get("route") == "/healthz"]) == requests
    finished = {line["pid"] for line in lines if line["message"].startswith("Finished server process")}
    assert {int(pid.removesuffix(".db")) for pid in pids} <= finished
