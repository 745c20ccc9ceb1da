"""What the reliability suite shares: `pacts serve` as users start it, the log as stored,
the read models, `pacts rebuild`, and the run's figures for docs/reliability.md.

``PACTS_RELIABILITY_LONG=1`` (``make test-reliability-long``) runs every test longer:
more writers, more writes, larger imports. The figures of the last run are written to
``var/reliability-figures.json`` (``PACTS_RELIABILITY_FIGURES``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import KEY_SECRET, bearer, issue_key, make_ledger
from tests.e2e.servers import serving
from tests.integration.test_rebuild import snapshot

LONG = os.environ.get("PACTS_RELIABILITY_LONG", "") not in ("", "0")
ENV = {"PACTS_KEY_SECRET": KEY_SECRET, "PACTS_SIGNING_KEY_PATH": "", "PACTS_LOG_LEVEL": "WARNING"}
FIGURES = Path(os.environ.get("PACTS_RELIABILITY_FIGURES", "var/reliability-figures.json"))
API = "/api/v1"


def scale(ci: int, long: int) -> int:
    return long if LONG else ci


def workers_for(url: str) -> str:
    """Several processes where the store allows them (PostgreSQL), one on SQLite."""
    return "4" if url.startswith("postgresql") else "1"


def admin_headers(url: str) -> dict[str, str]:
    """An admin key issued in the database the server will use."""
    ledger = make_ledger(url)
    try:
        return bearer(issue_key(ledger, "admin", name="reliability"))
    finally:
        ledger.close()


@contextmanager
def server(url: str, log: Path, *flags: str, port: int | None = None, **env: str) -> Iterator[tuple]:
    """(process, base URL) of `pacts serve` on ``url``, ready, with the store's workers."""
    flags = flags or ("--workers", workers_for(url))
    with serving(url, log, *flags, port=port, **ENV, **env) as (proc, base):
        yield proc, base


def log_rows(url: str) -> list[tuple[int, str, int]]:
    """(position, stream_id, version) of every event, in log order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.exec_driver_sql(
                    "SELECT position, stream_id, version FROM events ORDER BY position"
                )
            ]
    finally:
        engine.dispose()


def check_log(rows: list[tuple[int, str, int]]) -> None:
    """Positions gapless from 1; each stream's versions 1, 2, 3... in log order."""
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1)), "positions have a gap"
    versions: dict[str, int] = {}
    for position, stream, version in rows:
        assert version == versions.get(stream, 0) + 1, f"{stream} skips to version {version} at {position}"
        versions[stream] = version


def read_models(url: str) -> dict[str, list[dict]]:
    engine = sa.create_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


def pacts(*args: str, url: str, **popen: object) -> subprocess.Popen:
    env = {**os.environ, **ENV, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", *args], env=env, **popen
    )


def rebuild(url: str) -> None:
    done = pacts("rebuild", url=url, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err[-2000:]


def record(name: str, **figures: object) -> None:
    """Keep this test's figures for docs/reliability.md (one JSON object per test)."""
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    found = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    found[name] = {**figures, "long": LONG, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    FIGURES.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
