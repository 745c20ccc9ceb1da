"""The log's rows as text, in position order, straight from the driver.

One shape serves the hash chain's readers (verify, the migration's backfill,
the rebuild's check), the NDJSON export and the API's event pages: a
``Record`` of the stored values, each as the record of the chain writes it
(docs/audit.md): the event id as 36-character UUID text, ``occurred_on`` as
ISO text, ``recorded_at`` as UTC with 6 fraction digits and a ``Z``, and
``data`` and ``metadata`` as the JSON text the store wrote. Each store is asked
for that text in SQL, so no row goes through Python's datetime or JSON on the way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection

from app.events.canonical import quote

FETCH = 5000


class Record(NamedTuple):
    position: int
    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    data: str  # JSON text, as stored
    metadata: str  # JSON text, as stored
    occurred_on: str | None
    recorded_at: str
    prev_hash: str
    hash: str


_SQLITE_COLUMNS = (
    "position, substr(event_id, 1, 8) || '-' || substr(event_id, 9, 4) || '-' || substr(event_id, 13, 4)"
    " || '-' || substr(event_id, 17, 4) || '-' || substr(event_id, 21), stream_id, stream_type, version,"
    " type, schema_version, data, metadata, occurred_on, replace(recorded_at, ' ', 'T') || 'Z',"
    " prev_hash, hash"
)
_POSTGRES_COLUMNS = (
    "position, event_id::text, stream_id, stream_type, version, type, schema_version, data::text,"
    " metadata::text, to_char(occurred_on, 'YYYY-MM-DD'),"
    " to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), prev_hash, hash"
)


# Conditions on the events table, each with one "?" for its value: [("position > ?", 10)].
Where = list[tuple[str, object]]


def select(conn: Connection, where: Where, limit: int | None = None) -> tuple[str, tuple[object, ...]]:
    """SQL and parameters for the records matching ``where`` ([(condition with one
    ``?`` marker, value)]), in position order; the markers become the driver's."""
    postgres = conn.dialect.name == "postgresql"
    columns = _POSTGRES_COLUMNS if postgres else _SQLITE_COLUMNS
    conditions = " AND ".join(sql for sql, _ in where)
    sql = f"SELECT {columns} FROM events" + (f" WHERE {conditions}" if where else "") + " ORDER BY position"
    params = tuple(value for _, value in where)
    if limit is not None:
        sql += " LIMIT ?"
        params += (limit,)
    if postgres:
        sql = sql.replace("%", "%%").replace("?", "%s")
    return sql, params


def page(conn: Connection, where: Where, limit: int) -> list[Record]:
    """At most ``limit`` records matching ``where``, in position order."""
    sql, params = select(conn, where, limit)
    dbapi: Any = conn.connection.dbapi_connection
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql, params)
        return [Record._make(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def stream(
    conn: Connection, after: int = 0, upto: int | None = None, fetch: int = FETCH
) -> Iterator[list[Record]]:
    """Every record after position ``after`` (up to ``upto``), in chunks: memory
    stays flat whatever the log's length (a server-side cursor on PostgreSQL)."""
    where: Where = [("position > ?", after)]
    if upto is not None:
        where.append(("position <= ?", upto))
    sql, params = select(conn, where)
    dbapi: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cursor = dbapi.cursor(name="pacts_log_records")
        cursor.itersize = fetch
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql, params)
        make = Record._make
        while True:
            rows = cursor.fetchmany(fetch)
            if not rows:
                return
            yield [make(row) for row in rows]
    finally:
        cursor.close()


def to_json(r: Record) -> str:
    """The record as one JSON object: a line of the NDJSON export, an item of the
    API's event pages. ``data`` and ``metadata`` are the stored JSON text itself
    (the store wrote it; PostgreSQL's json type checked it on the way in)."""
    occurred = "null" if r.occurred_on is None else quote(r.occurred_on)
    return (
        f'{{"position":{r.position},"event_id":{quote(r.event_id)},"stream_id":{quote(r.stream_id)},'
        f'"stream_type":{quote(r.stream_type)},"version":{r.version},"type":{quote(r.type)},'
        f'"schema_version":{r.schema_version},"data":{r.data},"metadata":{r.metadata},'
        f'"occurred_on":{occurred},"recorded_at":{quote(r.recorded_at)},'
        f'"prev_hash":{quote(r.prev_hash)},"hash":{quote(r.hash)}}}'
    )
