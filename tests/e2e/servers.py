"""Real API servers in their own processes, for the tests that need one to die.

``serving(url, log, *flags)`` runs `pacts serve` itself, as users start it, on a
free port, and yields once ``/readyz`` answers 200; it is killed at the end.

``served(url)`` runs ``app.api.main:app`` under uvicorn, as `pacts serve` does;
``served(url, crash_after_commit=True)`` runs the same app in a process that
exits (code 75) right after its first commit, before it can answer: the moment
a client's retry must recover from. Each server is stopped when its block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import KEY_SECRET

CRASHED = 75
CRASHING = f"""
import os, sys, uvicorn
from app.services.unit_of_work import UnitOfWork

commit = UnitOfWork.commit


def commit_then_die(self, *args, **kwargs):
    commit(self, *args, **kwargs)
    os._exit({CRASHED})  # committed; the answer is never sent


UnitOfWork.commit = commit_then_die
uvicorn.run("app.api.main:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
_PLAIN = """
import sys, uvicorn
uvicorn.run("app.api.main:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    database_url: str, crash_after_commit: bool = False, **env: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a server on ``database_url``, ready to answer."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "PACTS_KEY_SECRET": KEY_SECRET, **env}
    code = CRASHING if crash_after_commit else _PLAIN
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {process.stderr.read()[-2000:]}") from None
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stderr.close()


@contextmanager
def serving(
    url: str, log: Path, *flags: str, port: int | None = None, **env: str
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`pacts serve` on a free port (or ``port``), ready; killed at the end if it is still running."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": url, "PACTS_PORT": str(port), **env}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", *flags],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
