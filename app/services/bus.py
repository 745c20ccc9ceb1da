"""The message bus: runs a command's handler in its own unit of work and commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.domain.commands import Command
from app.services import collector
from app.services.handlers import HANDLERS
from app.services.unit_of_work import UnitOfWork


class Ack(NamedTuple):
    """What a write answers: the aggregate, its new version, and where the log now ends.

    (A named tuple: an import answers one per command, by the thousand.)"""

    id: str
    version: int
    position: int | None


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
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def handle(self, command: Command, meta: Meta = Meta()) -> Ack:
        with self._uow_factory() as uow:
            uow.metadata = meta.as_dict(command)
            kind, entity_id = HANDLERS[type(command)](command, uow)
            stored = uow.commit()
            version = uow.version(kind, entity_id)
        return Ack(entity_id, version, stored[-1].position if stored else None)

    def handle_many(self, commands: Sequence[Command], meta: Meta = Meta()) -> list[Ack]:
        """Several commands in one transaction: all are recorded, or none (imports).

        Each event's metadata names the command that recorded it; the events of
        one kind of command share one metadata dict (encoded once)."""
        metadata: dict[type, dict[str, Any]] = {}
        with collector.paused(), self._uow_factory() as uow:
            touched = []
            for cmd in commands:
                kind = type(cmd)
                uow.metadata = metadata.get(kind) or metadata.setdefault(kind, meta.as_dict(cmd))
                touched.append(HANDLERS[kind](cmd, uow))
            stored = uow.commit()
            last = stored[-1].position if stored else None
            return [Ack(i, uow.version(k, i), last) for k, i in touched]
