"""Path 5: HTTP reads, GET /api/v1/clusters/{id}/standings?year=, under load.

Two servers, each one uvicorn process (same flags: uvloop/httptools as installed,
no uvicorn access log): ours (``app.api.main:app`` on a SQLite database with the demo
loaded plus one generated cluster-year: 6 members, 10 targets, 60 results,
leadership and a host handover, all written through the bus; logging as ``pacts serve`` does, a JSON line
per request, to a file; metrics counted) and the bare
endpoint of ``bench.bare`` answering the same number of bytes. The load comes
from ``wrk -t2 -c64 --latency`` in its own process, alternating the two servers
run by run, after a short warm-up of each.

Ours runs with ``PACTS_PUBLIC_READS=false``, the stricter setting: every request
carries an API key (an auditor's), checked before the route (app.api.auth). wrk
sends the same header to the bare endpoint, which ignores it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from app.domain import commands as c
from app.observability.logs import log_config as log_config_of_serve
from bench import stores
from bench import workload as w
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log

GOAL_RATE = 0.70
GOAL_P99 = 1.5
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(app: str, env: dict[str, str], log: Path, *flags: str):
    port = _free_port()
    out = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            *flags,
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=out,  # a file: a pipe nobody reads would fill and stall the server
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
                break
            except httpx.HTTPError as error:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not start: {log.read_text()[-2000:]}") from error
                time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


def _parse_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"cannot parse wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


KEY_SECRET = "bench-key-secret-" + "0" * 32


def wrk(url: str, seconds: int, connections: int, token: str = "") -> tuple[float, float, str]:
    """(requests/s, p99 ms, raw output) of one wrk run (sending the API key, if given)."""
    header = ["-H", f"Authorization: Bearer {token}"] if token else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw error responses from {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _parse_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    return rate, p99, out


def build_database(url: str) -> tuple[str, int, str]:
    """The demo plus one generated cluster-year; returns (cluster id, year) to query, and an
    auditor's key to read them with."""
    from app import migrations
    from app.bootstrap import bootstrap
    from app.services import keys
    from app.settings import Settings

    migrations.upgrade(url)
    ledger = bootstrap(Settings(database_url=url, key_secret=KEY_SECRET, signing_key_path=""))
    try:
        try:
            from app.demo import load_demo

            load_demo(ledger)
        except ImportError:
            pass
        p = w.PactSpec(0)
        members = p.members
        ledger.bus.handle_many(w.setup_commands(1))
        ledger.bus.handle_many(w.pact_commands(p))
        cid = w.cluster_id(0)
        ledger.bus.handle(
            c.AssignLeadership(
                cluster_id=cid,
                year=p.year,
                chair=members[0],
                deputy=members[1],
                decision_ref="QĐ 1/BCT",
                decided_on=date(p.year, 1, 2),
            )
        )
        ledger.bus.handle(
            c.HandOverHostFlag(
                cluster_id=cid,
                conference_number=1,
                year=p.year,
                from_unit=members[0],
                to_unit=members[1],
                handed_over_on=date(p.year, 12, 20),
            )
        )
        token, _ack = keys.issue(ledger.bus, KEY_SECRET.encode(), name="bench-auditor", role="auditor")
    finally:
        ledger.close()
    return w.cluster_id(0), w.PactSpec(0).year, token


def run(store: str, size: Size, runs: int) -> list[Row]:
    rate = Row("5 HTTP standings req/s", store, "", "req/s", goal=f">= {GOAL_RATE:.0%} of bare")
    p99 = Row("5 HTTP standings p99", store, "", "ms", goal=f"<= {GOAL_P99:g}x bare p99")
    workload = f"wrk -t2 -c{size.http_connections} -d{size.http_seconds}s, 1 uvicorn, keyed reads"
    rate.workload = p99.workload = workload
    if wrk_path() is None:
        rate.note = "SKIPPED: wrk is not installed (apt-get install -y wrk)"
        return [rate]
    with stores.fresh_database("sqlite", "pacts_http") as db, tempfile.TemporaryDirectory() as tmp:
        cluster, year, token = build_database(db.url)
        route = f"/api/v1/clusters/{cluster}/standings?year={year}"
        log_config = Path(tmp) / "log-config.json"
        log_config.write_text(json.dumps(log_config_of_serve()))
        env = {"DATABASE_URL": db.url, "PACTS_KEY_SECRET": KEY_SECRET, "PACTS_PUBLIC_READS": "false"}
        with _server("app.api.main:app", env, Path(tmp) / "ours.log", "--log-config", str(log_config)) as (
            ours_port,
            _,
        ):
            if httpx.get(f"http://127.0.0.1:{ours_port}{route}").status_code != 401:
                raise RuntimeError("the server answers standings without a key: not the setting measured")
            keyed = {"Authorization": f"Bearer {token}"}
            response = httpx.get(f"http://127.0.0.1:{ours_port}{route}", headers=keyed)
            response.raise_for_status()
            body = Path(tmp) / "body.json"
            body.write_bytes(response.content)
            with _server("bench.bare:app", {"BENCH_BARE_BODY": str(body)}, Path(tmp) / "bare.log") as (
                bare_port,
                _,
            ):
                bare = httpx.get(f"http://127.0.0.1:{bare_port}{route}")
                assert len(bare.content) == len(response.content)
                ours_url = f"http://127.0.0.1:{ours_port}{route}"
                bare_url = f"http://127.0.0.1:{bare_port}{route}"
                warm = max(1, min(3, size.http_seconds // 5))
                wrk(ours_url, warm, size.http_connections, token)
                wrk(bare_url, warm, size.http_connections, token)
                for r in range(runs):
                    o_rate, o_p99, _ = wrk(ours_url, size.http_seconds, size.http_connections, token)
                    b_rate, b_p99, _ = wrk(bare_url, size.http_seconds, size.http_connections, token)
                    rate.runs.append(o_rate)
                    rate.ref_runs.append(b_rate)
                    p99.runs.append(o_p99)
                    p99.ref_runs.append(b_p99)
                    log(
                        f"http run {r + 1}/{runs}: ours {o_rate:,.0f} req/s p99 {o_p99:.1f} ms; "
                        f"bare {b_rate:,.0f} req/s p99 {b_p99:.1f} ms"
                    )
    for row in (rate, p99):
        row.ours, row.reference = median(row.runs), median(row.ref_runs)
    rate.met = rate.ratio >= GOAL_RATE
    p99.met = p99.ratio <= GOAL_P99
    rate.note = (
        f"reference = bare async FastAPI endpoint, constant {len(response.content):,}-byte "
        "body; both on 2 cores shared with wrk"
    )
    return [rate, p99]
