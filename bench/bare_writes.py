"""The write baseline: a bare FastAPI endpoint storing each request body as one durable row.

What a naive service does: the route (a sync ``def``, run in the thread pool as
ours are) parses the JSON body, inserts it as one row in a transaction of its
own and commits: on SQLite ``BEGIN IMMEDIATE`` with WAL and ``synchronous=FULL``
(the settings of app.db), on PostgreSQL a plain transaction with the server's
``synchronous_commit=on``. One connection per thread. Wrapped in our
RequestObserver, so it logs and counts each request exactly as ours does.
The database is $BENCH_BARE_DB (a SQLite file path, or a PostgreSQL conninfo URL).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

from fastapi import Body, FastAPI

from app.api.observe import RequestObserver

DATABASE = os.environ.get("BENCH_BARE_DB", "")
TABLE = "bare_results"
_local = threading.local()


def create_table(database: str) -> None:
    conn = _connect(database)
    key = "bigserial" if database.startswith("postgresql") else "integer"
    conn.execute(f"CREATE TABLE {TABLE} (id {key} PRIMARY KEY, pact_id text NOT NULL, body text NOT NULL)")
    if not database.startswith("postgresql"):
        return conn.close()
    conn.commit()
    conn.close()


def _connect(database: str) -> Any:
    if database.startswith("postgresql"):
        import psycopg

        return psycopg.connect(database)
    conn = sqlite3.connect(database, isolation_level=None, timeout=30, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _insert(pact_id: str, body: dict[str, Any]) -> int:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = _connect(DATABASE)
    text = json.dumps(body, ensure_ascii=False)
    if isinstance(conn, sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        row_id = conn.execute(f"INSERT INTO {TABLE} (pact_id, body) VALUES (?, ?)", (pact_id, text)).lastrowid
        conn.execute("COMMIT")
        return row_id
    row_id = conn.execute(
        f"INSERT INTO {TABLE} (pact_id, body) VALUES (%s, %s) RETURNING id", (pact_id, text)
    ).fetchone()[0]
    conn.commit()
    return row_id


api = FastAPI()


@api.post("/api/v1/pacts/{pact_id}/results")
def record(pact_id: str, body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    return {"id": pact_id, "position": _insert(pact_id, body)}


app = RequestObserver(api)
