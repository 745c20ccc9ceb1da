"""deploy/nginx.conf, the production front of compose.yaml, before a live `pacts serve`:
it passes the API through, answers its own limits as problem+json (body size, slow
clients, the API away), and lets an import's larger body reach the API."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.servers import free_port
from tests.reliability.live import API, admin_headers, record, server

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs it)"
)


def _config(tmp: Path, upstream: int, listen: int) -> Path:
    """deploy/nginx.conf as shipped, but on local ports and files, with a 2 s header timeout."""
    text = CONFIG.read_text()
    text = text.replace("server api:8000;", f"server 127.0.0.1:{upstream};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    text = text.replace("access_log /dev/stdout;", "access_log off;")
    text = text.replace("error_log /dev/stderr warn;", f"error_log {tmp}/error.log warn;")
    text = re.sub(r"client_header_timeout \d+s;", "client_header_timeout 2s;", text)
    text = f"pid {tmp}/nginx.pid;\n" + text
    path = tmp / "nginx.conf"
    path.write_text(text)
    return path


def test_the_nginx_front(sqlite_url, tmp_path):
    headers = admin_headers(sqlite_url)
    upstream, listen = free_port(), free_port()
    config = _config(tmp_path, upstream, listen)
    checked = subprocess.run(["nginx", "-t", "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(["nginx", "-c", str(config), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    front = f"http://127.0.0.1:{listen}"
    try:
        with server(sqlite_url, tmp_path / "serve.log", port=upstream) as (_proc, _base):
            with httpx.Client(base_url=front, headers=headers, timeout=30) as client:
                deadline = time.monotonic() + 10
                while client.get("/readyz").status_code != 200:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
                unit = {"id": "hue", "name": "Sở Công Thương Thừa Thiên Huế", "province": "Huế"}
                created = client.post(f"{API}/units", json=unit)
                assert created.status_code == 201 and created.headers["x-correlation-id"]
                assert client.get(f"{API}/units/hue").json()["name"] == unit["name"]

                big = client.post(
                    f"{API}/units", content=b"x" * 2_000_000, headers={"content-type": "application/json"}
                )
                assert big.status_code == 413 and big.headers["content-type"] == "application/problem+json"
                assert big.json()["status"] == 413
                # An import may be larger: it reaches the API, which judges it (no such pact here).
                batch = client.post(
                    f"{API}/pacts/nope/results/batch",
                    content=b"x" * 2_000_000,
                    headers={"content-type": "text/csv"},
                )
                assert (
                    batch.status_code != 413 and batch.headers["content-type"] == "application/problem+json"
                )

            slow = socket.create_connection(("127.0.0.1", listen))
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            slow.settimeout(10)
            with contextlib.suppress(ConnectionResetError):  # reset_timedout_connection: a RST
                while slow.recv(65536):
                    pass
            cut = time.monotonic() - started
            assert cut < 5
        away = httpx.get(f"{front}{API}/pacts", timeout=30)  # the API is stopped now
        assert away.status_code == 503 and away.headers["retry-after"] == "2"
        assert away.json()["type"].endswith("/unavailable")
    finally:
        nginx.terminate()
        nginx.wait(10)
    record("nginx-front", slow_client_cut_after_seconds=round(cut, 2), body_limit="1m (imports 20m)")
