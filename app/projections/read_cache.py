"""Responses cached by the state of the read models: never stale, by construction.

The key is the log head (app.projections.head): the last position, which every
write moves in the transaction that also updates the read models, and the
read-model generation, which every rebuild bumps in its own. An answer computed
at head H is exactly right for as long as the head is still H. The head is read
from the database on every request, so it sees other processes' commits too:
several API processes on one PostgreSQL can each keep a cache.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

from sqlalchemy.engine import Connection, Engine

from app.db import read_connection
from app.projections.head import HEAD_SQL, Head, head_reader


class Answer(NamedTuple):
    """A cached answer: its bytes and their strong ETag, as a header value (hashed once, when cached)."""

    body: bytes
    etag: bytes


def strong_etag(body: bytes) -> str:
    """A strong ETag of ``body``: 128 bits of BLAKE2b, base64url."""
    digest = hashlib.blake2b(body, digest_size=16).digest()
    return '"' + base64.urlsafe_b64encode(digest).rstrip(b"=").decode() + '"'


class HeadCache:
    def __init__(self, engine: Engine, capacity: int = 1024) -> None:
        self._engine = engine
        self._capacity = capacity
        self._entries: OrderedDict[Hashable, tuple[Head, Answer]] = OrderedDict()
        self._lock = threading.Lock()
        self._reader = head_reader(engine)

    async def head(self) -> Head:
        """The head as committed right now, read without blocking the event loop."""
        return await self._reader.read()

    async def aclose(self) -> None:
        """Close the head reader's connection (at the end of the app's event loop)."""
        await self._reader.aclose()

    def get(self, key: Hashable, head: Head) -> Answer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != head:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, head: Head, body: bytes) -> Answer:
        answer = Answer(body, strong_etag(body).encode())
        with self._lock:
            current = self._entries.get(key)
            # Both parts only grow, so a greater head is a newer one.
            if current is not None and current[0] > head:
                return answer
            self._entries[key] = (head, answer)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return answer

    def compute(self, key: Hashable, render: Callable[[Connection], bytes]) -> Answer:
        """Render in one read transaction, and cache under the head that transaction saw
        (read first: whatever the render then reads is at least that new)."""
        with read_connection(self._engine) as conn, conn.begin():
            position, generation = conn.exec_driver_sql(HEAD_SQL).one()
            body = render(conn)
        return self.put(key, (position, generation), body)
