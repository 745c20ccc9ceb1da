"""`pacts push` against a live `pacts serve` that dies and comes back: exactly one batch.

Real processes on a real SQLite file: the server is started, SIGKILLed and
restarted on the same port while the client retries with the same
Idempotency-Key. Every process a test starts is stopped by it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app import migrations
from app.events.schema import events
from tests.conftest import KEY_SECRET, issue_key, make_ledger
from tests.e2e import servers, year
from tests.e2e.conftest import admin_client

BIN = Path(sys.executable).parent
FAST_RETRIES = ["--backoff", "0.2", "--backoff-max", "0.5", "--max-attempts", "200", "--timeout", "30"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`pacts serve` on one port, which can be killed and started again."""

    def __init__(self, db_url: str, port: int, log: Path, **env: str) -> None:
        self.port, self.log = port, log
        self.env = {**os.environ, "DATABASE_URL": db_url, "PACTS_KEY_SECRET": KEY_SECRET, **env}
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True, crash_after_commit: bool = False) -> None:
        """`pacts serve`; or, crashing, the same app in a process that exits right after
        its first commit, before it can answer (tests.e2e.servers)."""
        command = (
            [sys.executable, "-c", servers.CRASHING, str(self.port)]
            if crash_after_commit
            else [BIN / "pacts", "serve", "--port", str(self.port)]
        )
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        if wait:
            self.wait_up()

    def wait_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def prepared(tmp_path: Path) -> str:
    """A migrated SQLite file holding the 34 provinces' 2025 pact and its 12 targets."""
    url = f"sqlite:///{tmp_path / 'pacts.db'}"
    migrations.upgrade(url)
    ledger = make_ledger(url)
    try:
        with admin_client(ledger) as client:
            year.set_up(client)
        # The integration's key, as `pacts keys create --role integration` gives it.
        (tmp_path / "integration.key").write_text(issue_key(ledger, "integration"))
    finally:
        ledger.close()
    return url


@contextmanager
def server(url: str, tmp_path: Path, **env: str) -> Iterator[Server]:
    live = Server(url, _free_port(), tmp_path / "server.log", **env)
    try:
        yield live
    finally:
        live.stop()


def push(file: Path, port: int, tmp_path: Path, *extra: str) -> subprocess.Popen:
    args = [BIN / "pacts", "push", str(file), "--pact", year.PACT, "--url", f"http://127.0.0.1:{port}"]
    out, err = (tmp_path / "push.out").open("wb"), (tmp_path / "push.err").open("wb")
    with out, err:
        key = (tmp_path / "integration.key").read_text()
        return subprocess.Popen([*args, "--key", key, *extra], stdout=out, stderr=err)


def finish(client: subprocess.Popen, tmp_path: Path) -> tuple[int, str, str]:
    try:
        code = client.wait(90)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    return code, (tmp_path / "push.out").read_text(), (tmp_path / "push.err").read_text()


def batches(url: str) -> list[tuple[str, int]]:
    """Each commit of ResultRecorded events: (recorded_at, how many)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            query = (
                sa.select(events.c.recorded_at, sa.func.count())
                .where(events.c.type == "ResultRecorded")
                .group_by(events.c.recorded_at)
            )
            return [(str(at), n) for at, n in conn.execute(query)]
    finally:
        engine.dispose()


def test_push_retries_while_the_server_is_down_and_records_one_batch(prepared, tmp_path):
    file = tmp_path / "ket-qua-2025.csv"
    file.write_bytes(year.csv_body(year.rows()))
    with server(prepared, tmp_path) as live:
        live.start()
        live.kill()  # SIGKILL: gone before the push sends anything
        client = push(file, live.port, tmp_path, "--number-format", "vi", *FAST_RETRIES)
        deadline = time.monotonic() + 30
        while "retrying" not in (tmp_path / "push.err").read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        live.start(wait=False)  # the same port, while the client retries
        code, out, err = finish(client, tmp_path)

    assert code == 0, out + err
    assert "retrying" in err and "same key" in err
    assert "recorded 408 results" in out
    assert [n for _, n in batches(prepared)] == [408]


def test_push_prints_every_refused_row_and_exits_non_zero(prepared, tmp_path):
    file = tmp_path / "ket-qua-2025.csv"
    bad = {2: 'ha-noi,CT02,"1.850",2025-12-31,BC,', 30: 'lai-chau,CT99,"1",2025-12-31,BC,'}
    file.write_bytes(year.csv_body(year.rows(bad=bad)))
    with server(prepared, tmp_path) as live:
        live.start()
        code, out, err = finish(push(file, live.port, tmp_path, *FAST_RETRIES), tmp_path)

    assert code == 1, out + err
    assert "2 of 408 rows are invalid" in out and "nothing was recorded" in out
    lines = [line for line in out.splitlines() if "│" in line]
    assert any(" 2 " in line and "value" in line for line in lines), out
    assert any(" 30 " in line and "target_code" in line for line in lines), out
    assert batches(prepared) == []


def test_a_dry_run_push_checks_and_writes_nothing(prepared, tmp_path):
    file = tmp_path / "ket-qua-2025.json"
    rows = [
        {
            "unit_id": "hue",
            "target_code": "CT01",
            "value": "1.850",
            "reported_on": "2025-12-31",
            "source": "BC",
        }
    ]
    file.write_text(json.dumps({"results": rows}), encoding="utf-8")
    with server(prepared, tmp_path) as live:
        live.start()
        dry = push(file, live.port, tmp_path, "--number-format", "vi", "--dry-run", *FAST_RETRIES)
        code, out, err = finish(dry, tmp_path)
        assert (code, batches(prepared)) == (0, []), out + err
        assert "checked 1 rows" in out
        code, out, err = finish(push(file, live.port, tmp_path, *FAST_RETRIES), tmp_path)

    assert code == 1 and "declare" in out and "number_format" in out, out + err  # 1850 or 1.85?


def test_push_after_a_crash_between_commit_and_answer_records_one_batch(prepared, tmp_path):
    file = tmp_path / "ket-qua-2025.csv"
    file.write_bytes(year.csv_body(year.rows()))
    with server(prepared, tmp_path) as live:
        live.start(crash_after_commit=True)
        client = push(file, live.port, tmp_path, "--number-format", "vi", *FAST_RETRIES)
        assert live.proc is not None
        live.proc.wait(60)  # it commits, then dies before answering
        assert batches(prepared) and live.proc.returncode == servers.CRASHED
        live.start(wait=False)
        code, out, err = finish(client, tmp_path)

    assert code == 0, out + err
    assert "retrying" in err and "recorded once" in out
    assert [n for _, n in batches(prepared)] == [408]
