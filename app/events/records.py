"""The log's rows as the hash chain sees them, in position order, straight from the driver.

One shape serves the chain's readers (verify, the migration's backfill, the
rebuild's check), the NDJSON export and the API's event pages: a ``Record`` of
the stored values, each as the record of the chain holds it (docs/audit.md): the
event id as 36-character UUID text, ``occurred_on`` as ISO text, ``recorded_at``
as UTC with 6 fraction digits and a ``Z``, and ``data`` and ``metadata`` as the
JSON text the store wrote, in UTF-8 bytes: they are written out again as they
are, or parsed (which takes bytes), never decoded on the way.

Reading a million events is mostly this module's work, so rows stay plain tuples
(``rows``) until someone wants a Record (``stream``, ``page``).
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
    data: bytes  # JSON text, as stored, in UTF-8
    metadata: bytes  # JSON text, as stored, in UTF-8
    occurred_on: str | None
    recorded_at: str
    prev_hash: str
    hash: str


# A record as a plain tuple, in Record's field order: a named tuple costs more to
# build, per row, than the rest of reading it.
Row = tuple[int, str, str, str, int, str, int, bytes, bytes, str | None, str, str, str]

# SQLite: the stored values as they are (its string functions cost more per row
# than Python's slicing in ``_from_sqlite``), the JSON as bytes; PostgreSQL: its
# text formats, made in C.
_SQLITE_COLUMNS = ", ".join(
    f"CAST({name} AS BLOB)" if name in ("data", "metadata") else name for name in Record._fields
)
_POSTGRES_COLUMNS = (
    "position, event_id::text, stream_id, stream_type, version, type, schema_version, data::text,"
    " metadata::text, to_char(occurred_on, 'YYYY-MM-DD'),"
    " to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), prev_hash, hash"
)


def _from_sqlite(rows: list[Any]) -> list[Row]:
    """SQLite keeps a UUID as 32 hex digits and a time as naive UTC text with 6 fraction digits."""
    return [
        (
            p,
            f"{e[:8]}-{e[8:12]}-{e[12:16]}-{e[16:20]}-{e[20:]}",
            s,
            st,
            v,
            t,
            sv,
            d,
            m,
            o,
            f"{r[:10]}T{r[11:]}Z",
            ph,
            h,
        )
        for p, e, s, st, v, t, sv, d, m, o, r, ph, h in rows
    ]


def _from_postgres(rows: list[Any]) -> list[Row]:
    return [
        (p, e, s, st, v, t, sv, d.encode(), m.encode(), o, r, ph, h)
        for p, e, s, st, v, t, sv, d, m, o, r, ph, h in rows
    ]


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
        found = cursor.fetchall()
    finally:
        cursor.close()
    normalized = _from_postgres if conn.dialect.name == "postgresql" else _from_sqlite
    return [Record._make(row) for row in normalized(found)]


def rows(
    conn: Connection, after: int = 0, upto: int | None = None, fetch: int = FETCH
) -> Iterator[list[Row]]:
    """Every record after position ``after`` (up to ``upto``) as plain tuples, in chunks:
    memory stays flat whatever the log's length (a server-side cursor on PostgreSQL)."""
    where: Where = [("position > ?", after)]
    if upto is not None:
        where.append(("position <= ?", upto))
    sql, params = select(conn, where)
    dbapi: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cursor, normalized = dbapi.cursor(name="pacts_log_records"), _from_postgres
        cursor.itersize = fetch
    else:
        cursor, normalized = dbapi.cursor(), _from_sqlite
    try:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(fetch):
            yield normalized(chunk)
    finally:
        cursor.close()


def stream(conn: Connection, after: int = 0, upto: int | None = None) -> Iterator[list[Record]]:
    """``rows`` as Records."""
    for chunk in rows(conn, after, upto):
        yield [Record._make(row) for row in chunk]


_LINE = (
    b'{"position":%d,"event_id":%b,"stream_id":%b,"stream_type":%b,"version":%d,"type":%b,'
    b'"schema_version":%d,"data":%b,"metadata":%b,"occurred_on":%b,"recorded_at":%b,"prev_hash":%b,"hash":%b}'
)


def to_json(record: Row | Record) -> bytes:
    """The record as one JSON object, in UTF-8: a line of the NDJSON export, an item of
    the API's event pages. ``data`` and ``metadata`` are the stored JSON text itself
    (the store wrote it; PostgreSQL's json type checked it on the way in)."""
    (
        position,
        event_id,
        stream_id,
        stream_type,
        version,
        type,
        schema_version,
        data,
        metadata,
        occurred,
        at,
        prev,
        h,
    ) = record
    return _LINE % (
        position,
        quote(event_id).encode(),
        quote(stream_id).encode(),
        quote(stream_type).encode(),
        version,
        quote(type).encode(),
        schema_version,
        data,
        metadata,
        b"null" if occurred is None else quote(occurred).encode(),
        quote(at).encode(),
        quote(prev).encode(),
        quote(h).encode(),
    )
