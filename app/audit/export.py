"""The log as NDJSON: one event a line, in position order, in constant memory.

Each line is ``app.events.records.to_json`` of one stored event: the same object the
API's event pages hold, and the exact input of ``pacts verify --export``
(docs/audit.md, section 3). ``pacts export`` and ``GET /api/v1/events/export`` write it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Connection

from app.events import records

MEDIA_TYPE = "application/x-ndjson"


def ndjson(conn: Connection, after: int = 0, upto: int | None = None) -> Iterator[bytes]:
    """The events after ``after`` (up to ``upto``) as NDJSON, a chunk of lines at a time."""
    line = records.to_json
    for chunk in records.rows(conn, after=after, upto=upto):
        yield b"\n".join(map(line, chunk)) + b"\n"
