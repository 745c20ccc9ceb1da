"""The benchmark harness at its small size, so it cannot rot (CI never runs the full one).

Runs every path once, on SQLite and, when reachable, PostgreSQL (skipped loudly
otherwise, like the other PostgreSQL tests). The HTTP path needs wrk; without it
the harness says so in its table and this test checks that it did.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import _pg_reachable

bench_main = pytest.importorskip("bench.__main__", reason="bench extras (eventsourcing) not installed")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list, str]:
    rows = bench_main.main(["--size", "small", *args])
    return rows, capsys.readouterr().out


def _check_rows(rows: list, out: str, stores: set[str]) -> None:
    measured = [r for r in rows if r.ours is not None]
    assert {r.store for r in measured if not r.path.startswith(("5", "6", "7"))} == stores
    for row in measured:
        assert row.ours > 0, row
        if not row.path.startswith("3 fold"):
            assert row.goal and row.met is not None, row
        if row.path.startswith(("1", "2", "3 rebuild (", "4", "5")):
            assert row.reference and row.reference > 0, row
    for header in ("path", "store", "workload", "ours", "reference", "ratio", "goal", "met?"):
        assert header in out


def test_every_path_runs_on_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    rows, out = _run(capsys, "--store", "sqlite")
    _check_rows(rows, out, {"sqlite"})
    paths = {r.path.split()[0] for r in rows}
    assert paths == {"1", "2", "3", "4", "5", "6", "7", "8"}
    if shutil.which("wrk") is None:
        assert "SKIPPED: wrk is not installed" in out
    else:
        assert any(r.path.startswith("5") and r.ours for r in rows)


@pytest.mark.postgres
def test_store_paths_run_on_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    reason = _pg_reachable()
    if reason:
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    rows, out = _run(
        capsys,
        "--store",
        "postgresql",
        "--only",
        "append",
        "--only",
        "batch",
        "--only",
        "rebuild",
        "--only",
        "asof",
    )
    _check_rows(rows, out, {"postgresql"})


@pytest.mark.postgres
def test_the_postgresql_append_floor_runs_and_writes_every_command() -> None:
    reason = _pg_reachable()
    if reason:
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    from bench import floor_pg_append

    figures = floor_pg_append.main(["5"])  # raises if a command's event is missing

    assert set(figures) == {"pipelined", "one_query"}
    assert all(len(runs) == 2 and all(ms > 0 for ms in runs) for runs in figures.values())
