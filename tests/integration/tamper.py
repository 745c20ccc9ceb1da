"""What an attacker with the database's owner rights can do to the log, for the tests.

``unguarded`` lifts the append-only triggers (as anyone who may change the schema
can) and puts them back; ``rechain`` recomputes every hash from a position on,
so that the chain is consistent again: a rewrite only a signed checkpoint held
outside can catch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from app.events import chain, records


@contextmanager
def unguarded(engine: Engine) -> Iterator[Connection]:
    """A transaction in which UPDATE and DELETE on events work; the guards return at its end."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
            yield conn
            conn.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER USER")
            return
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
        triggers = conn.exec_driver_sql(query).all()
        assert len(triggers) == 2
        for name, _ in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        yield conn
        for _, sql in triggers:
            conn.exec_driver_sql(sql)


def rechain(conn: Connection, after: int = 0) -> None:
    """Recompute prev_hash and hash of every event after ``after``, as a careful attacker would."""
    prev = chain.GENESIS
    if after:
        prev = conn.execute(sa.text("SELECT hash FROM events WHERE position = :p"), {"p": after}).scalar_one()
    rows = [r for batch in records.stream(conn, after=after) for r in batch]
    update = sa.text("UPDATE events SET prev_hash = :prev_hash, hash = :hash WHERE position = :position")
    for record in rows:
        fields = record._asdict()
        fields["data"] = json.loads(record.data)
        fields["metadata"] = json.loads(record.metadata)
        event_hash = chain.link(chain.row_text(fields), prev)
        conn.execute(update, {"prev_hash": prev, "hash": event_hash, "position": record.position})
        prev = event_hash


@contextmanager
def rewriting(engine: Engine) -> Iterator[Connection]:
    """Change rows in the block; then the whole chain is recomputed, consistently."""
    with unguarded(engine) as conn:
        yield conn
        rechain(conn)
