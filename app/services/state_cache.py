"""Aggregate states kept between commands.

A cached state is only a starting point, until the cache knows better: it keeps
``known_head``, the log position up to which every cached state is complete.
A unit of work holding the write lock at that same head may trust its entries
without reading the stream again; at any other head it first marks the streams
written since (by other processes) as behind: their states are kept, and the
next unit of work that needs one reads only the stream's newer events (a pact
written by two API processes in turn is not replayed from its start each time).
``get`` answers no state for a stream behind; ``lookup`` answers it, flagged.
States are immutable, so threads can share them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class StateCache:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._behind: set[str] = set()
        self.known_head: int | None = None

    def catch_up(self, head: int, written_since: Callable[[int], set[str]]) -> None:
        """Called with the write lock held at ``head``; afterwards every entry is
        current or marked behind. ``written_since(p)`` names the streams written after position p."""
        with self._lock:
            known = self.known_head
        if known == head:
            return
        if known is None or head < known or head - known > self._capacity:
            stale: set[str] | None = None  # unknown history: drop everything
        else:
            stale = written_since(known)
        with self._lock:
            if stale is None:
                self._items.clear()
                self._behind.clear()
            else:
                self._behind.update(sid for sid in stale if sid in self._items)
            self.known_head = head

    def advance(self, from_head: int, to_head: int) -> None:
        """A commit moved the log from ``from_head`` to ``to_head`` under the lock."""
        with self._lock:
            if self.known_head == from_head:
                self.known_head = to_head

    def get(self, stream_id: str) -> tuple[int, object]:
        version, state, behind = self.lookup(stream_id)
        return (0, None) if behind else (version, state)

    def lookup(self, stream_id: str) -> tuple[int, object, bool]:
        """(version, state, behind): when behind, the log holds events of the stream
        after ``version``, to be read and folded onto ``state``."""
        with self._lock:
            item = self._items.get(stream_id)
            if item is None:
                return 0, None, False
            self._items.move_to_end(stream_id)
            return item[0], item[1], stream_id in self._behind

    def put(self, stream_id: str, version: int, state: object, head: int | None = None) -> None:
        """Keep ``state`` at ``version``, current at log position ``head`` (a commit's end).
        If the cache has caught up past ``head`` meanwhile (another thread locked the log
        after this commit, and another process may have written the stream since), the
        state is kept marked behind: a stale state is never trusted, only tail-read."""
        if self._capacity <= 0:
            return
        with self._lock:
            current = self._items.get(stream_id)
            if current is not None and current[0] >= version:
                return
            self._items[stream_id] = (version, state)
            known = self.known_head
            if head is not None and known is not None and known > head:
                self._behind.add(stream_id)
            else:
                self._behind.discard(stream_id)
            self._items.move_to_end(stream_id)
            while len(self._items) > self._capacity:
                self._behind.discard(self._items.popitem(last=False)[0])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._behind.clear()
            self.known_head = None
