"""The message bus: runs a command's handler in its own unit of work and commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.domain.commands import Command
from app.events.store import StoredEvent
from app.services import collector
from app.services.handlers import HANDLERS
from app.services.unit_of_work import UnitOfWork


class Ack(NamedTuple):
    """What a write answers: the aggregate, its new version, and where the log now ends.

    (A named tuple: an import answers one per command, by the thousand.)"""

    id: str
    version: int
    position: int | None
    events: tuple[StoredEvent, ...]


@dataclass(frozen=True, slots=True)
class Meta:
    """Who asked, from where, and why: stored with every event for the auditors."""

    actor: str = "system"
    source: str = "api"
    correlation_id: str | None = None
    reason: str | None = None

    def as_dict(self, command: Command) -> dict:
        return {
            "actor": self.actor,
            "source": self.source,
            "correlation_id": self.correlation_id,
            "reason": self.reason,
            "command": type(command).__name__,
        }


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        on_committed: Callable[[Sequence[StoredEvent]], None] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        # Told each commit's events, after the commit (the signing of checkpoints).
        self._on_committed = on_committed or (lambda stored: None)

    def handle(self, command: Command, meta: Meta = Meta()) -> Ack:
        with self._uow_factory() as uow:
            kind, entity_id = HANDLERS[type(command)](command, uow)
            stored = uow.commit(meta.as_dict(command))
            version = uow.version(kind, entity_id)
        self._on_committed(stored)
        return Ack(entity_id, version, stored[-1].position if stored else None, tuple(stored))

    def handle_many(self, commands: Sequence[Command], meta: Meta = Meta()) -> list[Ack]:
        """Several commands in one transaction: all are recorded, or none (imports)."""
        with collector.paused(), self._uow_factory() as uow:
            touched = [HANDLERS[type(cmd)](cmd, uow) for cmd in commands]
            stored = uow.commit(meta.as_dict(commands[0]) if commands else {})
            last = stored[-1].position if stored else None
            acks = [Ack(i, uow.version(k, i), last, ()) for k, i in touched]
        self._on_committed(stored)
        return acks
