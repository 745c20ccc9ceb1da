"""The driver-level floor of one append command on PostgreSQL (diagnosis for path 1).

    .venv/bin/python -m bench.floor_pg_append [COMMANDS]

Sends only the statements one of our commands sends, straight through psycopg:
no domain code, no SQLAlchemy, no bookkeeping. Those statements are the log-head
lock, the event, the head, the pact, a result upsert, a score upsert and COMMIT.
They go two ways: pipelined as the unit of work sends them, and as one
client-bound multi-statement query (two round trips in all). Tables mirror ours
(keys and indexes) in a throwaway database. If even these figures use up the
time per command that 2x the reference allows, no faster code in our process
can reach the goal; see docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
import uuid
from collections.abc import Callable

import psycopg
import sqlalchemy as sa
from psycopg import ClientCursor

from bench import stores

TABLES = """
create table head (id int primary key, last_position bigint);
insert into head values (1, 0);
create table events (position bigint primary key, event_id uuid unique, stream_id text,
  stream_type text, version int, type text, schema_version int, data json, metadata json,
  occurred_on date, recorded_at timestamptz, unique (stream_id, version));
create table pacts (id text primary key, status text, version int);
insert into pacts values ('p', 'open', 0);
create table results (pact_id text, unit_id text, target_code text, value float8,
  reported_on date, source text, note text, primary key (pact_id, unit_id, target_code));
create table scores (pact_id text, unit_id text, score float8, points json, missing json,
  primary key (pact_id, unit_id));
"""
LOCK = "select last_position from head where id = 1 for update"
DATA = json.dumps(
    {
        "unit_id": "u1",
        "target_code": "T01",
        "value": 70.0,
        "reported_on": "2025-01-01",
        "source": "báo cáo năm",
        "note": None,
    },
    ensure_ascii=False,
)
META = json.dumps(
    {"actor": "system", "source": "api", "correlation_id": None, "reason": None, "command": "RecordResult"}
)
DAY = datetime.date(2025, 1, 1)
WRITES: list[tuple[str, Callable[[int], tuple]]] = [
    (
        "insert into events values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        lambda i: (
            i,
            str(uuid.uuid4()),
            "pact:p",
            "pact",
            i,
            "ResultRecorded",
            1,
            DATA,
            META,
            DAY,
            datetime.datetime.now(datetime.UTC),
        ),
    ),
    ("update head set last_position = %s where id = 1", lambda i: (i,)),
    ("update pacts set status = %s, version = %s where id = %s", lambda i: ("open", i, "p")),
    (
        (
            "insert into results values (%s, %s, %s, %s, %s, %s, %s)"
            " on conflict (pact_id, unit_id, target_code)"
            " do update set value = excluded.value, reported_on = excluded.reported_on,"
            " source = excluded.source, note = excluded.note"
        ),
        lambda i: ("p", "u1", f"T{i % 10}", float(i), DAY, "báo cáo năm", None),
    ),
    (
        (
            "insert into scores values (%s, %s, %s, %s, %s) on conflict (pact_id, unit_id)"
            " do update set score = excluded.score, points = excluded.points, missing = excluded.missing"
        ),
        lambda i: ("p", "u1", 50.0, '{"T01": 1.0}', "[]"),
    ),
]


def pipelined(dsn: str, first: int, count: int) -> None:
    with psycopg.connect(dsn) as conn:
        cursor = conn.cursor()
        for i in range(first, first + count):
            cursor.execute(LOCK)
            cursor.fetchone()
            with conn.pipeline():
                for sql, params in WRITES:
                    cursor.execute(sql, params(i))
            conn.commit()


def one_query(dsn: str, first: int, count: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = ClientCursor(conn)
        writes = "; ".join(sql for sql, _ in WRITES) + "; COMMIT"
        for i in range(first, first + count):
            cursor.execute("BEGIN; " + LOCK)
            cursor.nextset()
            cursor.fetchone()
            cursor.execute(writes, tuple(v for _, params in WRITES for v in params(i)))


def main(argv: list[str]) -> dict[str, list[float]]:
    """Milliseconds per command for each way, two runs each."""
    count = int(argv[0]) if argv else 3000
    reason = stores.pg_unreachable_reason()
    if reason:
        raise SystemExit(f"PostgreSQL unreachable: {reason}")
    with stores.fresh_database("postgresql", "pg_floor") as db:
        dsn = sa.make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(TABLES)
        first = 1
        figures: dict[str, list[float]] = {}
        for way in (pipelined, one_query, pipelined, one_query):
            start, cpu = time.perf_counter(), os.times()
            way(dsn, first, count)
            seconds, used = time.perf_counter() - start, os.times()
            first += count
            figures.setdefault(way.__name__, []).append(seconds / count * 1e3)
            print(
                f"{way.__name__:10s} {seconds / count * 1e3:.3f} ms per command "
                f"(client CPU: user {(used.user - cpu.user) / count * 1e3:.3f} ms, "
                f"system {(used.system - cpu.system) / count * 1e3:.3f} ms)",
                flush=True,
            )
        with psycopg.connect(dsn) as conn:
            written = conn.execute("select count(*), max(position) from events").fetchone()
        if written != (first - 1, first - 1):
            raise RuntimeError(f"expected {first - 1} events written, found {written}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
