"""Small helpers shared by the paths."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

from bench import workload as w


class Stopwatch:
    seconds: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    """Times a block; collects garbage first so one side does not pay for the other's."""
    gc.collect()
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start


def first_commands(count: int) -> tuple[int, list]:
    """The first ``count`` pact commands of the workload, and how many pacts they touch."""
    pacts = w.pacts_for_commands(count)
    return pacts, list(islice(w.command_stream(pacts), count))


def log(message: str) -> None:
    print(f"  .. {message}", flush=True)


def each_run(runs: int, body: Callable[[int], None]) -> None:
    for r in range(runs):
        body(r)
