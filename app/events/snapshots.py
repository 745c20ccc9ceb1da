"""Snapshots of pact state: a starting point for folds, never a source of truth.

A snapshot is written in the same transaction as the event that reached its
version, so it always agrees with the log. Pact streams are the long ones
(results arrive by the thousand), so only they are snapshotted.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.pact import PACT, Award, Pact, Result, Signature, Target
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def pact_to_data(p: Pact) -> dict:
    return {
        "id": p.id,
        "cluster_id": p.cluster_id,
        "title": p.title,
        "theme": p.theme,
        "year": p.year,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "content_items": list(p.content_items),
        "parties": list(p.parties),
        "proposed_on": p.proposed_on.isoformat(),
        "attainment_cap": p.attainment_cap,
        "signatures": [[u, s.signed_by, s.signed_on.isoformat()] for u, s in p.signatures.items()],
        "targets": [
            [
                t.code,
                t.title,
                t.kind,
                t.measure,
                t.direction,
                t.value,
                t.weight,
                list(t.applies_to) if t.applies_to is not None else None,
            ]
            for t in p.targets.values()
        ],
        "results": [
            [u, code, r.value, r.reported_on.isoformat(), r.source, r.note]
            for (u, code), r in p.results.items()
        ],
        "awards": [
            [
                a.recipient_unit,
                a.recipient_person,
                a.title,
                a.conferred_by,
                a.decision_ref,
                a.granted_on.isoformat(),
            ]
            for a in p.awards
        ],
        "closed_on": _iso(p.closed_on),
    }


def pact_from_data(d: dict) -> Pact:
    return Pact(
        d["id"],
        d["cluster_id"],
        d["title"],
        d["theme"],
        d["year"],
        d["period_start"],
        d["period_end"],
        tuple(d["content_items"]),
        tuple(d["parties"]),
        date.fromisoformat(d["proposed_on"]),
        d["attainment_cap"],
        signatures={u: Signature(by, date.fromisoformat(on)) for u, by, on in d["signatures"]},
        targets={
            t[0]: Target(t[0], t[1], t[2], t[3], t[4], t[5], t[6], tuple(t[7]) if t[7] is not None else None)
            for t in d["targets"]
        },
        results={
            (u, code): Result(value, date.fromisoformat(on), source, note)
            for u, code, value, on, source, note in d["results"]
        },
        awards=tuple(Award(a[0], a[1], a[2], a[3], a[4], date.fromisoformat(a[5])) for a in d["awards"]),
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
