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
from dataclasses import dataclass, field
from hashlib import sha256
from typing import IO, Any

import sqlalchemy as sa
from pydantic_core import from_json
from sqlalchemy.engine import Connection

from app.audit import checkpoints as stored_checkpoints
from app.audit.signing import Checkpoint, PublicKey
from app.events import chain, records
from app.events.canonical import NotCanonical, dumps_canonical
from app.events.schema import events, log_head

EXPORT_MEMBERS = frozenset(records.Record._fields)


@dataclass(frozen=True, slots=True)
class Problem:
    position: int
    reason: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.reason}"


class LogNotIntact(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Report:
    """What a verification covered, and the first problem if any."""

    first: int  # the first position checked
    last: int = 0  # the last position found intact
    last_hash: str = chain.GENESIS
    events: int = 0
    streams: int = 0
    checkpoints: int = 0
    signatures: int = 0  # checkpoint signatures checked
    key_id: str | None = None
    last_checkpoint: Checkpoint | None = None  # the last one checked: where to resume from
    problem: Problem | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        if self.problem is not None:
            return f"NOT INTACT at {self.problem} (events {self.first}..{self.last} checked before it)"
        if not self.events:
            span = f"no events after position {self.first - 1}"
        else:
            span = f"positions {self.first}..{self.last} ({self.events} events, {self.streams} streams)"
        signed = ""
        if self.checkpoints:
            checked = (
                f"signatures verified with key {self.key_id}"
                if self.signatures == self.checkpoints
                else "signatures NOT checked (no public key)"
            )
            signed = f"; {self.checkpoints} checkpoint{'s' * (self.checkpoints != 1)} match, {checked}"
        notes = "".join(f"; {note}" for note in self.notes)
        checked = "every position, version and hash checks out"
        return f"intact: {span}, {checked}{signed}{notes}; head hash {self.last_hash}"


class Checker:
    """Takes events in position order and stops at the first problem (LogNotIntact)."""

    def __init__(
        self,
        report: Report,
        prev_hash: str,
        checkpoints: Iterable[Checkpoint] = (),
        key: PublicKey | None = None,
        version_before: Callable[[str, int], int] | None = None,
    ) -> None:
        self.report, self.key = report, key
        self.expected, self.prev = report.first, prev_hash
        self.versions: dict[str, int] = {}
        # (stream, its first version seen) -> its version before ``first``; None: 0, a full log.
        self.version_before = version_before
        # In position order; several may name one position (the database's and one held outside).
        self.pending = sorted(
            (c for c in checkpoints if c.position >= self.expected), key=lambda c: c.position
        )
        self.done = 0  # how many of them are checked
        if key is not None:
            report.key_id = key.key_id

    @property
    def next_checkpoint(self) -> Checkpoint | None:
        return self.pending[self.done] if self.done < len(self.pending) else None

    def fail(self, position: int, reason: str) -> LogNotIntact:
        self.report.problem = Problem(position, reason)
        return LogNotIntact(self.report.problem)

    def event(
        self, position: int, stream_id: str, version: int, text: str, prev_hash: str, hash: str
    ) -> None:
        """One event: its position, stream and version, the JCS text of its record, and its stored hashes."""
        if position != self.expected:
            if position > self.expected:
                raise self.fail(
                    self.expected, f"missing: the log goes from position {self.expected - 1} to {position}"
                )
            raise self.fail(position, f"out of order or repeated: position {self.expected} was expected")
        if prev_hash != self.prev:
            raise self.fail(
                position, "prev_hash is not the hash of the event before it: the chain is broken here"
            )
        if sha256((text + prev_hash).encode()).hexdigest() != hash:
            raise self.fail(
                position, "hash mismatch: the event's recorded fields were changed after it was written"
            )
        last = self.versions.get(stream_id)
        if last is None:
            last = self.version_before(stream_id, version) if self.version_before is not None else 0
        if version != last + 1:
            raise self.fail(position, f"stream {stream_id} goes from version {last} to {version}")
        self.versions[stream_id] = version
        self.prev, self.expected = hash, position + 1
        report = self.report
        report.last, report.last_hash, report.events = position, hash, report.events + 1
        while self.next_checkpoint is not None and self.next_checkpoint.position == position:
            self._checkpoint(self.next_checkpoint, hash)

    def events(self, chunk: list[records.Row], texts: list[str]) -> None:
        """A chunk of stored rows (in position order) and their records' JCS texts: checked
        as a whole when all is well (the common case, and a quarter cheaper than event by
        event), else event by event, to name the first problem exactly."""
        if not self._whole(chunk, texts):
            for row, text in zip(chunk, texts, strict=True):
                self.event(row[0], row[2], row[4], text, row[11], row[12])

    def _whole(self, chunk: list[records.Row], texts: list[str]) -> bool:
        first, count = chunk[0][0], len(chunk)
        # Positions come unique and sorted from the table's key: contiguous iff the ends are.
        if first != self.expected or chunk[-1][0] != first + count - 1:
            return False
        prevs = [row[11] for row in chunk]
        hashes = [row[12] for row in chunk]
        if prevs[0] != self.prev or prevs[1:] != hashes[:-1]:
            return False
        if [
            sha256((text + prev).encode()).hexdigest() for text, prev in zip(texts, prevs, strict=True)
        ] != hashes:
            return False
        known, seen = self.versions, {}
        for row in chunk:
            stream_id, version = row[2], row[4]
            last = seen.get(stream_id)
            if last is None:
                last = known.get(stream_id)
                if last is None:
                    last = self.version_before(stream_id, version) if self.version_before is not None else 0
            if version != last + 1:
                return False
            seen[stream_id] = version
        for cp in self.pending[self.done :]:
            if cp.position >= first + count:
                break
            if cp.hash != hashes[cp.position - first] or (self.key is not None and not self.key.verifies(cp)):
                return False
        # All is well: take the chunk in.
        while self.next_checkpoint is not None and self.next_checkpoint.position < first + count:
            self._checkpoint(self.next_checkpoint, hashes[self.next_checkpoint.position - first])
        known.update(seen)
        self.prev, self.expected = hashes[-1], first + count
        report = self.report
        report.last, report.last_hash, report.events = first + count - 1, hashes[-1], report.events + count
        return True

    def _checkpoint(self, checkpoint: Checkpoint, hash: str) -> None:
        when = f"the checkpoint signed at {checkpoint.signed_at} by key {checkpoint.key_id}"
        if self.key is not None:
            if not self.key.verifies(checkpoint):
                raise self.fail(
                    checkpoint.position, f"{when} has an invalid signature for key {self.key.key_id}"
                )
            self.report.signatures += 1
        if checkpoint.hash != hash:
            raise self.fail(
                checkpoint.position,
                f"hash differs from {when}: the log up to here was rewritten (its hashes recomputed)",
            )
        self.report.checkpoints += 1
        self.report.last_checkpoint = checkpoint
        self.done += 1

    def end(self, head: int | None = None) -> None:
        """The log ended at the last event given; ``head`` is where the database says it ends."""
        last = self.expected - 1
        if head is not None and head != last:
            if head > last:
                raise self.fail(
                    last + 1, f"missing: the log's head is at {head} but its events end at {last}"
                )
            raise self.fail(head + 1, f"beyond the log's head ({head}): not appended by the ledger")
        if self.next_checkpoint is not None:
            cp = self.next_checkpoint
            raise self.fail(
                last + 1,
                f"missing: the log ends at {last} but the checkpoint signed at {cp.signed_at} covers up to"
                f" {cp.position}: its tail was cut",
            )
        self.report.streams = len(self.versions)


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
) -> Report:
    """Verify the live log after position ``after`` (whose hash is ``prev_hash``) up to its head
    (or ``upto``), against the stored checkpoints and ``extra_checkpoints`` (held outside)."""
    started = time.perf_counter()
    report = Report(first=after + 1)
    head = conn.execute(log_head.select().with_only_columns(log_head.c.last_position)).scalar_one()
    cps = sorted(
        [*stored_checkpoints.every(conn, after), *(c for c in extra_checkpoints if c.position > after)],
        key=lambda c: c.position,
    )
    if upto is not None:
        cps = [c for c in cps if c.position <= upto]
    before = (lambda sid, _version: _version_before(conn, sid, after)) if after else None
    checker = Checker(report, prev_hash, cps, key, before)
    canonical = _Canonical()
    try:
        of_row = canonical.of_row
        for chunk in records.rows(conn, after=after, upto=upto):
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
    return report


def require_intact(conn: Connection) -> Report:
    """Verify the whole log on ``conn`` (whose transaction holds the write lock) or raise LogNotIntact."""
    report = verify_database(conn)
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
                    checker = Checker(report, row["prev_hash"], cps, key, lambda _sid, version: version - 1)
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
