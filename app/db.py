"""Engines for the two stores: SQLite (embedded default) and PostgreSQL (production).

SQLite follows SQLAlchemy's recipe for real transactions: the driver's own
transaction handling is switched off and we emit BEGIN ourselves, IMMEDIATE for
writers so a command never fails half-way upgrading a read lock to a write lock.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

WRITE_OPTION = "pacts_write"


def dumps(value: object) -> str:
    """The one JSON encoding of the store: compact, UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def create_engine(url: str) -> Engine:
    url_obj = sa.make_url(url)
    if url_obj.get_backend_name() == "sqlite":
        return _sqlite_engine(url_obj)
    if url_obj.drivername == "postgresql":
        url_obj = url_obj.set(drivername="postgresql+psycopg")
    return sa.create_engine(
        # No pre-ping: it would cost a round trip per command. A dropped connection
        # fails its request once and invalidates the pool.
        url_obj, json_serializer=dumps, pool_size=10, max_overflow=20
    )


def _sqlite_engine(url: sa.URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        json_serializer=dumps,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=10,
        max_overflow=20,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def write_connection(engine: Engine) -> Connection:
    """A connection whose transaction takes the write lock up front on SQLite."""
    return engine.connect().execution_options(**{WRITE_OPTION: True})
