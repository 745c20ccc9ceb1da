"""Engines for the two stores: SQLite (embedded default) and PostgreSQL (production).

SQLite follows SQLAlchemy's recipe for real transactions: the driver's own
transaction handling is switched off and we emit BEGIN ourselves, IMMEDIATE for
writers so a command never fails half-way upgrading a read lock to a write lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

WRITE_OPTION = "pacts_write"


# One encoder, built once: json.dumps builds a new JSONEncoder per call when
# given options, and JSONEncoder.encode builds a new C encoder per call. Events
# no longer come here (the codec generates their JSON), but the rebuild encodes
# the JSON columns of every pact (bulk_rows) and the logs every line: reusing
# the C encoder takes 1.2-2.0 us off each (a list of six unit ids: 2.0 us
# against 5.2 us; None: 0.26 against 1.4), and the rebuild misses its goal
# (docs/benchmarks.md, path 3). So the C encoder is made once here (the same
# call JSONEncoder.iterencode makes, minus the circular-reference markers: the
# store's values are plain data from our own code), checked on a sample against
# the public encoder, which answers instead wherever the check fails.
# tests/unit/test_dumps.py compares the two on every kind of value.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _one_shot_encoder() -> Callable[[object], str]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            chunks = make(
                None,
                _ENCODER.default,
                json.encoder.encode_basestring,
                None,
                ":",
                ",",
                False,
                False,
                True,
            )
            sample = {"tên": "Sở Công Thương", "n": [1, 2.5, None, True], "d": {}}
            if "".join(chunks(sample, 0)) == _ENCODER.encode(sample):
                return lambda value: "".join(chunks(value, 0))
        except TypeError:  # another interpreter's signature: use the public API
            pass
    return _ENCODER.encode


_encode = _one_shot_encoder()


def dumps(value: object) -> str:
    """The one JSON encoding of the store: compact, UTF-8 text kept as is."""
    return _encode(value)


def create_engine(url: str, pool_size: int = 5, max_overflow: int = 5, pool_timeout: float = 10.0) -> Engine:
    """An engine whose pool holds ``pool_size`` connections, ``max_overflow`` more at a
    peak; past that a request waits ``pool_timeout`` seconds, then fails (a 503)."""
    url_obj = sa.make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if url_obj.get_backend_name() == "sqlite":
        return _sqlite_engine(url_obj, pool)
    if url_obj.drivername == "postgresql":
        url_obj = url_obj.set(drivername="postgresql+psycopg")
    return sa.create_engine(
        # No pre-ping: it would cost a round trip per command. A dropped connection
        # fails its request once and invalidates the pool.
        url_obj,
        json_serializer=dumps,
        **pool,
    )


def _sqlite_engine(url: sa.URL, pool: dict[str, float]) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        json_serializer=dumps,
        connect_args={"check_same_thread": False, "timeout": 30},
        **pool,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
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


def read_connection(engine: Engine) -> Connection:
    """A connection whose transaction reads one snapshot, however many queries it runs.

    PostgreSQL's default (READ COMMITTED) takes a new snapshot per statement, so an
    answer built from several queries could mix two commits; REPEATABLE READ keeps
    the first. A SQLite read transaction in WAL mode is one snapshot already."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn
