"""Path 6: a year's results imported over HTTP, one CSV of 10,000 rows in one POST.

One uvicorn process (as path 5 runs it) on a SQLite database holding a cluster
of 100 departments and, per run, a pact with 100 targets (10,000 unit-target
pairs: an import holds one result per pair). The client posts the CSV,
Vietnamese number forms with ``number_format=vi``, to
``/api/v1/pacts/{id}/results/batch`` and waits for the answer: the time is the
whole request, reading and checking every row, the one transaction that
records them (read models included, fsynced) and the answer. One warm-up
import first, untimed. No reference: the eventsourcing library has no HTTP
side; path 2 is the same write in-process.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import httpx

from app.domain import commands as c
from bench import stores
from bench.paths.http import KEY_SECRET, _server
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log, stopwatch

GOAL_MS = 500.0
UNITS = 100
CLUSTER = "c-import"
HEADER = "unit_id,target_code,value,reported_on,source,note"


def unit_id(i: int) -> str:
    return f"u{i:05d}"


def pact_id(r: int) -> str:
    return f"import-{r}"


def _vi(value: float) -> str:
    """1036.5 -> "1.036,5", as a Vietnamese report writes it."""
    whole, _, decimals = f"{value:.1f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + decimals


def csv_body(r: int, targets: int) -> bytes:
    year = 2000 + r
    lines = [HEADER]
    for k in range(targets):
        for i in range(UNITS):
            value = _vi(900 + (i * 37 + k * 11) % 300 + 0.5)
            lines.append(f'{unit_id(i)},T{k + 1:03d},"{value}",{year}-12-01,Báo cáo tổng kết năm {year},')
    return ("\n".join(lines) + "\n").encode()


def setup(url: str, runs: int, targets: int) -> str:
    """The database, and the integration key the imports are sent with (as `pacts push` does)."""
    from app import migrations
    from app.bootstrap import bootstrap
    from app.services import keys
    from app.settings import Settings

    migrations.upgrade(url)
    ledger = bootstrap(Settings(database_url=url, key_secret=KEY_SECRET, signing_key_path=""))
    try:
        members = tuple(unit_id(i) for i in range(UNITS))
        founding = [
            *(c.RegisterUnit(id=u, name=f"Sở Công Thương {u}", province=u) for u in members),
            c.FormCluster(
                id=CLUSTER, name="Cụm thi đua", region="Cả nước", members=members, formed_on=date(1999, 1, 1)
            ),
        ]
        ledger.bus.handle_many(founding)
        for r in range(-1, runs):  # -1: the warm-up's pact
            year = 2000 + r
            ledger.bus.handle_many(
                [
                    c.ProposePact(
                        id=pact_id(r),
                        cluster_id=CLUSTER,
                        title=f"Giao ước thi đua năm {year}",
                        theme="",
                        year=year,
                        period_start=None,
                        period_end=None,
                        content_items=(),
                        proposed_on=date(year, 1, 10),
                    ),
                    *(
                        c.SetTarget(
                            pact_id=pact_id(r),
                            code=f"T{k + 1:03d}",
                            title=f"Chỉ tiêu {k + 1}",
                            kind="quantitative",
                            measure="tỷ đồng",
                            direction="at_least",
                            value=1000.0,
                            weight=1.0,
                        )
                        for k in range(targets)
                    ),
                ]
            )
        token, _ack = keys.issue(
            ledger.bus, KEY_SECRET.encode(), name="bench-integration", role="integration"
        )
        return token
    finally:
        ledger.close()


def post(port: int, r: int, body: bytes, token: str) -> dict:
    response = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/pacts/{pact_id(r)}/results/batch",
        content=body,
        params={"number_format": "vi"},
        headers={
            "content-type": "text/csv",
            "authorization": f"Bearer {token}",
            "idempotency-key": f"bench-import-{r}",
        },
        timeout=120,
    )
    if response.status_code != 200:
        raise RuntimeError(f"import refused: {response.status_code} {response.text[:1000]}")
    return response.json()


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (Linux), to read beside wall time
    on a machine whose other load stretches the wall clock."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(store: str, size: Size, runs: int) -> list[Row]:
    count = size.batch_results
    targets = max(1, count // UNITS)
    count = targets * UNITS
    row = Row(
        "6 import over HTTP (CSV)", store, f"{count:,} results, 1 POST", "ms", goal=f"<= {GOAL_MS:g} ms"
    )
    with stores.fresh_database("sqlite", "pacts_import") as db:
        token = setup(db.url, runs, targets)
        env = {"DATABASE_URL": db.url, "PACTS_KEY_SECRET": KEY_SECRET}
        with (
            tempfile.TemporaryDirectory() as tmp,
            _server("app.api.main:app", env, Path(tmp) / "server.log") as (port, pid),
        ):
            post(port, -1, csv_body(-1, targets), token)
            cpu = []
            for r in range(runs):
                body = csv_body(r, targets)
                before = cpu_seconds(pid)
                with stopwatch() as watch:
                    answer = post(port, r, body, token)
                cpu.append((cpu_seconds(pid) - before) * 1000)
                if answer["recorded"] != count:
                    raise RuntimeError(f"recorded {answer['recorded']}, not {count}")
                row.runs.append(watch.seconds * 1000)
                log(
                    f"import run {r + 1}/{runs}: {row.runs[-1]:,.0f} ms "
                    f"(server CPU {cpu[-1]:,.0f} ms) for {count:,} rows ({len(body):,} bytes)"
                )
    row.ours = median(row.runs)
    row.met = row.ours <= GOAL_MS
    row.note = (
        f"whole request, one uvicorn process: CSV read, every row checked, one fsynced commit; "
        f"server CPU median {median(cpu):,.0f} ms"
    )
    return [row]
