"""Reads as of a past position: folded from the log, they must read exactly as the read
models do at the head, on both stores; and before the head, as the log was then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.db import read_connection
from app.demo import load_demo
from app.domain.errors import InvalidValue, NotFound
from app.projections import dashboard, moments
from app.projections.reads import LiveReads, PastReads


@pytest.fixture
def demo(ledger):
    load_demo(ledger)
    return ledger


def _both(ledger, conn):
    head = moments.head(conn)
    return LiveReads(conn, head), PastReads(conn, ledger.store, head)


def test_every_read_folded_at_the_head_equals_the_read_models(demo):
    with read_connection(demo.engine) as conn, conn.begin():
        live, past = _both(demo, conn)
        assert past.units() == live.units() and len(live.units()) > 5
        assert past.clusters() == live.clusters()
        for cluster in live.clusters():
            assert past.cluster(cluster["id"]) == live.cluster(cluster["id"])
            assert past.rotations(cluster["id"]) == live.rotations(cluster["id"])
            assert dashboard.cluster_years(past, cluster["id"]) == dashboard.cluster_years(
                live, cluster["id"]
            )
        pacts = live.pacts()
        assert past.pacts() == pacts and len(pacts) > 3
        for pact in pacts:
            assert past.pact(pact["id"]) == live.pact(pact["id"])
            assert past.scores(pact["id"]) == live.scores(pact["id"])
        for unit in live.units():
            assert dashboard.unit_pacts(past, unit["id"]) == dashboard.unit_pacts(live, unit["id"])
        for year in (2012, 2022, 2023):
            assert dashboard.rankings(past, year) == dashboard.rankings(live, year)


def test_before_a_rename_the_unit_reads_its_old_name_and_version(demo):
    with read_connection(demo.engine) as conn, conn.begin():
        live = LiveReads(conn, moments.head(conn))
        renamed = next(u for u in live.units() if u["version"] > 1 and u["merged_into"] is None)
        positions = [
            e.position for e in demo.store.read_stream(conn, f"unit:{renamed['id']}") if e.version <= 1
        ]
        before = PastReads(conn, demo.store, positions[-1]).unit(renamed["id"])
        assert before["version"] == 1 and before["name"] != renamed["name"]


def test_nothing_existed_at_position_zero(demo):
    with read_connection(demo.engine) as conn, conn.begin():
        nothing = PastReads(conn, demo.store, 0)
        assert nothing.units() == [] and nothing.clusters() == [] and nothing.pacts() == []
        with pytest.raises(NotFound):
            nothing.unit("ha-tinh")


def test_a_moment_names_the_last_event_recorded_at_or_before_it(demo):
    with read_connection(demo.engine) as conn, conn.begin():
        head = moments.head(conn)
        log = [e for batch in demo.store.read_all(conn) for e in batch]
        for event in (log[0], log[len(log) // 2], log[-1]):
            expected = max(e.position for e in log if e.recorded_at <= event.recorded_at)
            assert moments.resolve(conn, event.recorded_at) == (expected, head)
        assert moments.resolve(conn, datetime(2000, 1, 1, tzinfo=UTC)) == (0, head)
        assert moments.resolve(conn, None) == (head, head)
        assert moments.resolve(conn, head) == (head, head)
        with pytest.raises(InvalidValue, match="after the log's last position"):
            moments.resolve(conn, head + 1)
        with pytest.raises(InvalidValue, match="in the future"):
            moments.resolve(conn, datetime.now(UTC) + timedelta(minutes=5))
