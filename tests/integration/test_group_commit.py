"""Group commit on real stores: each command of a group decided alone, all committed once.

The writer is held by a job that waits on an event, so the commands sent meanwhile
queue up in a known order and form one group when it is released.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
import sqlalchemy as sa

from app.audit.verify import verify_database
from app.domain import errors
from app.domain.pact import PACT
from app.events.schema import events
from app.projections import tables as t
from app.services.bus import Ack, Meta
from app.services.group_commit import GroupCommitBus
from app.services.idempotency import KeyReused, Once, Outcome, Replay, fingerprint
from app.services.unit_of_work import UnitOfWork
from app.services.write_queue import Job, Overloaded
from tests.conftest import issue_key, make_ledger
from tests.integration import world


def _render(acks) -> Outcome:
    ack = acks[-1]
    return Outcome(200, f'{{"id":"{ack.id}","version":{ack.version}}}'.encode(), {})


def _once(key, idempotency_key: str, body: bytes) -> Once:
    return Once(key.id, idempotency_key, fingerprint("POST", "/x", body), _render)


@pytest.fixture
def ledger(store_url: str):
    ledger = make_ledger(store_url)
    assert isinstance(ledger.bus, GroupCommitBus)
    world.build(ledger.bus)
    yield ledger
    ledger.close()


@pytest.fixture
def key(ledger):
    return ledger.keys.authenticate(f"Bearer {issue_key(ledger, 'admin')}")


class Sent:
    """A command sent from a thread of its own: ``answer`` is its Ack or its exception."""

    def __init__(self, send: Callable[[], object]) -> None:
        self.answers: list[object] = []

        def run() -> None:
            try:
                self.answers.append(send())
            except Exception as error:
                self.answers.append(error)

        self.thread = threading.Thread(target=run)
        self.thread.start()

    @property
    def answer(self) -> object:
        self.thread.join(30)
        assert len(self.answers) == 1, "answered exactly once"
        return self.answers[0]


@contextmanager
def held(bus: GroupCommitBus) -> Iterator[Callable[[Callable[[], object]], Sent]]:
    """Holds the writer; yields ``send(fn)``, which starts ``fn`` in a thread and returns once
    its write waits in the queue (so the arrival order is the order of the calls)."""
    release = threading.Event()
    blocker = Sent(lambda: bus.queue.submit(Job(release.wait, alone=True)))
    while bus.queue.waiting or not bus.queue.writing:
        time.sleep(0.001)

    def send(fn: Callable[[], object]) -> Sent:
        before = bus.queue.waiting
        sent = Sent(fn)
        while bus.queue.waiting == before and sent.thread.is_alive():
            time.sleep(0.001)
        return sent

    try:
        yield send
    finally:
        release.set()
        assert blocker.answer is True


def _commits(ledger) -> list[int]:
    counted = [0]
    sa.event.listen(ledger.engine, "commit", lambda conn: counted.__setitem__(0, counted[0] + 1))
    return counted


def _log(ledger) -> list[tuple[int, str, int, str]]:
    with ledger.engine.connect() as conn:
        cols = (events.c.position, events.c.stream_id, events.c.version, events.c.type)
        return [tuple(r) for r in conn.execute(sa.select(*cols).order_by(events.c.position))]


def _intact(ledger) -> None:
    with ledger.engine.connect() as conn:
        report = verify_database(conn)
    assert report.problem is None, report.problem


def test_a_group_answers_each_command_with_its_own_outcome_and_commits_once(ledger, key):
    bus, meta = ledger.bus, Meta(principal=key)
    head = _log(ledger)[-1][0]
    commits = _commits(ledger)
    with held(bus) as send:
        first = send(lambda: bus.handle(world.result("ha-tinh", 90), meta))
        outsider = send(lambda: bus.handle(world.result("hung-yen", 91), meta))  # not a party
        stale = send(lambda: bus.handle(replace(world.result("nghe-an"), expected_version=1), meta))
        second = send(lambda: bus.handle(world.result("thanh-hoa", 92), meta))
        unknown = send(lambda: bus.handle(replace(world.result(), pact_id="no-such-pact"), meta))
        third = send(lambda: bus.handle(world.result("nghe-an", 93), meta))
        assert bus.queue.waiting == 6
    assert isinstance(outsider.answer, errors.NotAMember)
    assert isinstance(stale.answer, errors.VersionConflict)
    assert isinstance(unknown.answer, errors.NotFound)
    acks = [first.answer, second.answer, third.answer]
    # Arrival order is log order; positions gapless; versions one after another.
    assert [a.position for a in acks] == [head + 1, head + 2, head + 3]
    assert [a.version for a in acks] == [acks[0].version, acks[0].version + 1, acks[0].version + 2]
    assert commits[0] == 1  # one transaction for the group (the blocker opened none)
    log = _log(ledger)
    assert [row[0] for row in log] == list(range(1, head + 4))
    assert [(r[1], r[2]) for r in log[-3:]] == [(f"pact:{world.PACT}", a.version) for a in acks]
    _intact(ledger)
    with ledger.engine.connect() as conn:
        units = conn.execute(
            sa.select(t.pact_results.c.unit_id).where(t.pact_results.c.pact_id == world.PACT)
        )
        assert sorted(units.scalars()) == ["ha-tinh", "nghe-an", "thanh-hoa"]


def test_a_command_refused_after_its_events_were_flushed_leaves_no_trace(ledger, key):
    """The retry of an earlier keyed write is decided (its result recorded in memory and
    in the transaction) before its record collides: all of that is undone, the cache and
    the log head included, and the commands after it see the state without it."""
    bus, meta = ledger.bus, Meta(principal=key)
    bus.handle(world.result("nghe-an", 79), meta, _once(key, "k-0", b"nghe-an 79"))
    done = bus.handle(world.result("ha-tinh", 80), meta, _once(key, "k-1", b"ha-tinh 80"))
    with held(bus) as send:
        before = send(lambda: bus.handle(world.result("nghe-an", 81), meta))
        retry = send(lambda: bus.handle(world.result("ha-tinh", 80), meta, _once(key, "k-1", b"ha-tinh 80")))
        reused = send(lambda: bus.handle(world.result("thanh-hoa", 1), meta, _once(key, "k-0", b"other")))
        after = send(lambda: bus.handle(world.result("thanh-hoa", 82), meta, _once(key, "k-2", b"th 82")))
    assert isinstance(retry.answer, Replay)
    assert retry.answer.outcome == _render([done])
    assert isinstance(reused.answer, KeyReused)
    b, a = before.answer, after.answer
    assert isinstance(b, Ack) and isinstance(a, Ack)
    assert (a.position, a.version) == (b.position + 1, b.version + 1) == (done.position + 2, done.version + 2)
    # Another command now starts from the committed state, from the cache and from the log.
    fresh = make_ledger(str(ledger.engine.url.render_as_string(hide_password=False)))
    try:
        for source in (ledger, fresh):
            with source.unit_of_work() as uow:
                state = uow.get(PACT, world.PACT)
                assert uow.version(PACT, world.PACT) == a.version
                values = {unit: r.value for (unit, _), r in state.results.items()}
                assert values == {"ha-tinh": 80, "nghe-an": 81, "thanh-hoa": 82}
    finally:
        fresh.close()
    with ledger.engine.connect() as conn:
        keys = conn.execute(sa.text("select idempotency_key from idempotency_records order by 1")).scalars()
        assert list(keys) == ["k-0", "k-1", "k-2"]
    _intact(ledger)


def test_a_failed_commit_answers_every_command_of_the_group_with_its_error(ledger, key, monkeypatch):
    """A COMMIT that fails (a full disk) rolls the transaction back: every command of the
    group gets that error, none an ack, and the state cache learns nothing of them."""
    bus, meta = ledger.bus, Meta(principal=key)
    head = _log(ledger)[-1][0]

    def commit_fails(uow: UnitOfWork) -> None:
        uow.conn.rollback()
        raise OSError("disk full")

    with held(bus) as send:
        sent = [send(lambda u=u: bus.handle(world.result(u, 70), meta)) for u in world.MEMBERS]
        monkeypatch.setattr(UnitOfWork, "commit_flushed", commit_fails)
    answers = [s.answer for s in sent]
    monkeypatch.undo()
    assert all(isinstance(a, OSError) for a in answers), answers
    assert _log(ledger)[-1][0] == head
    ack = bus.handle(world.result("ha-tinh", 71), meta)
    assert (ack.position, ack.version) == (head + 1, 3)
    with ledger.unit_of_work() as uow:
        assert [r.value for r in uow.get(PACT, world.PACT).results.values()] == [71]
    _intact(ledger)


def test_a_full_queue_refuses_at_once_and_the_waiting_writes_still_commit(store_url):
    ledger = make_ledger(store_url, write_queue_max=2, write_retry_after=7)
    try:
        world.build(ledger.bus)
        bus = ledger.bus
        with held(bus) as send:
            waiting = [send(lambda u=u: bus.handle(world.result(u, 60))) for u in ("ha-tinh", "nghe-an")]
            with pytest.raises(Overloaded) as full:
                bus.handle(world.result("thanh-hoa", 60))
            assert full.value.retry_after == 7
        assert [w.answer.version for w in waiting] == [3, 4]
    finally:
        ledger.close()


def test_many_concurrent_writers_are_each_answered_once_with_a_gapless_chained_log(ledger, key):
    bus, meta = ledger.bus, Meta(principal=key)
    head = _log(ledger)[-1][0]
    senders, each = 12, 15

    def write(n: int) -> list[object]:
        out: list[object] = []
        for i in range(each):
            unit = world.MEMBERS[(n + i) % 3] if (n + i) % 5 else "hung-yen"  # 1 in 5 refused
            try:
                out.append(bus.handle(world.result(unit, n * 100 + i), meta))
            except errors.NotAMember as error:
                out.append(error)
        return out

    sent = [Sent(lambda n=n: write(n)) for n in range(senders)]
    answers = [a for s in sent for a in s.answer]
    acks = [a for a in answers if isinstance(a, Ack)]
    assert len(answers) == senders * each
    assert len(acks) == sum(1 for n in range(senders) for i in range(each) if (n + i) % 5)
    assert sorted(a.position for a in acks) == list(range(head + 1, head + 1 + len(acks)))
    versions = sorted(a.version for a in acks)
    assert versions == list(range(versions[0], versions[0] + len(acks)))
    assert [row[0] for row in _log(ledger)] == list(range(1, head + 1 + len(acks)))
    _intact(ledger)


def test_an_append_that_fails_for_the_group_is_retried_command_by_command(ledger, key):
    """A failure no decision foresaw (here the read models refuse one unit's result) fails
    the group's one append; each command then runs alone and is answered as it fares."""
    bus, meta = ledger.bus, Meta(principal=key)
    head = _log(ledger)[-1][0]
    apply = ledger.projector.apply

    def refuse_thanh_hoa(conn, changes) -> None:
        if any(getattr(change.event, "unit_id", None) == "thanh-hoa" for change in changes):
            raise sa.exc.IntegrityError("insert", {}, Exception("refused"))
        apply(conn, changes)

    ledger.projector.apply = refuse_thanh_hoa
    with held(bus) as send:
        sent = [send(lambda u=u: bus.handle(world.result(u, 40), meta)) for u in world.MEMBERS]
    ha_tinh, nghe_an, thanh_hoa = (s.answer for s in sent)
    assert isinstance(thanh_hoa, sa.exc.IntegrityError)
    assert (ha_tinh.position, nghe_an.position) == (head + 1, head + 2)
    assert [row[0] for row in _log(ledger)] == list(range(1, head + 3))
    _intact(ledger)


def test_two_processes_writing_one_pact_in_turn_see_each_others_events(store_url):
    """Each process's cache holds the pact; the other's writes mark it behind, and the
    next command reads only the newer events onto it."""
    first = make_ledger(store_url)
    world.build(first.bus)
    second = make_ledger(store_url)
    try:
        versions = []
        for i in range(6):
            bus = (first, second)[i % 2].bus
            versions.append(bus.handle(world.result(world.MEMBERS[i % 3], 10.0 + i)).version)
        assert versions == list(range(3, 9))
        for ledger in (first, second):
            with ledger.unit_of_work() as uow:
                state = uow.get(PACT, world.PACT)
                assert uow.version(PACT, world.PACT) == 8
                values = {unit: r.value for (unit, _), r in state.results.items()}
                assert values == {"ha-tinh": 13.0, "nghe-an": 14.0, "thanh-hoa": 15.0}
    finally:
        first.close()
        second.close()
