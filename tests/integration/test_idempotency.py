"""Idempotency records on real stores: stored with the write, replayed, refused, purged."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.db import write_connection
from app.domain import errors
from app.services.bus import MessageBus, Meta
from app.services.idempotency import KeyInFlight, KeyReused, Once, Outcome, Records, Replay, fingerprint
from app.services.tables import idempotency_records
from tests.conftest import issue_key, make_ledger
from tests.integration import world


def _render(acks) -> Outcome:
    ack = acks[-1]
    return Outcome(200, f'{{"id":"{ack.id}","version":{ack.version}}}'.encode(), {"etag": f'"{ack.version}"'})


def _once(key, idempotency_key: str = "k-1", body: bytes = b"result 1") -> Once:
    return Once(key.id, idempotency_key, fingerprint("POST", "/api/v1/pacts/btb-2022/results", body), _render)


def _state(ledger) -> tuple[int, list]:
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            sa.select(idempotency_records).order_by(idempotency_records.c.idempotency_key)
        ).all()
        return ledger.store.last_position(conn), [(r.idempotency_key, r.status, bytes(r.body)) for r in rows]


@pytest.fixture
def key(ledger):
    world.build(ledger.bus)
    return ledger.keys.authenticate(f"Bearer {issue_key(ledger, 'integration')}")


def test_a_write_is_recorded_with_its_answer_and_a_retry_replays_it(ledger, key):
    once = _once(key)
    ack = ledger.bus.handle(world.result(), Meta(principal=key), once)
    after_first = _state(ledger)

    with pytest.raises(Replay) as replay:
        ledger.bus.handle(world.result(), Meta(principal=key), _once(key))

    assert once.outcome == replay.value.outcome == _render([ack])
    assert after_first == (ack.position, [("k-1", 200, once.outcome.body)]) == _state(ledger)


def test_a_retry_replays_even_when_the_command_would_now_be_refused(ledger, key):
    admin = ledger.keys.authenticate(f"Bearer {issue_key(ledger, 'admin')}")
    ledger.bus.handle(world.propose("btb-2023", 2023), Meta(principal=admin), _once(admin, "p"))

    with pytest.raises(Replay):  # proposing btb-2023 again would be AlreadyExists
        ledger.bus.handle(world.propose("btb-2023", 2023), Meta(principal=admin), _once(admin, "p"))


def test_the_same_key_for_another_request_is_refused_and_writes_nothing(ledger, key):
    ledger.bus.handle(world.result(), Meta(principal=key), _once(key))
    before = _state(ledger)

    with pytest.raises(KeyReused):
        ledger.bus.handle(world.result(value=12), Meta(principal=key), _once(key, body=b"result 2"))

    assert _state(ledger) == before


def test_keys_of_two_holders_do_not_collide(ledger, key):
    other = ledger.keys.authenticate(f"Bearer {issue_key(ledger, 'integration', name='he-thong-2')}")
    ledger.bus.handle(world.result(), Meta(principal=key), _once(key))

    ack = ledger.bus.handle(world.result(value=50), Meta(principal=other), _once(other, body=b"other"))

    assert [row[0] for row in _state(ledger)[1]] == ["k-1", "k-1"] and ack.version == 4


def test_a_refused_write_leaves_no_record_and_its_retry_is_tried_again(ledger, key):
    before = _state(ledger)
    bad = world.result("hung-yen")  # not a party to the pact

    for _ in range(2):
        with pytest.raises(errors.NotAMember):
            ledger.bus.handle(bad, Meta(principal=key), _once(key))
    assert _state(ledger) == before


def test_a_second_request_while_the_first_runs_is_refused(ledger, key):
    once = _once(key)
    with ledger.bus.records.running(once), pytest.raises(KeyInFlight):
        ledger.bus.handle(world.result(), Meta(principal=key), _once(key))
    ledger.bus.handle(world.result(), Meta(principal=key), once)  # afterwards it runs


def test_records_are_kept_for_the_ttl_then_purged_and_the_key_may_be_used_again(ledger, key):
    now = [datetime(2026, 12, 1, 8, tzinfo=UTC)]
    records = Records(timedelta(hours=24), ledger.engine, clock=lambda: now[0])
    bus = MessageBus(ledger.unit_of_work, records)  # the ledger's, with a clock of our own
    bus.handle(world.result(), Meta(principal=key), _once(key, "old"))
    now[0] += timedelta(hours=12)
    bus.handle(world.result(), Meta(principal=key), _once(key, "newer"))

    now[0] += timedelta(hours=13)  # "old" is 25 hours old, "newer" 13
    with pytest.raises(Replay):
        bus.handle(world.result(), Meta(principal=key), _once(key, "newer"))
    # After the next keyed write, the bus purges (at most every PURGE_EVERY, in its own transaction).
    bus.handle(world.result(value=2), Meta(principal=key), _once(key, "third", b"third"))
    assert [row[0] for row in _state(ledger)[1]] == ["newer", "third"]

    now[0] += timedelta(hours=12)  # "newer" is past the TTL too, but not purged yet (10 minutes)
    ack = bus.handle(world.result(value=1), Meta(principal=key), _once(key, "newer", b"new body"))
    assert [row[0] for row in _state(ledger)[1]] == ["newer", "third"] and ack.version == 6
    with ledger.engine.begin() as conn:
        assert records.purge(conn, now[0] + timedelta(hours=24)) == 1  # "third"


def test_two_processes_given_the_same_write_make_it_once_and_both_answer_it(ledger, key):
    """Across processes there is no in-flight claim to see: the second waits for the
    log lock the first holds, its record's insert collides, and it replays the first's answer."""
    other = make_ledger(ledger.settings.database_url)  # another API process
    holder = write_connection(ledger.engine)
    holder.begin()
    ledger.store.lock(holder)  # both wait behind this
    before, _ = _state(ledger)
    answers: list[object] = []

    def write(bus) -> None:
        try:
            answers.append(bus.handle(world.result(), Meta(principal=key), _once(key)).version)
        except Replay as replay:
            answers.append(replay.outcome)

    threads = [threading.Thread(target=write, args=(bus,)) for bus in (ledger.bus, other.bus)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.3)
    finally:
        holder.rollback()
        holder.close()
        for thread in threads:
            thread.join(30)
        other.close()

    assert sorted(map(type, answers), key=str) == sorted([int, Outcome], key=str)
    version = next(a for a in answers if isinstance(a, int))
    replayed = next(a for a in answers if isinstance(a, Outcome))
    assert replayed.body == f'{{"id":"{world.PACT}","version":{version}}}'.encode()
    assert _state(ledger)[0] == before + 1
