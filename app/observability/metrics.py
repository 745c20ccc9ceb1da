"""The service's Prometheus metrics, by name, and their exposition.

Other modules observe these objects directly (``REBUILD_SECONDS.time()``); the
names are the contract with dashboards, so they change only with them.

Several uvicorn workers are several processes: ``pacts serve --workers N``
(N > 1) runs them in prometheus-client's multiprocess mode, each process
counting in files under one directory (PROMETHEUS_MULTIPROC_DIR, a temporary one
unless set) and /metrics summing them, whichever worker answers the scrape. The
same directory also carries the durations observed by `pacts rebuild` when it
runs with that variable set (as compose.yaml does), since it runs in a process
of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
if os.environ.get(MULTIPROC_ENV):
    # In multiprocess mode each metric below opens its file there as it is defined.
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)

# A cached standings answer takes well under a millisecond; a big import seconds.
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Replaying or checking the whole log: from a demo's fraction of a second to a million events' minutes.
LONG_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

HTTP_REQUESTS = Counter(
    "pacts_http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "pacts_http_request_duration_seconds",
    "Time from receiving a request to the end of its answer, by route template",
    ["method", "route"],
    buckets=REQUEST_BUCKETS,
)
EVENTS_APPENDED = Counter(
    "pacts_events_appended",
    "Events appended to the log by this service's commands, by event type",
    ["type"],
)
REBUILD_SECONDS = Histogram(
    "pacts_rebuild_duration_seconds",
    "Duration of read-model rebuilds (truncate and replay the whole log)",
    buckets=LONG_BUCKETS,
)
VERIFY_SECONDS = Histogram(
    "pacts_verify_duration_seconds",
    "Duration of log verifications (observed by `pacts verify`)",
    buckets=LONG_BUCKETS,
)


@contextmanager
def multiprocess_mode(workers: int) -> Iterator[str | None]:
    """Around uvicorn's run: the directory its workers will count in, emptied of a
    previous run's files (a temporary one for N > 1 workers without
    PROMETHEUS_MULTIPROC_DIR); None: one process, counting in memory."""
    path = os.environ.get(MULTIPROC_ENV)
    temporary = None
    if path is None and workers > 1:
        path = temporary = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="pacts-metrics-")
    if path is not None:
        os.makedirs(path, exist_ok=True)
        mine = f"_{os.getpid()}.db"  # this process may serve (one worker): keep its files
        for name in os.listdir(path):
            if name.endswith(".db") and not name.endswith(mine):
                os.remove(os.path.join(path, name))
    try:
        yield path
    finally:
        if temporary is not None:
            del os.environ[MULTIPROC_ENV]
            shutil.rmtree(temporary, ignore_errors=True)


class _LogHead:
    """The log head as the database has it at scrape time: every process agrees on it."""

    def __init__(self, head: tuple[int, int] | None) -> None:
        self._head = head

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("pacts_database_up", "Whether the log head could be read for this scrape")
        up.add_metric([], 0 if self._head is None else 1)
        yield up
        if self._head is not None:
            position, generation = self._head
            yield GaugeMetricFamily("pacts_log_head_position", "Last position of the event log", position)
            yield GaugeMetricFamily(
                "pacts_read_model_generation", "Rebuilds of the read models so far", generation
            )


def exposition(head: tuple[int, int] | None) -> bytes:
    """Every metric in Prometheus' text format: this process's (or, in multiprocess
    mode, every worker's), and the log head read for this scrape."""
    if os.environ.get(MULTIPROC_ENV):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    read_now = CollectorRegistry()
    read_now.register(_LogHead(head))
    return generate_latest(counted) + generate_latest(read_now)
