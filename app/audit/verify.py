"""Verify the log: positions gapless, versions contiguous per stream, every hash, every checkpoint.

The same checks run over the live database (``verify_database``) and over an
NDJSON export (``verify_export``), streaming, so memory holds one chunk of events
and one entry per stream, whatever the log's length. The first problem stops the
check and is reported with its position and what is wrong (docs/audit.md, 5).

Checkpoints are checked as the log passes their positions: the event there must
have the signed hash, and, given the public key, the signature must hold. A
checkpoint beyond the log's last event means the tail was cut.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import sqlalchemy as sa
from pydantic_core import from_json
from sqlalchemy.engine import Connection

from app.audit import checkpoints as stored_checkpoints
from app.audit.checker import Checker, LogNotIntact, Problem, Report
from app.audit.signing import Checkpoint, PublicKey
from app.events import chain, records
from app.events.canonical import NotCanonical, dumps_canonical
from app.events.schema import events, log_head

__all__ = ["LogNotIntact", "Problem", "Report", "require_intact", "verify_database", "verify_export"]
EXPORT_MEMBERS = frozenset(records.Record._fields)


class _Canonical:
    """JCS texts of records from their stored parts, with the parts that repeat (a
    transaction's metadata, a stream's members) cached, within bounds."""

    def __init__(self) -> None:
        self.metadata: dict[bytes, str] = {}
        self.middles: dict[tuple[str, int, str, str, str], str] = {}

    def of_row(self, row: records.Row) -> str:
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
        ) = row[:11]
        meta = self.metadata.get(metadata)
        if meta is None:
            if len(self.metadata) > 4096:
                self.metadata.clear()
            meta = self.metadata[metadata] = dumps_canonical(from_json(metadata))
        key = (at, schema_version, stream_id, stream_type, type)
        middle = self.middles.get(key)
        if middle is None:
            if len(self.middles) > 4096:
                self.middles.clear()
            middle = self.middles[key] = chain.middle(*key)
        return chain.record_of(
            dumps_canonical(from_json(data)), event_id, meta, occurred, position, middle, version
        )


def verify_database(
    conn: Connection,
    key: PublicKey | None = None,
    extra_checkpoints: Iterable[Checkpoint] = (),
    after: int = 0,
    prev_hash: str = chain.GENESIS,
    upto: int | None = None,
    split: bool = False,
) -> Report:
    """Verify the live log after position ``after`` (whose hash is ``prev_hash``) up to its head
    (or ``upto``), against the stored checkpoints and ``extra_checkpoints`` (held outside).
    ``split``: a long log from its start is verified in two halves at once, the second by
    another process (app.audit.split)."""
    if split and after == 0 and upto is None:
        from app.audit import split as halves

        return halves.verify(conn, key, list(extra_checkpoints))
    before = (lambda sid, _version, _at: _version_before(conn, sid, after)) if after else None
    return checked(conn, key, extra_checkpoints, after, prev_hash, upto, before)[0]


def checked(
    conn: Connection,
    key: PublicKey | None,
    extra_checkpoints: Iterable[Checkpoint],
    after: int,
    prev_hash: str | None,
    upto: int | None,
    version_before: Callable[[str, int, int], int] | None,
) -> tuple[Report, Checker, str]:
    """verify_database's work, and the checker (its versions) and the first prev_hash seen;
    ``prev_hash`` None: the first event's is taken as given."""
    started = time.perf_counter()
    report = Report(first=after + 1)
    head = conn.execute(log_head.select().with_only_columns(log_head.c.last_position)).scalar_one()
    cps = sorted(
        [*stored_checkpoints.every(conn, after), *(c for c in extra_checkpoints if c.position > after)],
        key=lambda c: c.position,
    )
    if upto is not None:
        cps = [c for c in cps if c.position <= upto]
    checker = Checker(report, prev_hash or chain.GENESIS, cps, key, version_before)
    first_prev = prev_hash or chain.GENESIS
    canonical = _Canonical()
    try:
        of_row = canonical.of_row
        for chunk in records.rows(conn, after=after, upto=upto):
            if prev_hash is None and checker.expected == report.first:
                first_prev = checker.prev = chunk[0][11]
            try:
                texts = [of_row(row) for row in chunk]
            except (ValueError, NotCanonical):
                texts = []
                for row in chunk:  # which one: name it, after checking those before it
                    try:
                        texts.append(of_row(row))
                    except (ValueError, NotCanonical) as error:
                        if texts:
                            checker.events(chunk[: len(texts)], texts)
                        reason = f"its stored data or metadata is not JSON: {error}"
                        raise checker.fail(row[0], reason) from None
            checker.events(chunk, texts)
        checker.end(head if upto is None else None)
    except LogNotIntact:
        pass
    report.seconds = time.perf_counter() - started
    return report, checker, first_prev


def require_intact(conn: Connection) -> Report:
    """Verify the whole log on ``conn`` (whose transaction holds the write lock) or raise LogNotIntact."""
    report = verify_database(conn, split=True)
    if report.problem is not None:
        raise LogNotIntact(report.problem)
    return report


def _version_before(conn: Connection, stream_id: str, position: int) -> int:
    query = sa.select(sa.func.coalesce(sa.func.max(events.c.version), 0)).where(
        events.c.stream_id == stream_id, events.c.position <= position
    )
    return int(conn.execute(query).scalar_one())


def verify_export(
    lines: IO[bytes] | Iterable[bytes | str],
    key: PublicKey | None = None,
    checkpoints: Iterable[Checkpoint] = (),
) -> Report:
    """Verify an NDJSON export, line by line. An export that starts after position 1 (``--after``)
    is checked from its first line on, taking that line's prev_hash, and the version each
    stream is at there, as given."""
    started = time.perf_counter()
    report = Report(first=1)
    cps = sorted(checkpoints, key=lambda c: c.position)
    checker: Checker | None = None
    try:
        for number, row in _rows(lines):
            problem = _shape_problem(row)
            if checker is None:
                report.first = row["position"] if problem is None else 1
                if report.first > 1:
                    report.notes.append(
                        f"the export starts at position {report.first}: its prev_hash is taken as given"
                    )
                    checker = Checker(
                        report, row["prev_hash"], cps, key, lambda _sid, version, _at: version - 1
                    )
                else:
                    checker = Checker(report, chain.GENESIS, cps, key)
            if problem is not None:
                at = row["position"] if type(row.get("position")) is int else checker.expected
                raise checker.fail(at, f"line {number}: {problem}")
            try:
                text = chain.row_text(row)
            except NotCanonical as error:
                raise checker.fail(row["position"], f"not canonical JSON: {error}") from None
            checker.event(
                row["position"], row["stream_id"], row["version"], text, row["prev_hash"], row["hash"]
            )
        (checker or Checker(report, chain.GENESIS, cps, key)).end()
    except LogNotIntact:
        pass
    except _BadLine as error:
        at = checker.expected if checker is not None else 1
        report.problem = Problem(at, f"line {error.number} is not a JSON object: {error.reason}")
    report.seconds = time.perf_counter() - started
    return report


class _BadLine(Exception):
    def __init__(self, number: int, reason: str) -> None:
        self.number, self.reason = number, reason


def _rows(lines: IO[bytes] | Iterable[bytes | str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = from_json(line)
        except ValueError as error:
            raise _BadLine(number, str(error)) from None
        if not isinstance(row, dict):
            raise _BadLine(number, "not an object")
        yield number, row


_TYPES = {
    "position": int,
    "version": int,
    "schema_version": int,
    "event_id": str,
    "stream_id": str,
    "stream_type": str,
    "type": str,
    "recorded_at": str,
    "prev_hash": str,
    "hash": str,
    "data": dict,
    "metadata": dict,
}


def _shape_problem(row: dict[str, Any]) -> str | None:
    if set(row) != EXPORT_MEMBERS:
        extra, missing = sorted(set(row) - EXPORT_MEMBERS), sorted(EXPORT_MEMBERS - set(row))
        return f"not an event of the export format (unexpected {extra}, missing {missing})"
    for name, kind in _TYPES.items():
        if type(row[name]) is not kind:
            return f"{name} must be a JSON {'integer' if kind is int else kind.__name__}"
    if row["occurred_on"] is not None and type(row["occurred_on"]) is not str:
        return "occurred_on must be a string or null"
    return None
