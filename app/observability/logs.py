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
import time
from contextvars import ContextVar
from typing import Any

# Set by the HTTP middleware for the request being handled (each request runs in
# its own task, whose context ends with it).
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

http_log = logging.getLogger("pacts.http")
write_log = logging.getLogger("pacts.write")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,  # which worker, with `pacts serve --workers N`
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        if "correlation_id" not in entry and (current := correlation_id.get()) is not None:
            entry["correlation_id"] = current
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A logging.config.dictConfig for the `pacts` command and for uvicorn (its log_config)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
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
        },
    }
