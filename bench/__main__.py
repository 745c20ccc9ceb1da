"""``python -m bench [--size small|full] [--only PATH] [--store sqlite|postgresql|both] [--runs N]``

Measures the service's core paths and the eventsourcing library doing the same
shape of work, in the same run on the same machine, and prints one table:
path, store, workload, ours, reference, ratio (ours / reference), goal, met?.
Figures are medians over the runs. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

from bench import report, stores
from bench.paths import append, asof, audit, batch, http, import_http, rebuild, writes
from bench.sizes import SIZES

PATHS = {
    "append": append,
    "batch": batch,
    "rebuild": rebuild,
    "asof": asof,
    "http": http,
    "import": import_http,
    "audit": audit,
    "writes": writes,
}
ALIASES = {
    "1": "append",
    "2": "batch",
    "3": "rebuild",
    "4": "asof",
    "5": "http",
    "6": "import",
    "7": "audit",
    "8": "writes",
}
ROOT = Path(__file__).resolve().parent.parent


def _sh(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    mem = _sh("free", "-h").splitlines()
    dirty = _sh("git", "status", "--porcelain", "--untracked-files=no")
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _sh("git", "rev-parse", "--short", "HEAD") + (" (+ uncommitted changes)" if dirty else ""),
        "cpus": _sh("nproc"),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor(),
        "memory": mem[1].split()[1] if len(mem) > 1 else "?",
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[2])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATH",
        help="append|batch|rebuild|asof|http|import|audit|writes (or 1-8); repeatable",
    )
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, help="runs per path (default: 3 for full, 1 for small)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    args = parser.parse_args(argv)
    names = [ALIASES.get(n, n) for n in (args.only or PATHS)]
    unknown = [n for n in names if n not in PATHS]
    if unknown:
        parser.error(f"unknown path(s) {unknown}; choose from {', '.join(PATHS)} or 1-8")
    args.only = names
    return args


def main(argv: list[str] | None = None) -> list[report.Row]:
    warnings.simplefilter("ignore", DeprecationWarning)
    args = parse(argv)
    size = SIZES[args.size]
    wanted = list(stores.STORES) if args.store == "both" else [args.store]
    notes: list[str] = []
    if "postgresql" in wanted:
        reason = stores.pg_unreachable_reason()
        if reason:
            wanted.remove("postgresql")
            notes.append(f"PostgreSQL SKIPPED: {stores.PG_ADMIN_URL} unreachable ({reason})")
    info = machine()
    print(f"Pact Ledger benchmarks, size={size.name}: {info['date']}, commit {info['commit']}")
    print(
        f"machine: {info['cpus']} cpus ({info['cpu']}), {info['memory']} RAM, "
        f"Python {info['python']}, {info['os']}"
    )
    for store in wanted:
        both = "" if store == "sqlite" else "ours and reference (same server): "
        print(f"durability {store}: {both}{stores.durability(store)}")
    for note in notes:
        print(f"!! {note}")
    started = time.perf_counter()
    rows: list[report.Row] = []
    for name in args.only:
        module = PATHS[name]
        runs = args.runs or {
            "rebuild": size.rebuild_runs,
            "http": size.http_runs,
            "audit": size.rebuild_runs,
        }.get(name, size.runs)
        # Paths over HTTP run one server, on SQLite; the audit path measures SQLite.
        path_stores = ["sqlite"] if name in ("http", "import", "audit") else wanted
        for store in path_stores:
            print(f"-- {name} on {store} ({runs} run{'s' * (runs != 1)})", flush=True)
            t0 = time.perf_counter()
            produced = module.run(store, size, runs)
            rows.extend(produced)
            print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
            if name == "http" and produced[0].ours is None:
                print(f"!! {produced[0].note}")
    print()
    print(report.text_table(rows))
    if size.name != "full":
        print(f"\n(size {size.name}: the goals are stated for the full size; 'met?' is indicative only)")
    for note in notes:
        print(f"!! {note}")
    print(f"\nmedians of the runs; per-run figures:\n{report.runs_detail(rows)}")
    if args.markdown:
        print("\n" + report.markdown_table(rows))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
    os.sys.stdout.flush()
