"""Aggregate states kept between commands.

A cached state is only a starting point: the unit of work always reads the
stream's events after the cached version, so another process's writes are never
missed. States are immutable, so threads can share them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class StateCache:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, stream_id: str) -> tuple[int, object]:
        with self._lock:
            item = self._items.get(stream_id)
            if item is None:
                return 0, None
            self._items.move_to_end(stream_id)
            return item

    def put(self, stream_id: str, version: int, state: object) -> None:
        if self._capacity <= 0:
            return
        with self._lock:
            current = self._items.get(stream_id)
            if current is not None and current[0] >= version:
                return
            self._items[stream_id] = (version, state)
            self._items.move_to_end(stream_id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
