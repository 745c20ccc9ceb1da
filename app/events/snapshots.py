"""Snapshots of pact state: a starting point for folds, never a source of truth.

A snapshot is written in the same transaction as the event that reached its
version, so it always agrees with the log. Pact streams are the long ones
(results arrive by the thousand), so only they are snapshotted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.pact import PACT, Pact
from app.events.pact_json import AWARD, RESULT, SIGNATURE, TARGET, pact_from_fields, proposal_to_data
from app.events.schema import snapshots

SNAPSHOT_EVERY = 200
FORMAT = 1


def wanted(stream_type: str) -> bool:
    """Whether streams of this type are snapshotted (see ``due``)."""
    return stream_type == PACT.stream_type


def due(version: int, results: int) -> bool:
    """Whether a pact holding ``results`` results right after ``version`` is snapshotted there.

    Every SNAPSHOT_EVERY versions while it holds fewer results than that. A snapshot
    costs as much as the pact is large, so a pact with more distinct results (a
    year's import of 10,000) is snapshotted at multiples of the smallest
    SNAPSHOT_EVERY x 2^k not below its size: then writing snapshots costs O(1) per
    event, not O(results), and a read "as of" still folds fewer events than the
    pact holds results. A function of the stream alone, so that the live path and
    the rebuild write the same snapshots.
    """
    if version % SNAPSHOT_EVERY:
        return False
    step = SNAPSHOT_EVERY
    while step < results:
        step *= 2
    return version % step == 0


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def pact_to_data(p: Pact) -> dict[str, Any]:
    return {
        **proposal_to_data(p),
        "signatures": [[u, *SIGNATURE.to_values(s)] for u, s in p.signatures.items()],
        "targets": [TARGET.to_values(t) for t in p.targets.values()],
        "results": [[u, code, *RESULT.to_values(r)] for (u, code), r in p.results.items()],
        "awards": [AWARD.to_values(a) for a in p.awards],
        "closed_on": p.closed_on.isoformat() if p.closed_on is not None else None,
    }


def pact_from_data(d: dict[str, Any]) -> Pact:
    return pact_from_fields(
        d,
        signatures={s[0]: SIGNATURE.from_values(s[1:]) for s in d["signatures"]},
        targets={t[0]: TARGET.from_values(t) for t in d["targets"]},
        results={(r[0], r[1]): RESULT.from_values(r[2:]) for r in d["results"]},
        awards=tuple(AWARD.from_values(a) for a in d["awards"]),
        closed_on=_day(d["closed_on"]),
    )


def snapshot_row(stream_id: str, version: int, position: int, state: Pact) -> dict:
    return {
        "stream_id": stream_id,
        "version": version,
        "position": position,
        "format": FORMAT,
        "state": pact_to_data(state),
    }


def write(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(snapshots.insert(), rows)


_LATEST = (
    sa.select(snapshots.c.version, snapshots.c.state)
    .where(
        snapshots.c.stream_id == sa.bindparam("stream_id"),
        snapshots.c.position <= sa.bindparam("position"),
        snapshots.c.format == FORMAT,
    )
    .order_by(snapshots.c.version.desc())
    .limit(1)
)


def latest_before(conn: Connection, stream_id: str, position: int) -> tuple[int, Pact] | None:
    """The newest snapshot of the stream written at or before ``position``."""
    row = conn.execute(_LATEST, {"stream_id": stream_id, "position": position}).first()
    return (row.version, pact_from_data(row.state)) if row else None
