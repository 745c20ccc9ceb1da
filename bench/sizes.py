"""Workload sizes: ``full`` is the issue's, ``small`` is what the smoke test runs (< 60 s)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    append_commands: dict[str, int]
    batch_results: int
    rebuild_events: int
    asof_events: int
    asof_repeats: int
    http_seconds: int
    http_connections: int
    runs: int
    rebuild_runs: int
    http_runs: int


FULL = Size(
    "full",
    append_commands={"sqlite": 50_000, "postgresql": 20_000},
    batch_results=10_000,
    rebuild_events=1_000_000,
    asof_events=10_000,
    asof_repeats=21,
    http_seconds=30,
    http_connections=64,
    runs=3,
    rebuild_runs=3,
    http_runs=3,
)

SMALL = Size(
    "small",
    append_commands={"sqlite": 300, "postgresql": 200},
    batch_results=1_000,
    rebuild_events=10_000,
    asof_events=1_000,
    asof_repeats=5,
    http_seconds=2,
    http_connections=64,
    runs=1,
    rebuild_runs=1,
    http_runs=1,
)

SIZES = {s.name: s for s in (FULL, SMALL)}
