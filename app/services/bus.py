"""The message bus: runs a command's handler in its own unit of work and commits."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.domain.commands import Command
from app.events.store import StoredEvent
from app.observability.logs import write_log
from app.observability.metrics import EVENTS_APPENDED
from app.services import collector
from app.services.handlers import HANDLERS
from app.services.unit_of_work import UnitOfWork, stream_id


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
        ack = Ack(entity_id, version, stored[-1].position if stored else None)
        _observe(stored, meta, type(command).__name__, stream_id(kind, entity_id), ack)
        return ack

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
            acks = [Ack(i, uow.version(k, i), last) for k, i in touched]
        _observe(stored, meta, "batch", None, None, commands=len(commands))
        return acks


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
