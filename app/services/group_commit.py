"""Group commit: the writes waiting in a process share one transaction and one fsync.

``GroupCommitBus`` is the message bus with its writes queued (app.services.write_queue).
The writer of a group opens one unit of work (one log lock, one catch-up of the
state cache) and decides its commands in arrival order, each against the state
the commands before it left, each in a savepoint of its own:

- a command refused (a rule, its key, its expected version, a collision of its
  Idempotency-Key) is rolled back to its savepoint, in the database and in the
  unit of work's memory (states, versions, the log head it would have moved),
  and answered with its own error; the others go on;
- a command decided is flushed: its events appended at the next positions,
  chained to the one before, its read models and idempotency record written.

Then one commit, and only after it has returned (durable: WAL with
``synchronous=FULL`` on SQLite, ``synchronous_commit=on`` on PostgreSQL) is any
command of the group answered, and the state cache told the new states. If the
commit fails, every command of the group is answered with that error: nothing
is acknowledged that is not durable. A group of one runs exactly as the plain
bus runs a command (no savepoint), so one client alone pays nothing for this.

Imports (``handle_many``) and dry runs (``authorize``) take their turn in the
queue, alone: every write of the process goes through the one writer, so none
waits on the database's lock behind another of the same process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.commands import Command
from app.events.store import StoredEvent
from app.services.bus import Ack, MessageBus, Meta, _observe, _today
from app.services.idempotency import Once, Records
from app.services.unit_of_work import UnitOfWork
from app.services.write_queue import Job, WriteQueue

SAVEPOINT, ROLLBACK_TO = "SAVEPOINT group_command", "ROLLBACK TO SAVEPOINT group_command"
_SYSTEM = Meta()  # in-process callers (the CLI, the demo) send no key


@dataclass(slots=True)
class _One:
    """A single command waiting in the queue."""

    command: Command
    meta: Meta
    once: Once | None
    stream: str | None = None
    count: int = 0  # events it recorded, once decided


class _AppendFailed(Exception):
    """The append of a group's events failed: nothing of the group was written."""


class GroupCommitBus(MessageBus):
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        records: Records | None = None,
        clock: Callable[[], date] = _today,
        on_committed: Callable[[Sequence[StoredEvent]], None] | None = None,
        *,
        max_group: int = 64,
        max_waiting: int = 128,
        retry_after: int = 1,
    ) -> None:
        super().__init__(uow_factory, records, clock, on_committed)
        self.queue = WriteQueue(self._write_group, max_group, max_waiting, retry_after)

    def handle(self, command: Command, meta: Meta = _SYSTEM, once: Once | None = None) -> Ack:
        with self._exactly_once(once):
            return self.queue.submit(Job(_One(command, meta, once)))

    def handle_many(
        self, commands: Sequence[Command], meta: Meta = _SYSTEM, once: Once | None = None
    ) -> list[Ack]:
        with self._exactly_once(once):
            return self.queue.submit(Job(lambda: self._handle_many(commands, meta, once), alone=True))

    def authorize(self, commands: Sequence[Command], meta: Meta) -> None:
        self.queue.submit(Job(lambda: MessageBus.authorize(self, commands, meta), alone=True))

    def _write_group(self, jobs: Sequence[Job]) -> None:
        """Run by the queue's writer: answer every job, raise nothing."""
        if len(jobs) == 1:
            job = jobs[0]
            try:
                one = job.payload
                job.result = one() if job.alone else self._handle_one(one.command, one.meta, one.once)
            except Exception as error:
                job.error = error
            return
        try:
            decided, stored = self._write_together(jobs)
        except _AppendFailed:
            # The group's append failed where no decision foresaw it (a constraint of
            # the store): nothing was written. Each command runs again, alone, in order,
            # and is answered as it fares alone.
            for job in jobs:
                job.result = job.error = None
                if job.payload.once is not None:
                    job.payload.once.outcome = None
                self._write_group([job])
            return
        except Exception as error:
            # Nothing of the group is durable, and a refusal may have been decided
            # against a command that is lost now: every command gets this error.
            for job in jobs:
                job.result, job.error = None, error
            return
        if stored:
            self._on_committed(stored)
        events = iter(stored)
        for job in decided:
            one = job.payload
            mine = [next(events) for _ in range(one.count)]
            _observe(mine, one.meta, type(one.command).__name__, one.stream, job.result)

    def _write_together(self, jobs: Sequence[Job]) -> tuple[list[Job], list[StoredEvent]]:
        """One transaction: each command decided in turn, then one append of all their
        events (in command order), one projection, one commit."""
        with self._uow_factory() as uow:
            decided = [job for job in jobs if self._try(uow, job)]
            try:
                stored = uow.flush()
            except Exception as error:
                raise _AppendFailed from error
            uow.commit_flushed()
        return decided, stored

    def _try(self, uow: UnitOfWork, job: Job) -> bool:
        """Decide and stage one command of a group in a savepoint; False: refused, and undone."""
        one: _One = job.payload
        mark = uow.mark()
        # Straight to the driver: SQLAlchemy's savepoints cost a statement compiled
        # each (a sixth of a group's time). Not released: the next command's nests
        # in it, and ROLLBACK TO names the innermost; the commit ends them all.
        driver = uow.conn.connection.driver_connection
        assert driver is not None
        driver.execute(SAVEPOINT)
        before = uow.staged_events
        try:
            job.result, one.stream, _ = self._decide(uow, one.command, one.meta, one.once, uow.stage)
        except Exception as error:
            # A savepoint that cannot be rolled back means the transaction is lost:
            # that error ends the group (every command of it is answered with it).
            driver.execute(ROLLBACK_TO)
            uow.restore(mark)
            job.result, job.error = None, error
            if one.once is not None:
                one.once.outcome = None
            return False
        one.count = uow.staged_events - before
        return True
