"""Concurrent writers over HTTP with tailing readers, against `pacts serve` (4 processes on
PostgreSQL, 1 on SQLite): positions gapless and in commit order, every acknowledged
(position, version) in the log, each stream's versions contiguous, no reader ever skips
an event, and the read models equal what `pacts rebuild` makes of the log."""

from __future__ import annotations

import threading
import time

import httpx

from tests.reliability.live import (
    API,
    admin_headers,
    check_log,
    log_rows,
    read_models,
    rebuild,
    record,
    scale,
    server,
)


def _writer(base: str, headers: dict, me: int, writes: int, acks: list, failures: list) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for j in range(writes):
            if j % 3 == 2:  # every writer also appends to one shared stream
                stream = "unit:dung-chung"
                body = {"name": f"Sở Công Thương {me}-{j}", "province": "Huế", "effective_on": "2025-07-01"}
                response = client.post(f"{API}/units/dung-chung/rename", json=body)
            else:
                unit = f"w{me}-{j}"
                stream = f"unit:{unit}"
                body = {"id": unit, "name": f"Sở Công Thương {unit}", "province": "Thừa Thiên Huế"}
                response = client.post(f"{API}/units", json=body)
            if response.status_code // 100 != 2:
                failures.append((response.status_code, response.text[:300]))
                continue
            answer = response.json()
            acks.append((answer["position"], stream, answer["version"]))


def _tail(base: str, headers: dict, stop: threading.Event, seen: list, skips: list) -> None:
    """Reads the log from the start, page by page, as a projection would: each page must
    continue exactly where the last one ended."""
    after = 0
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        while True:
            finished = stop.is_set()  # read before the page: the last page comes after the last write
            items = client.get(f"{API}/events", params={"after": after, "limit": 1000}).json()["items"]
            for item in items:
                if item["position"] != after + 1:
                    skips.append((after, item["position"]))
                after = item["position"]
                seen.append(after)
            if finished and not items:
                return
            if not items:
                time.sleep(0.01)


def test_concurrent_writers_and_tailing_readers(store_url, tmp_path):
    headers = admin_headers(store_url)
    postgres = store_url.startswith("postgresql")
    writers = scale(16, 32) if postgres else scale(8, 16)
    writes = scale(30, 300)
    with server(store_url, tmp_path / "serve.log") as (_proc, base):
        with httpx.Client(base_url=base, headers=headers) as client:
            body = {"id": "dung-chung", "name": "Sở Công Thương dùng chung", "province": "Huế"}
            assert client.post(f"{API}/units", json=body).status_code == 201
        before = len(log_rows(store_url))
        acks: list = []
        failures: list = []
        stop = threading.Event()
        readers = [([], []) for _ in range(2)]
        tails = [threading.Thread(target=_tail, args=(base, headers, stop, *r)) for r in readers]
        threads = [
            threading.Thread(target=_writer, args=(base, headers, i, writes, acks, failures))
            for i in range(writers)
        ]
        started = time.monotonic()
        for thread in tails + threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        stop.set()
        for thread in tails:
            thread.join(120)
        rows = log_rows(store_url)

        assert failures == []
        check_log(rows)
        assert len(acks) == writers * writes == len(rows) - before  # one event per 2xx, no more
        assert set(acks) <= set(rows)  # every acknowledged (position, stream, version) is there
        for seen, skips in readers:
            assert skips == []
            assert seen == [r[0] for r in rows]
        models = read_models(store_url)
        rebuild(store_url)
        assert read_models(store_url) == models
    store = "postgresql" if postgres else "sqlite"
    record(
        f"concurrency-{store}",
        writers=writers,
        acknowledged_writes=len(acks),
        seconds=round(seconds, 2),
        writes_per_second=round(len(acks) / seconds, 1),
        tailing_readers=len(readers),
        reader_skips=0,
        log_events=len(rows),
    )
