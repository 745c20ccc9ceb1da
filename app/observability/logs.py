"""Structured logs: one JSON object per line on stderr (the standard library's logging).

Lines of note: ``request`` (logger ``pacts.http``: method, route, path, status,
duration_ms, correlation_id), one per HTTP request; ``write`` (``pacts.write``:
command, stream, version, position, events, correlation_id), one per committed
command or batch; ``rebuild`` (``pacts.rebuild``). Uvicorn's own lines (start,
stop, errors with their traceback) come out in the same shape. Fields go in
``extra={"fields": {...}}``; every line logged while a request is handled
carries its correlation id.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from contextvars import ContextVar
from typing import Any

from app.db import dumps  # the store's JSON encoding: compact, UTF-8 kept, fast

# Set by the HTTP middleware for the request being handled (each request runs in
# its own task, whose context ends with it).
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

http_log = logging.getLogger("pacts.http")
_str = json.encoder.encode_basestring  # a JSON string, UTF-8 kept: what dumps does to a str
write_log = logging.getLogger("pacts.write")


class JsonFormatter(logging.Formatter):
    """One JSON object per record. Lean: it runs for every request (docs/benchmarks.md)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # These lines show no thread, process name or caller's line: let logging skip
        # collecting them for every record (the logging HOWTO's "Optimization" list).
        logging.logThreads = False
        logging.logMultiprocessing = False
        logging.logProcesses = False
        logging._srcfile = None
        self._pid = os.getpid()  # a uvicorn worker configures its own logging, after spawning
        self._second = -1
        self._stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        exc = None
        if record.exc_info:
            exc = self.formatException(record.exc_info)
        elif record.exc_text:
            exc = record.exc_text
        fields = getattr(record, "fields", None)
        return self.line(record.created, record.levelname, record.name, record.getMessage(), fields, exc)

    def request_line(
        self, created: float, method: str, route: str, path: str, status: int, duration_ms: float, cid: str
    ) -> str:
        """What line() makes of a request's fields, written out (they are always the same)."""
        second = int(created)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return (
            f'{{"ts":"{self._stamp}.{int((created - second) * 1000):03d}Z","level":"INFO",'
            f'"logger":"{http_log.name}","pid":{self._pid},"message":"request","method":{_str(method)},'
            f'"route":{_str(route)},"path":{_str(path)},"status":{status},'
            f'"duration_ms":{duration_ms!r},"correlation_id":{_str(cid)}}}'
        )

    def line(
        self,
        created: float,
        level: str,
        logger: str,
        message: str,
        fields: dict[str, Any] | None,
        exc: str | None = None,
    ) -> str:
        second = int(created)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        entry: dict[str, Any] = {
            "ts": f"{self._stamp}.{int((created - second) * 1000):03d}Z",
            "level": level,
            "logger": logger,
            "pid": self._pid,  # which worker, with `pacts serve --workers N`
            "message": message,
        }
        if fields:
            entry.update(fields)
        if "correlation_id" not in entry and (current := correlation_id.get()) is not None:
            entry["correlation_id"] = current
        if exc is not None:
            entry["exc"] = exc
        try:
            return dumps(entry)
        except TypeError:  # a value JSON has no type for: its str() rather than no line
            return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str)


class BatchedStreamHandler(logging.StreamHandler):
    """A StreamHandler that writes its lines in batches, one write for many lines.

    A write per line (a system call per request) was a tenth of the cached
    standings' cost. Lines go out when MAX_LINES are waiting, at once for a
    WARNING or worse, at most INTERVAL seconds late otherwise (a daemon thread),
    and at exit (logging.shutdown flushes). A process killed with SIGKILL loses
    the last INTERVAL of lines.
    """

    MAX_LINES = 128
    INTERVAL = 0.2

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream)
        self.max_lines = self.MAX_LINES
        # Lines, or a request's values (log_request's) to format when written.
        self._lines: list[str | tuple[Any, ...]] = []
        self._stopping = threading.Event()
        threading.Thread(target=self._flush_periodically, name="log-flush", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self._lines.append(line)  # under the handler's lock (Handler.handle holds it)
        if len(self._lines) >= self.max_lines or record.levelno >= logging.WARNING:
            self._write()

    def add_request(self, values: tuple[Any, ...]) -> None:
        """log_request's values, queued in place of a line: formatted when written, in
        one pass over the batch, off the request's own path."""
        with self.lock:  # type: ignore[union-attr]
            self._lines.append(values)
            if len(self._lines) >= self.max_lines:
                self._write()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write()

    def write_through(self) -> None:
        """Write what waits, then every line at once (see logs.write_through)."""
        with self.lock:  # type: ignore[union-attr]
            self.max_lines = 1
            self._write()

    def close(self) -> None:
        self._stopping.set()
        self.flush()
        super().close()

    def _write(self) -> None:
        if self._lines:
            request_line = self.formatter.request_line  # type: ignore[union-attr]
            text = "\n".join(v if type(v) is str else request_line(*v) for v in self._lines) + "\n"
            self._lines.clear()
            try:
                self.stream.write(text)
                self.stream.flush()
            except Exception:
                self.handleError(logging.makeLogRecord({"msg": "lost log lines", "levelno": 40}))

    def _flush_periodically(self) -> None:
        while not self._stopping.wait(self.INTERVAL):
            self.flush()


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A logging.config.dictConfig for the `pacts` command and for uvicorn (its log_config)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "()": f"{__name__}.BatchedStreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            # Uvicorn's loggers keep no handlers of their own: their lines go to the root's.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # Requests are logged by app.api.observe, with route, duration and correlation id.
            "uvicorn.access": {"handlers": [], "propagate": False},
            # Its INFO lines would repeat on every /readyz probe; `pacts migrate` says what it did.
            "alembic": {"level": "WARNING"},
            # At INFO it would log every SQL statement.
            "sqlalchemy": {"level": "WARNING"},
        },
    }


def log_request(method: str, route: str, path: str, status: int, duration_ms: float, cid: str) -> None:
    """The line of one HTTP request: ``http_log.info("request", extra={"fields": ...})``.

    When that line would reach only our own handler (as `pacts serve` configures
    logging), its values are queued there directly, and JsonFormatter.request_line
    makes the same line (a test checks) when the batch is written: a LogRecord,
    the walk through the loggers and a dict to encode were most of a line's cost,
    paid by every request, the cached standings included. Any other configuration
    (a test's capture, another handler, a filter) gets the record.
    """
    handler = _only_handler(http_log)
    if handler is None:
        fields = {
            "method": method,
            "route": route,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "correlation_id": cid,
        }
        http_log.info("request", extra={"fields": fields})
        return
    handler.add_request((time.time(), method, route, path, status, duration_ms, cid))


def _only_handler(logger: logging.Logger) -> BatchedStreamHandler | None:
    """The one handler a record of ``logger`` at INFO would reach, if it is a plain
    BatchedStreamHandler with our formatter and no filter is on the way; else None."""
    found = None
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        for handler in current.handlers:
            if (
                found is not None
                or type(handler) is not BatchedStreamHandler
                or type(handler.formatter) is not JsonFormatter
                or handler.filters
                or handler.level > logging.INFO
            ):
                return None
            found = handler
        current = current.parent if current.propagate else None
    return found


def write_through() -> None:
    """From now on, write each line at once: the process is about to end, maybe by
    a signal that skips atexit's flush (a uvicorn worker re-raises SIGTERM once it
    has shut down). Called when the application shuts down."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, BatchedStreamHandler):
            handler.write_through()
