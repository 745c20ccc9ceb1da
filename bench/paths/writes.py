"""Path 8: writes under load over HTTP, 1 to 64 clients, against a bare durable-insert app.

Three servers, the same uvicorn flags and JSON logging as path 5 (one line per
request, to a file; metrics counted): ours with group commit (the default), ours
with ``PACTS_GROUP_COMMIT=false`` (one transaction per command: the write path as it
was before issue 12), and ``bench.bare_writes`` (one durable row per request). One
API process on SQLite; two (``--workers 2``) on PostgreSQL, for all three.

The load: ``wrk`` with ``bench/writes.lua``, N connections (N clients, each sending
its next request when answered), each request a result of a random unit and target
posted to one of 16 pacts, with an admin key. The bare app gets the same requests.
Every answer must be 2xx: wrk's count of others fails the run. The three servers run
side by side and each point is measured on the three in turn (medians of the runs).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from app.observability.logs import log_config
from bench import stores
from bench import workload as w
from bench.bare_writes import create_table
from bench.paths.http import KEY_SECRET, _parse_ms, _server, wrk_path
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log

CLIENTS = (1, 2, 4, 8, 16, 32, 64)
PACTS = 16
SCRIPT = Path(__file__).resolve().parent.parent / "writes.lua"
SERVERS = ("ours", "today", "bare")


def build_database(url: str) -> str:
    """16 clusters, one signed pact with 10 targets each; returns an admin key."""
    from app import migrations
    from app.bootstrap import bootstrap
    from app.services import keys
    from app.settings import Settings

    migrations.upgrade(url)
    ledger = bootstrap(Settings(database_url=url, key_secret=KEY_SECRET, signing_key_path=""))
    try:
        ledger.bus.handle_many(w.setup_commands(PACTS))
        for j in range(PACTS):
            ledger.bus.handle_many(w.pact_preamble(w.PactSpec(j * w.YEARS_PER_CLUSTER)))
        token, _ack = keys.issue(ledger.bus, KEY_SECRET.encode(), name="bench-writer", role="admin")
    finally:
        ledger.close()
    return token


def lua_pacts() -> str:
    """The pacts for the Lua script: id, year and members of each."""
    pacts = [w.PactSpec(j * w.YEARS_PER_CLUSTER) for j in range(PACTS)]
    return json.dumps([{"id": p.id, "year": p.year, "members": list(p.members)} for p in pacts])


class Failed(Exception):
    """wrk saw answers other than 2xx (or sockets closed): counted, and the server's errors logged."""

    def __init__(self, count: int, out: str) -> None:
        super().__init__(f"{count} answers not 2xx")
        self.count, self.out = count, out


def _errors(log_file: Path) -> str:
    """The server's log lines that are not a 2xx request or a write: what went wrong."""
    lines = log_file.read_text(errors="replace").splitlines()
    bad = [line for line in lines if '"status":2' not in line and '"message":"write"' not in line]
    return "\n".join(bad[-12:])


def wrk_writes(url: str, seconds: int, clients: int, env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            str(SCRIPT),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed or "Socket errors" in out:
        raise Failed(int(failed.group(1)) if failed else 0, out)
    rate = float(out.split("Requests/sec:")[1].split()[0])
    p99 = _parse_ms(next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%")))
    return rate, p99


def _app(name: str, db_url: str, bare_db: str) -> tuple[str, dict[str, str]]:
    if name == "bare":
        return "bench.bare_writes:app", {"BENCH_BARE_DB": bare_db}
    env = {"DATABASE_URL": db_url, "PACTS_KEY_SECRET": KEY_SECRET, "PACTS_SIGNING_KEY_PATH": ""}
    return "app.api.main:app", {**env, "PACTS_GROUP_COMMIT": "false" if name == "today" else "true"}


def measure(
    store: str, seconds: int, runs: int, clients_list: tuple[int, ...] = CLIENTS
) -> tuple[dict[str, dict[int, tuple[float, float]]], dict[str, int]]:
    """{server: {clients: (writes/s, p99 ms)}} on ``store``: medians of ``runs`` (a run that
    saw an answer other than 2xx is left out, and counted in the second dict). The three
    servers run side by side (idle but for the one under load); each point is measured
    for the three in turn, so a change in the machine's load falls on all of them."""
    samples: dict[str, dict[int, list[tuple[float, float]]]] = {
        n: {c: [] for c in clients_list} for n in SERVERS
    }
    workers = ["--workers", "2"] if store == "postgresql" else []
    failures = dict.fromkeys(SERVERS, 0)
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        (tmp / "log-config.json").write_text(json.dumps(log_config()))
        urls, envs = {}, {}
        for name in SERVERS:
            db = stack.enter_context(stores.fresh_database(store, f"pacts_writes_{name}"))
            token = build_database(db.url) if name != "bare" else ""
            bare_db = db.url.replace("+psycopg", "").removeprefix("sqlite:///")
            if name == "bare":
                create_table(bare_db)
            app, env = _app(name, db.url, bare_db)
            flags = ("--log-config", str(tmp / "log-config.json"), *workers)
            port, _pid = stack.enter_context(_server(app, env, tmp / f"{name}.log", *flags))
            urls[name] = f"http://127.0.0.1:{port}"
            envs[name] = {**os.environ, "BENCH_TOKEN": token, "BENCH_PACTS": lua_pacts()}
            wrk_writes(urls[name], 1, 8, envs[name])  # warm-up
        for r in range(runs):
            for clients in clients_list:
                for name in SERVERS:
                    try:
                        rate, p99 = wrk_writes(urls[name], seconds, clients, envs[name])
                    except Failed as failed:
                        log(f"!! {name} c={clients}: {failed}; its log:\n{_errors(tmp / f'{name}.log')}")
                        failures[name] += failed.count
                        continue
                    samples[name][clients].append((rate, p99))
                    log(f"writes {store} run {r + 1} {name} c={clients}: {rate:,.0f}/s, p99 {p99:.1f} ms")
    figures = {
        name: {c: (median([x[0] for x in xs]), median([x[1] for x in xs])) for c, xs in points.items() if xs}
        for name, points in samples.items()
    }
    return figures, failures


def rows(store: str, figures: dict[str, dict[int, tuple[float, float]]]) -> list[Row]:
    """The goals of issue 12 (a point every run of which failed has no figure: not met)."""
    procs = "2 API processes" if store == "postgresql" else "1 API process"

    def row(path: str, clients: int, index: int, against: str, goal: str, met) -> Row:
        unit = "ms" if index else "writes/s"
        found = Row(f"8 {path}", store, f"wrk -c{clients}, {procs}", unit, goal=goal)
        found.ours = figures["ours"].get(clients, (None, None))[index]
        found.reference = figures[against].get(clients, (None, None))[index]
        found.met = None if not goal else found.ratio is not None and met(found.ratio)
        return found

    sqlite = store == "sqlite"
    out = [
        row("writes/s at 32 clients", 32, 0, "bare", ">= 1.0x bare" if sqlite else "", lambda r: r >= 1.0),
        row("write p99 at 32 clients", 32, 1, "bare", "<= bare p99" if sqlite else "", lambda r: r <= 1.0),
        row("writes/s at 1 client vs today", 1, 0, "today", ">= 0.9x today", lambda r: r >= 0.9),
    ]
    if not sqlite:
        out.append(row("writes/s at 32 clients vs today", 32, 0, "today", ">= 2x today", lambda r: r >= 2.0))
    return out


def run(store: str, size: Size, runs: int) -> list[Row]:
    if wrk_path() is None:
        return [Row("8 writes under load", store, "", "writes/s", note="SKIPPED: wrk is not installed")]
    seconds = max(2, size.http_seconds // 6)
    # The small size (the smoke test) measures only the two points the goals name.
    figures, failures = measure(store, seconds, runs, CLIENTS if size.name == "full" else (1, 32))
    out = Path(tempfile.gettempdir()) / f"bench-writes-{store}.json"
    out.write_text(json.dumps({n: {str(c): v for c, v in f.items()} for n, f in figures.items()}))
    log(f"writes: every figure in {out}")
    found = rows(store, figures)
    if any(failures.values()):
        found[0].note = "runs left out for answers not 2xx: " + ", ".join(
            f"{name} {count}" for name, count in failures.items() if count
        )
    return found
