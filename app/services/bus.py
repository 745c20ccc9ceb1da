"""The message bus: runs a command's handler in its own unit of work and commits.

Before any handler runs, under the log lock, the sending key is checked as it
stands now (not revoked, not expired), and then each command for the right it
needs (app.domain.access). In-process callers (the CLI, the demo loader) send no key.

A write sent with an Idempotency-Key (``once``) stores its answer with its events
(app.services.idempotency). It is not looked up first: the first write with a
key is by far the common case, and a look-up would cost every write a round trip.
A repeated one fails instead, as its record's insert collides with the first's,
or as its command no longer applies (the pact it proposes exists now); only then
is the record read, and its answer replayed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from app.domain import access, errors
from app.domain.apikey import APIKEY, ApiKey
from app.domain.commands import Command
from app.domain.pact import PACT
from app.events.store import StoredEvent
from app.observability.logs import write_log
from app.observability.metrics import EVENTS_APPENDED
from app.services import collector
from app.services.handlers import HANDLERS
from app.services.idempotency import Once, Records
from app.services.unit_of_work import UnitOfWork
from app.services.write_queue import Overloaded


class Ack(NamedTuple):
    """What a write answers: the aggregate, its new version, and where the log now ends.

    (A named tuple: an import answers one per command, by the thousand.)"""

    id: str
    version: int
    position: int | None


@dataclass(frozen=True, slots=True)
class Meta:
    """Who asked, from where, and why: stored with every event for the auditors.

    ``principal`` is the API key that sent the command: its name is the actor.
    In-process callers send none and name themselves in ``actor``.
    ``on_behalf_of`` is whom the sender says it acts for (X-Actor): kept, never trusted.
    """

    actor: str = "system"
    source: str = "api"
    correlation_id: str | None = None
    reason: str | None = None
    principal: ApiKey | None = None
    on_behalf_of: str | None = None

    def as_dict(self, command: Command) -> dict:
        key = self.principal
        return {
            "actor": key.name if key else self.actor,
            "actor_role": key.role if key else "system",
            "actor_key": key.id if key else None,
            "actor_scope": key.scope if key else None,
            "on_behalf_of": self.on_behalf_of,
            "source": self.source,
            "correlation_id": self.correlation_id,
            "reason": self.reason,
            "command": type(command).__name__,
        }


_UNKEYED: AbstractContextManager[None] = nullcontext()


def _today() -> date:
    return datetime.now(UTC).date()


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        records: Records | None = None,
        clock: Callable[[], date] = _today,
        on_committed: Callable[[Sequence[StoredEvent]], None] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._records = records
        self._clock = clock
        # Told each commit's events, after the commit (the signing of checkpoints).
        self._on_committed = on_committed or (lambda stored: None)

    @property
    def records(self) -> Records | None:
        """The idempotency records this bus keeps (None: it takes no Idempotency-Key)."""
        return self._records

    def handle(self, command: Command, meta: Meta = Meta(), once: Once | None = None) -> Ack:
        with self._exactly_once(once):
            return self._handle_one(command, meta, once)

    def _handle_one(self, command: Command, meta: Meta, once: Once | None) -> Ack:
        """One command in a transaction of its own (the key already claimed, if any)."""
        with self._uow_factory() as uow:

            def commit(answer: Callable[[int | None], None]) -> list[StoredEvent]:
                return uow.commit(lambda stored: answer(stored[-1].position if stored else None))

            ack, stream, stored = self._decide(uow, command, meta, once, commit)
        self._on_committed(stored)
        _observe(stored, meta, type(command).__name__, stream, ack)
        return ack

    def _decide(
        self,
        uow: UnitOfWork,
        command: Command,
        meta: Meta,
        once: Once | None,
        write: Callable[[Callable[[int | None], None]], list[StoredEvent]],
    ) -> tuple[Ack, str, list[StoredEvent]]:
        """Check the key, decide the command and ``write`` its events (a commit, or within a
        group the unit of work's ``stage``), telling ``answer`` the position of its last event
        (the idempotency record is written then)."""
        check = self._admit(uow, meta)
        if check is not None:
            check(command)
        uow.metadata = meta.as_dict(command)
        kind, entity_id = HANDLERS[type(command)](command, uow)
        acks: list[Ack] = []

        def answer(position: int | None) -> None:
            acks.append(Ack(entity_id, uow.version(kind, entity_id), position))
            if once is not None:
                self._remember(uow, once, acks, position)

        stored = write(answer)
        return acks[0], kind.stream_id(entity_id), stored

    def handle_many(
        self, commands: Sequence[Command], meta: Meta = Meta(), once: Once | None = None
    ) -> list[Ack]:
        """Several commands in one transaction: all are recorded, or none (imports).

        Each event's metadata names the command that recorded it; the events of
        one kind of command share one metadata dict (encoded once)."""
        with self._exactly_once(once):
            return self._handle_many(commands, meta, once)

    def _handle_many(self, commands: Sequence[Command], meta: Meta, once: Once | None) -> list[Ack]:
        metadata: dict[type, dict[str, Any]] = {}
        with collector.paused(), self._uow_factory() as uow:
            check = self._admit(uow, meta)
            touched = []
            for cmd in commands:
                if check is not None:
                    check(cmd)
                kind = type(cmd)
                uow.metadata = metadata.get(kind) or metadata.setdefault(kind, meta.as_dict(cmd))
                touched.append(HANDLERS[kind](cmd, uow))
            acks: list[Ack] = []

            def answer(stored: list[StoredEvent]) -> None:
                last = stored[-1].position if stored else None
                acks.extend(Ack(i, uow.version(k, i), last) for k, i in touched)
                if once is not None:
                    self._remember(uow, once, acks, last)

            stored = uow.commit(answer)
        self._on_committed(stored)
        _observe(stored, meta, "batch", None, None, commands=len(commands))
        return acks

    def authorize(self, commands: Sequence[Command], meta: Meta) -> None:
        """Check the key and its right to every command, and write nothing (dry runs)."""
        with self._uow_factory() as uow:
            check = self._admit(uow, meta)
            if check is not None:
                for cmd in commands:
                    check(cmd)

    def _exactly_once(self, once: Once | None) -> AbstractContextManager[None]:
        return _UNKEYED if once is None else self._keyed(once)

    @contextmanager
    def _keyed(self, once: Once) -> Iterator[None]:
        """Around a keyed write's unit of work: claim its key in this process; if the
        write fails (its transaction is rolled back by then), answer its record if one
        exists: the write was made already (Replay), or the key used otherwise (KeyReused)."""
        if self._records is None:
            raise RuntimeError("this bus keeps no idempotency records")
        with self._records.running(once):
            try:
                yield
            except (errors.Unauthenticated, Overloaded):
                raise  # a key refused now gets no answer, not even an old one; nor a full queue
            except Exception:
                with self._uow_factory() as uow:
                    self._records.find(uow.conn, once)
                raise
        self._records.purge_if_due()

    def _admit(self, uow: UnitOfWork, meta: Meta) -> Callable[[Command], None] | None:
        """Check the key as it stands now; returns the per-command check (None: trusted)."""
        key = meta.principal
        current = None
        if key is not None:
            state = uow.load(APIKEY, key.id)
            current = access.admit(state, key.id, self._clock())
        if current is None or current.role == "admin":
            return None

        def cluster_of_pact(pact_id: str) -> str:
            state = uow.get(PACT, pact_id)
            return state.cluster_id

        return lambda command: access.authorize(current, command, cluster_of_pact)

    def _remember(self, uow: UnitOfWork, once: Once, acks: list[Ack], position: int | None) -> None:
        assert self._records is not None
        self._records.save(uow.conn, once, acks, position)


def _observe(
    stored: list[StoredEvent],
    meta: Meta,
    command: str,
    stream: str | None,
    ack: Ack | None,
    **more: object,
) -> None:
    """After the commit: the events appended, and one log line for the write."""
    for event_type, count in Counter(s.type for s in stored).items():
        EVENTS_APPENDED.labels(event_type).inc(count)
    if write_log.isEnabledFor(logging.INFO):
        fields = {
            "command": command,
            "stream": stream,
            "version": ack.version if ack else None,
            "position": stored[-1].position if stored else None,
            "events": len(stored),
            "correlation_id": meta.correlation_id,
            "source": meta.source,
            **more,
        }
        write_log.info("write", extra={"fields": fields})
