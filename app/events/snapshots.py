"""Snapshots of pact state: a starting point for folds, never a source of truth.

A snapshot is written in the same transaction as the event that reached its
version, so it always agrees with the log. Pact streams are the long ones
(results arrive by the thousand), so only they are snapshotted.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.pact import PACT, PROPOSAL, Award, Pact, Result, Signature, Target, field_names
from app.events.schema import snapshots

SNAPSHOT_EVERY = 200
FORMAT = 1
R = TypeVar("R")


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


# A pact as JSON, derived from its records' fields (app.domain.pact: RECORD_OF):
# each record is the list of its field values in declared order, dates as ISO
# text and tuples as lists; the pact's own fields are keyed by name. This is
# format 1 as it was written by hand, now made from the fields themselves.


def _reader(hint: object) -> Callable[[Any], Any] | None:
    """How a JSON value becomes the field's: ISO text to a date, a list to a tuple."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (types.UnionType, typing.Union) else (hint,)
    kinds = {typing.get_origin(option) or option for option in options}
    if date in kinds:
        return lambda value: None if value is None else date.fromisoformat(value)
    if tuple in kinds:
        return lambda value: None if value is None else tuple(value)
    return None


def _readers(cls: type) -> list[tuple[str, Callable[[Any], Any] | None]]:
    hints = typing.get_type_hints(cls)
    return [(name, _reader(hints[name])) for name in field_names(cls)]


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


class RecordCodec(Generic[R]):
    """One state record to and from JSON: its field values in declared order."""

    def __init__(self, cls: type[R]) -> None:
        self.cls = cls
        self.names = field_names(cls)
        self._readers = [read for _, read in _readers(cls)]

    def to_values(self, record: R) -> list[object]:
        return [_plain(getattr(record, name)) for name in self.names]

    def from_values(self, values: Iterable[Any]) -> R:
        return self.cls(
            *(v if read is None else read(v) for read, v in zip(self._readers, values, strict=True))
        )


SIGNATURE = RecordCodec(Signature)
TARGET = RecordCodec(Target)
RESULT = RecordCodec(Result)
AWARD = RecordCodec(Award)
_PACT_READERS = [(name, read) for name, read in _readers(Pact) if name in PROPOSAL]


def pact_from_fields(d: Mapping[str, Any], **records: Any) -> Pact:
    """A Pact from the proposal's fields as JSON keyed by name (a snapshot's, or the
    PactProposed data the rebuild keeps), and its records already decoded."""
    proposal = {name: d[name] if read is None else read(d[name]) for name, read in _PACT_READERS}
    return Pact(**proposal, **records)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def pact_to_data(p: Pact) -> dict[str, Any]:
    return {
        **{name: _plain(getattr(p, name)) for name in PROPOSAL},
        "signatures": [[u, *SIGNATURE.to_values(s)] for u, s in p.signatures.items()],
        "targets": [TARGET.to_values(t) for t in p.targets.values()],
        "results": [[u, code, *RESULT.to_values(r)] for (u, code), r in p.results.items()],
        "awards": [AWARD.to_values(a) for a in p.awards],
        "closed_on": _plain(p.closed_on),
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
