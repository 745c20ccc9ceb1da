"""Responses cached by (request, log head position): never stale, by construction.

Every write moves ``event_log_head.last_position`` in the transaction that also
updates the read models, so an answer computed at head H is exactly right for
as long as the head is still H. Checking that costs one primary-key read on a
dedicated autocommit connection; it sees other processes' commits too, so
several API processes on one PostgreSQL can each keep a cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy.engine import Connection, Engine

from app.events.schema import log_head

_HEAD_SQL = f"SELECT last_position FROM {log_head.name} WHERE id = 1"


class HeadCache:
    def __init__(self, engine: Engine, capacity: int = 1024) -> None:
        self._engine = engine
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def head(self) -> int:
        """The log's last position, as committed right now."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            # Held for the thread's life, outside any transaction: each read sees
            # the latest commit (SQLite connections here are already autocommit).
            raw = self._local.raw = self._engine.raw_connection()
            if self._engine.dialect.name == "postgresql":
                raw.driver_connection.autocommit = True
            cursor = self._local.cursor = raw.cursor()
        cursor.execute(_HEAD_SQL)
        return cursor.fetchone()[0]

    def get(self, key: Hashable, head: int) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != head:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, head: int, body: bytes) -> None:
        with self._lock:
            current = self._entries.get(key)
            if current is not None and current[0] > head:
                return
            self._entries[key] = (head, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def compute(self, key: Hashable, render: Callable[[Connection], bytes]) -> bytes:
        """Render in one read transaction, and cache under the head that transaction saw."""
        with self._engine.connect() as conn, conn.begin():
            head = conn.execute(log_head.select().with_only_columns(log_head.c.last_position)).scalar_one()
            body = render(conn)
        self.put(key, head, body)
        return body
