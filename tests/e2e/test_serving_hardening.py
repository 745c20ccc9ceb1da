"""Issue 11, items 4, 5, 7 and 8: `pacts serve` against slow clients, after a 500, when its
master is killed, and within PostgreSQL's connection limit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.api.main import create_app
from tests.conftest import KEY_SECRET, bearer, issue_key, make_ledger
from tests.e2e.api import API, problem
from tests.e2e.servers import free_port, serving

ENV = {"PACTS_KEY_SECRET": KEY_SECRET, "PACTS_SIGNING_KEY_PATH": ""}


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _response(sock: socket.socket) -> bytes:
    """One whole HTTP/1.1 response (headers, then Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-body"
        body += chunk
    return head + b"\r\n\r\n" + body


def _closed_within(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before it closed the connection, or None if still open."""
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        return None
    return received


def test_slow_clients_are_cut_off_and_the_server_stays_healthy(sqlite_url, tmp_path):
    timeouts = {"PACTS_HEADER_TIMEOUT": "1", "PACTS_BODY_TIMEOUT": "1"}
    with serving(sqlite_url, tmp_path / "serve.log", **ENV, **timeouts) as (_proc, base):
        silent = _connect(base)  # connects and sends nothing
        partial_headers = _connect(base)
        partial_headers.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        partial_body = _connect(base)
        partial_body.sendall(
            b"POST /api/v1/units HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            b'content-length: 100\r\n\r\n{"id": '
        )
        started = time.monotonic()
        for sock in (silent, partial_headers):
            answer = _closed_within(sock, 5)
            assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
        assert _closed_within(partial_body, 5) is not None
        assert time.monotonic() - started < 5
        assert httpx.get(f"{base}/healthz", timeout=2).status_code == 200
        # A client that sends in time is not cut off by the deadline of its connection.
        prompt = _connect(base)
        for _ in range(3):
            time.sleep(0.6)
            prompt.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _response(prompt).startswith(b"HTTP/1.1 200")


FAILING = """
import sys, uvicorn
from app.api.routes import health

def broken(engine):
    raise RuntimeError("a bug")

health.current_revision = broken
uvicorn.run("app.api.main:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="critical")
"""


def test_the_connection_is_kept_after_a_500(sqlite_url, tmp_path):
    port = free_port()
    env = {**os.environ, **ENV, "DATABASE_URL": sqlite_url}
    proc = subprocess.Popen([sys.executable, "-c", FAILING, str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        sock = _connect(base)
        sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = _response(sock)
        assert first.startswith(b"HTTP/1.1 500") and b"problem+json" in first
        assert b"connection: close" not in first.lower()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _response(sock).startswith(b"HTTP/1.1 200")  # the same connection answers
    finally:
        proc.kill()
        proc.wait()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_stop_when_their_master_is_killed(pg_url, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with serving(pg_url, log, "--workers", "2", port=port, **ENV) as (proc, base):
        workers = _children(proc.pid)
        assert len(workers) >= 2
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), log.read_text()[-2000:]
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{base}/healthz", timeout=1)
    # A restart on the same port works: nothing holds it.
    with serving(pg_url, tmp_path / "again.log", "--workers", "2", port=port, **ENV) as (_proc, again):
        assert httpx.get(f"{again}/readyz").status_code == 200


def test_serve_refuses_pools_larger_than_postgresql_allows(pg_url):
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        limit = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
    engine.dispose()
    workers = limit // 10 + 1  # x (5 + 5) connections each: over max_connections alone
    env = {**os.environ, **ENV, "DATABASE_URL": pg_url, "PACTS_PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--workers", str(workers)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"{workers} worker(s) x (PACTS_DB_POOL_SIZE 5 + PACTS_DB_MAX_OVERFLOW 5)" in done.stderr
    assert f"max_connections {limit}" in done.stderr


def test_a_request_that_finds_the_pool_exhausted_is_503(store_url):
    ledger = make_ledger(store_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.3)
    token = issue_key(ledger)
    with TestClient(create_app(ledger), headers=bearer(token)) as client, ledger.engine.connect():
        # The one connection is held: the request waits 0.3 s for it, then is told to retry.
        response = client.get(f"{API}/pacts")
        found = problem(response, 503)
        assert found["type"].endswith("/database-unavailable") and response.headers["retry-after"]
    with TestClient(create_app(ledger)) as client:
        assert client.get(f"{API}/pacts").status_code == 200
    ledger.close()
