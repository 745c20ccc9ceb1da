"""The database goes away under `pacts serve` (4 workers on PostgreSQL) and comes back:
meanwhile every API route answers 503 problem+json with Retry-After, /readyz says
unreachable without naming the database, /healthz stays up, nothing is half-written;
once it is back the service answers again, without a restart."""

from __future__ import annotations

import threading
import time

import httpx
import sqlalchemy as sa

from tests.reliability.live import API, admin_headers, check_log, log_rows, record, server
from tests.reliability.proxy import Proxy


def test_the_database_goes_away_and_comes_back(pg_url, tmp_path):
    headers = admin_headers(pg_url)
    real = sa.make_url(pg_url)
    proxy = Proxy((real.host or "127.0.0.1", real.port or 5432))
    url = real.set(port=proxy.port).render_as_string(hide_password=False)
    acks: list = []
    statuses: dict[int, int] = {}
    stop = threading.Event()

    def write(me: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            j = 0
            while not stop.is_set():
                j += 1
                body = {"id": f"o{me}-{j}", "name": f"Sở Công Thương {me}-{j}", "province": "Huế"}
                response = client.post(f"{API}/units", json=body)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 201:
                    acks.append((response.json()["position"], f"unit:o{me}-{j}", response.json()["version"]))
                else:
                    assert response.status_code == 503, response.text
                    assert response.headers["retry-after"].isdigit()
                    assert response.headers["content-type"].startswith("application/problem+json")
                    time.sleep(0.05)

    try:
        with server(url, tmp_path / "serve.log") as (_proc, base):
            writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
            for thread in writers:
                thread.start()
            time.sleep(1)
            proxy.down()
            time.sleep(1)
            during = {
                path: httpx.get(f"{base}{path}", headers=headers, timeout=30)
                for path in (f"{API}/pacts", f"{API}/events", f"{API}/clusters/x/standings?year=2022")
            }
            ready = httpx.get(f"{base}/readyz", timeout=30)
            healthy = httpx.get(f"{base}/healthz", timeout=5)
            proxy.up()
            back = time.monotonic()
            while httpx.get(f"{base}/readyz", timeout=30).status_code != 200:
                assert time.monotonic() - back < 30, "not ready 30 s after the database came back"
                time.sleep(0.1)
            recovered = time.monotonic() - back
            time.sleep(1)
            stop.set()
            for thread in writers:
                thread.join(60)
            after = httpx.post(
                f"{base}{API}/units", json={"id": "sau", "name": "Sở", "province": "Huế"}, headers=headers
            )
    finally:
        proxy.close()

    for response in during.values():
        assert response.status_code == 503 and response.headers["retry-after"].isdigit(), response.text
        assert response.json()["type"].endswith("/database-unavailable")
    assert ready.status_code == 503 and ready.json() == {"status": "unavailable", "database": "unreachable"}
    assert str(proxy.port) not in ready.text and real.database not in ready.text
    assert healthy.status_code == 200
    assert after.status_code == 201
    assert statuses.get(503, 0) > 0 and set(statuses) <= {201, 503}
    rows = log_rows(pg_url)
    check_log(rows)
    assert set(acks) <= set(rows)
    assert len(rows) == len(acks) + 2  # the key, the last unit: every 503 wrote nothing
    record(
        "database-outage-postgresql",
        writes_acknowledged=len(acks),
        answered_503_while_down=statuses.get(503, 0),
        other_statuses=sorted(s for s in statuses if s not in (201, 503)),
        ready_seconds_after_the_database_came_back=round(recovered, 2),
    )
