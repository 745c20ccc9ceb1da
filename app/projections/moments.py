"""Which log position a read reflects: the head, a position asked for, or a moment in time.

Every read answers as of one position (``as_of_position``). Without ``as_of`` it
is the log head seen by the read's own transaction, which the read models are
exactly at (a write moves both in one transaction). A position after the head,
or a moment after now, is a client's mistake: there is no such past yet.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.errors import InvalidValue
from app.events.schema import events, log_head

AsOf = int | datetime | None


def head(conn: Connection) -> int:
    return conn.execute(sa.select(log_head.c.last_position).where(log_head.c.id == 1)).scalar_one()


def _stored_moment(conn: Connection, moment: datetime) -> datetime:
    """``moment`` as the store's recorded_at compares: SQLite keeps naive UTC;
    PostgreSQL a timestamptz."""
    utc = moment.astimezone(UTC)
    return utc.replace(tzinfo=None) if conn.dialect.name == "sqlite" else utc


def resolve(conn: Connection, as_of: AsOf, field: str = "as_of") -> tuple[int, int]:
    """(the position ``as_of`` names, the head): a moment names the last event recorded
    at or before it (0 before the first)."""
    last = head(conn)
    if as_of is None:
        return last, last
    if isinstance(as_of, int):
        if as_of > last:
            raise InvalidValue(field, f"position {as_of} is after the log's last position ({last})")
        return as_of, last
    if as_of > datetime.now(UTC):
        raise InvalidValue(field, f"{as_of.isoformat()} is in the future")
    # Backwards from the head by primary key: a recent moment stops at once.
    found = conn.execute(
        sa.select(events.c.position)
        .where(events.c.recorded_at <= _stored_moment(conn, as_of))
        .order_by(events.c.position.desc())
        .limit(1)
    ).scalar()
    return (found or 0), last
