"""The standings cache is keyed by the log head: it can never answer stale,
not even when another process (another ledger on the same database) writes."""

import threading
import time
from datetime import date

import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.domain import commands as c
from app.projections import tables as t
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger
from tests.e2e.conftest import admin_client

UNITS = ("thanh-hoa", "nghe-an")


def _given_a_pact(bus) -> None:
    for unit_id in UNITS:
        bus.handle(c.RegisterUnit(id=unit_id, name=f"Sở Công Thương {unit_id}", province=unit_id))
    bus.handle(
        c.FormCluster(
            id="bac-trung-bo", name="Cụm", region="Bắc Trung Bộ", members=UNITS, formed_on=date(2012, 1, 1)
        )
    )
    bus.handle(
        c.ProposePact(
            id="btb-2022",
            cluster_id="bac-trung-bo",
            title="GƯ",
            theme="",
            year=2022,
            period_start=None,
            period_end=None,
            content_items=(),
            proposed_on=date(2022, 5, 13),
        )
    )
    bus.handle(
        c.SetTarget(
            pact_id="btb-2022",
            code="KH",
            title="Kế hoạch",
            kind="quantitative",
            measure="%",
            direction="at_least",
            value=100,
            weight=10,
        )
    )
    # One result, so that the pact has something to rank (a pact with none is not_scoreable).
    nothing_done = c.RecordResult(
        pact_id="btb-2022",
        unit_id="nghe-an",
        target_code="KH",
        value=0,
        reported_on=date(2022, 6, 30),
        source="báo cáo",
    )
    bus.handle(nothing_done)


def _scores(client) -> dict[str, float]:
    response = client.get("/api/v1/clusters/bac-trung-bo/standings", params={"year": 2022})
    assert response.status_code == 200
    return {s["unit_id"]: s["score"] for s in response.json()["standings"]}


def test_a_write_through_the_api_is_seen_by_the_next_read(sqlite_ledger):
    _given_a_pact(sqlite_ledger.bus)
    with admin_client(sqlite_ledger) as client:
        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 0.0}
        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 0.0}  # now from the cache

        client.post(
            "/api/v1/pacts/btb-2022/results",
            json={
                "unit_id": "nghe-an",
                "target_code": "KH",
                "value": 80,
                "reported_on": "2022-12-31",
                "source": "báo cáo",
            },
        )

        assert _scores(client) == {"thanh-hoa": 0.0, "nghe-an": 80.0}


def test_a_write_by_another_process_is_seen_too(store_url):
    api_ledger, other_process = make_ledger(store_url), make_ledger(store_url)
    try:
        _given_a_pact(other_process.bus)
        with admin_client(api_ledger) as client:
            assert _scores(client)["thanh-hoa"] == 0.0

            other_process.bus.handle(
                c.RecordResult(
                    pact_id="btb-2022",
                    unit_id="thanh-hoa",
                    target_code="KH",
                    value=95,
                    reported_on=date(2022, 12, 31),
                    source="báo cáo",
                )
            )

            assert _scores(client)["thanh-hoa"] == 95.0
    finally:
        api_ledger.close()
        other_process.close()


def test_a_rebuild_by_another_process_is_seen_by_the_next_read(store_url):
    """A rebuild rewrites the read models without moving the log head: the cache must notice."""
    api_ledger, other_process = make_ledger(store_url), make_ledger(store_url)
    try:
        _given_a_pact(other_process.bus)
        other_process.bus.handle(
            c.RecordResult(
                pact_id="btb-2022",
                unit_id="thanh-hoa",
                target_code="KH",
                value=95,
                reported_on=date(2022, 12, 31),
                source="báo cáo",
            )
        )
        # Read models as an older projection left them (the reason one rebuilds).
        with other_process.engine.begin() as conn:
            conn.execute(t.pact_scores.update().values(score=0.0))
        with TestClient(create_app(api_ledger)) as client:
            assert _scores(client)["thanh-hoa"] == 0.0  # now cached

            rebuild(other_process.engine, other_process.store)

            scores = client.get("/api/v1/pacts/btb-2022/scores").json()
            assert {s["unit_id"]: s["score"] for s in scores["standings"]}["thanh-hoa"] == 95.0
            assert _scores(client)["thanh-hoa"] == 95.0
    finally:
        api_ledger.close()
        other_process.close()


def _terminate_other_backends(url: str) -> int:
    """What a PostgreSQL restart or an operator's pg_terminate_backend does to our connections."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        engine.dispose()


def test_standings_recover_when_postgresql_drops_every_connection(pg_url):
    api_ledger = make_ledger(pg_url)
    try:
        _given_a_pact(api_ledger.bus)
        with TestClient(create_app(api_ledger), raise_server_exceptions=False) as client:
            assert _scores(client)["thanh-hoa"] == 0.0  # cached; the head reader is connected

            assert _terminate_other_backends(pg_url) >= 2

            # The head reader notices its broken connection and reads again on a new one.
            assert _scores(client)["thanh-hoa"] == 0.0
            other_process = make_ledger(pg_url)
            try:
                other_process.bus.handle(
                    c.RecordResult(
                        pact_id="btb-2022",
                        unit_id="thanh-hoa",
                        target_code="KH",
                        value=95,
                        reported_on=date(2022, 12, 31),
                        source="báo cáo",
                    )
                )
            finally:
                other_process.close()
            # A miss renders on a pooled connection, which died too: like every route, at
            # most one request fails (and invalidates the pool), the next one answers.
            url = "/api/v1/clusters/bac-trung-bo/standings?year=2022"
            statuses = [client.get(url).status_code for _ in range(3)]
            assert statuses[1:] == [200, 200], statuses
            assert _scores(client)["thanh-hoa"] == 95.0
    finally:
        api_ledger.close()


def test_a_slow_database_does_not_stall_the_event_loop(pg_url):
    """While the log head cannot be read, standings requests wait (sharing the
    reads of the head), and the event loop keeps answering everything else."""
    api_ledger = make_ledger(pg_url)
    locker = sa.create_engine(pg_url)
    url = "/api/v1/clusters/bac-trung-bo/standings?year=2022"
    try:
        _given_a_pact(api_ledger.bus)
        with TestClient(create_app(api_ledger)) as client, locker.connect() as lock:
            lock.execute(sa.text("LOCK TABLE event_log_head IN ACCESS EXCLUSIVE MODE"))
            answers: dict[str, int] = {}

            def get(name: str, url: str) -> None:
                answers[name] = client.get(url).status_code

            waiting = [threading.Thread(target=get, args=(f"standings {i}", url)) for i in range(5)]
            for thread in waiting:
                thread.start()
                time.sleep(0.1)
            health = threading.Thread(target=get, args=("healthz", "/healthz"))
            health.start()
            health.join(timeout=5)
            while_locked = dict(answers)
            lock.rollback()  # releases the lock whatever happened above
            for thread in [*waiting, health]:
                thread.join(timeout=10)

            assert while_locked == {"healthz": 200}, "the event loop was blocked"
            assert answers == {"healthz": 200, **{f"standings {i}": 200 for i in range(5)}}
    finally:
        api_ledger.close()
        locker.dispose()
