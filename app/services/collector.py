"""Pausing Python's cyclic garbage collector while an import runs.

An import of 10,000 results allocates tens of thousands of objects (events,
stored rows, encoded data) that all live until its commit. The collector counts
them as new allocations and runs a full pass over every object in the process
at least once per such batch: 40 ms of a 300 ms import, finding no garbage (the
write path makes no reference cycles). Reference counting still frees
everything as usual; any cycle made meanwhile is collected by the next pass
after the import.

Pauses nest and overlap across threads: the collector is switched off by the
first and back on by the last, and only if it was on to begin with.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _active, _was_enabled
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()
