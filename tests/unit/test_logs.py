"""The JSON log lines: the request line's fast path writes what the logging path writes."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.observability.logs import BatchedStreamHandler, JsonFormatter, http_log, log_request

REQUESTS = [
    ("GET", "/api/v1/clusters/{cluster_id}/standings", "/api/v1/clusters/bac-trung-bo/standings", 200, 0.412),
    ("POST", "/api/v1/pacts/{pact_id}/results", '/api/v1/pacts/"gu"\\2022/results', 201, 12.5),
    ("GET", "unmatched", "/api/v1/cụm-thi-đua/\u2028\x01", 404, 1e-05),
]
FIELDS = ("method", "route", "path", "status", "duration_ms", "correlation_id")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@contextmanager
def only_handler(handler: logging.Handler) -> Iterator[None]:
    """The root's one handler, as `pacts serve` configures it (pytest adds its own)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)  # setLevel, not the attribute: it clears the loggers' level caches
    try:
        yield
    finally:
        root.handlers = saved[0]
        root.setLevel(saved[1])


@pytest.mark.parametrize("request_values", REQUESTS)
def test_the_request_line_is_the_line_of_the_equivalent_record(request_values):
    formatter = JsonFormatter()
    created = time.time()
    record = http_log.makeRecord(
        http_log.name,
        logging.INFO,
        "",
        0,
        "request",
        None,
        None,
        extra={"fields": dict(zip(FIELDS, (*request_values, "c-1"), strict=True))},
    )
    record.created = created

    assert formatter.request_line(created, *request_values, "c-1") == formatter.format(record)


def test_log_request_queues_the_same_line_when_it_is_our_handler_alone():
    stream = io.StringIO()
    handler = BatchedStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    with only_handler(handler):
        for values in REQUESTS:
            log_request(*values, "c-fast")
        assert stream.getvalue() == ""  # queued, not written yet
        handler.flush()
    handler.close()
    fast = [json.loads(line) for line in stream.getvalue().split("\n")[:-1]]

    slow_stream = io.StringIO()
    slow = logging.StreamHandler(slow_stream)  # any other handler: the record path
    slow.setFormatter(JsonFormatter())
    with only_handler(slow):
        for values in REQUESTS:
            log_request(*values, "c-fast")
    by_record = [json.loads(line) for line in slow_stream.getvalue().split("\n")[:-1]]

    assert len(fast) == len(REQUESTS) and all(TS.match(line.pop("ts")) for line in fast)
    assert all(TS.match(line.pop("ts")) for line in by_record)
    assert fast == by_record
    assert [line["path"] for line in fast] == [values[2] for values in REQUESTS]


def test_batched_lines_keep_their_order_and_a_warning_goes_out_at_once():
    stream = io.StringIO()
    handler = BatchedStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("pacts.test-batch")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    try:
        logger.info("first")
        handler.add_request((time.time(), *REQUESTS[0], "c-2"))
        assert stream.getvalue() == ""
        logger.warning("then a warning")
        lines = [json.loads(line) for line in stream.getvalue().split("\n")[:-1]]
        assert [(line["message"], line["level"]) for line in lines] == [
            ("first", "INFO"),
            ("request", "INFO"),
            ("then a warning", "WARNING"),
        ]
        logger.info("at close")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert json.loads(stream.getvalue().split("\n")[:-1][-1])["message"] == "at close"


def test_lines_waiting_go_out_within_the_interval():
    stream = io.StringIO()
    handler = BatchedStreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    try:
        handler.add_request((time.time(), *REQUESTS[0], "c-3"))
        deadline = time.monotonic() + 10 * BatchedStreamHandler.INTERVAL
        while not stream.getvalue() and time.monotonic() < deadline:
            time.sleep(BatchedStreamHandler.INTERVAL / 4)
        assert json.loads(stream.getvalue())["correlation_id"] == "c-3"
    finally:
        handler.close()
