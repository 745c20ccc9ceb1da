"""The composition root: the one place that wires store, projector, cache and bus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from app.audit.checkpoints import Checkpointer
from app.audit.monitor import LogMonitor
from app.audit.signing import Signer
from app.db import create_engine
from app.events.store import EventStore
from app.projections.projector import Projector
from app.projections.read_cache import HeadCache
from app.services.bus import MessageBus
from app.services.group_commit import GroupCommitBus
from app.services.idempotency import Records
from app.services.keys import KeyRing
from app.services.state_cache import StateCache
from app.services.unit_of_work import UnitOfWork
from app.settings import Settings, get_settings


@dataclass
class Ledger:
    settings: Settings
    engine: Engine
    store: EventStore
    projector: Projector
    cache: StateCache
    bus: MessageBus
    migration_head: str | None = None
    read_cache: HeadCache | None = None
    keys: KeyRing | None = None
    # Signs checkpoints of the log; None without a signing key (settings.signing_key_path).
    checkpointer: Checkpointer | None = None
    monitor: LogMonitor | None = None  # GET /api/v1/verify: resumes where it last verified

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.store, self.projector, self.cache)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, engine: Engine | None = None) -> Ledger:
    settings = settings or get_settings()
    engine = engine or create_engine(
        settings.database_url, settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout
    )
    store = EventStore(engine.dialect.name)
    projector = Projector()
    cache = StateCache(settings.state_cache_size)
    ledger = Ledger(settings, engine, store, projector, cache, None)  # type: ignore[arg-type]
    key = Path(settings.signing_key_path) if settings.signing_key_path else None
    if key is not None and key.is_file():
        every = (settings.checkpoint_every_events, settings.checkpoint_every_seconds)
        ledger.checkpointer = Checkpointer(engine, store, Signer.from_file(key), *every)
    signs = ledger.checkpointer.on_committed if ledger.checkpointer is not None else None
    records = Records(timedelta(hours=settings.idempotency_ttl_hours), engine)
    if settings.group_commit:
        ledger.bus = GroupCommitBus(
            ledger.unit_of_work,
            records,
            on_committed=signs,
            max_group=settings.write_group_max,
            max_waiting=settings.write_queue_max,
            retry_after=settings.write_retry_after,
        )
    else:
        ledger.bus = MessageBus(ledger.unit_of_work, records, on_committed=signs)
    ledger.read_cache = HeadCache(engine)
    ledger.keys = KeyRing(engine, settings.secret())
    ledger.monitor = LogMonitor()
    return ledger
