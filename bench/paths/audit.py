"""Path 6: the auditors' paths on a long log: verify, export, and a page of the log over HTTP.

Data: the path-3 workload (~1,000,000 events written through ``MessageBus.handle_many``,
20 pacts per transaction, every event chained by the store as it appends), on SQLite.
Measured each in a child process (``bench.child``), which reports its own peak RSS:

- verify: ``verify_database(split=True)``, as ``pacts verify`` runs it: positions,
  versions, every hash recomputed, in two halves at once (the second in a spawned
  process, whose peak is added);
- export: ``app.audit.export.ndjson`` into a file, as ``pacts export`` writes it;
- page: ``GET /api/v1/events?after=P&limit=1000`` on one uvicorn process, P drawn at
  random (seeded) over the log, sequential requests; p99 of the latencies.

No reference: eventsourcing has no hash chain to verify; the goals are absolute.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench import stores
from bench.paths.http import KEY_SECRET, _server
from bench.paths.rebuild import build_ours, in_child
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log, stopwatch

GOAL_RATE = 100_000
GOAL_MB = 200
GOAL_P99_MS = 50.0
PAGE = 1000


def page_latencies(url: str, head: int, requests: int) -> list[float]:
    """Milliseconds of ``requests`` GETs of a page of PAGE events at seeded random positions."""
    draw = random.Random(6)
    latencies = []
    from app.bootstrap import bootstrap
    from app.services import keys
    from app.settings import Settings

    ledger = bootstrap(Settings(database_url=url, key_secret=KEY_SECRET, signing_key_path=""))
    try:  # reading the log takes an auditor's key
        token, _ack = keys.issue(ledger.bus, KEY_SECRET.encode(), name="bench-auditor", role="auditor")
    finally:
        ledger.close()
    head += 1  # the key's own event
    env = {"DATABASE_URL": url, "PACTS_SIGNING_KEY_PATH": "", "PACTS_KEY_SECRET": KEY_SECRET}
    with (
        tempfile.TemporaryDirectory() as tmp,
        _server("app.api.main:app", env, Path(tmp) / "server.log") as (
            port,
            _,
        ),
    ):
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers=auth) as client:
            for i in range(requests + 5):
                after = draw.randrange(0, max(1, head - PAGE))
                start = time.perf_counter()
                response = client.get("/api/v1/events", params={"after": after, "limit": PAGE})
                elapsed = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                if len(response.json()["items"]) != min(PAGE, head - after):
                    raise RuntimeError(f"a page after {after} is short")
                if i >= 5:  # the first few warm the process up
                    latencies.append(elapsed)
    return latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]


def run(store: str, size: Size, runs: int) -> list[Row]:
    verify = Row("7 verify (whole log)", store, "", "ev/s", goal=f">= {GOAL_RATE:,} ev/s")
    verify_mb = Row("7 verify peak RSS", store, "", "MB", goal=f"<= {GOAL_MB} MB")
    export = Row("7 export (NDJSON)", store, "", "ev/s", goal=f">= {GOAL_RATE:,} ev/s")
    export_mb = Row("7 export peak RSS", store, "", "MB", goal=f"<= {GOAL_MB} MB")
    page = Row("7 GET /events page p99", store, "", "ms", goal=f"<= {GOAL_P99_MS:g} ms")
    with stores.migrated_ledger(store) as (db, ledger):
        with stopwatch() as watch:
            events = build_ours(ledger, size.rebuild_events)
        rate = events / watch.seconds
        log(f"audit {store}: wrote {events:,} events in {watch.seconds:.1f} s ({rate:,.0f} ev/s)")
        ledger.close()
        for r in range(runs):
            for row, row_mb, task in ((verify, verify_mb, "verify"), (export, export_mb, "export")):
                seconds, checked, mb = in_child(task, db.url)
                if checked != events:
                    raise RuntimeError(f"{task} saw {checked:,} events of {events:,}")
                row.runs.append(checked / seconds)
                row_mb.runs.append(mb)
            latencies = page_latencies(db.url, events, size.asof_repeats * 10)
            page.runs.append(p99(latencies))
            log(
                f"audit {store} run {r + 1}/{runs}: verify {verify.runs[-1]:,.0f} ev/s"
                f" ({verify_mb.runs[-1]:,.0f} MB), export {export.runs[-1]:,.0f} ev/s"
                f" ({export_mb.runs[-1]:,.0f} MB), page p99 {page.runs[-1]:.1f} ms"
                f" (median {statistics.median(latencies):.1f} ms)"
            )
    for row in (verify, verify_mb, export, export_mb, page):
        row.workload = f"{events:,} events" if row is not page else f"{events:,} events, {PAGE}/page"
        row.ours = median(row.runs)
    verify.met, export.met = verify.ours >= GOAL_RATE, export.ours >= GOAL_RATE
    verify_mb.met, export_mb.met = verify_mb.ours <= GOAL_MB, export_mb.ours <= GOAL_MB
    page.met = page.ours <= GOAL_P99_MS
    verify_mb.note = "the verifying process plus the one verifying the second half, peaks summed"
    return [verify, verify_mb, export, export_mb, page]
