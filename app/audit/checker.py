"""The checks of a log verification, fed events in position order (app.audit.verify feeds them).

Positions gapless from the first one checked; each event's prev_hash the hash
before it; its hash recomputed from its record's JCS text; versions contiguous
per stream; each checkpoint, as the log passes its position, naming the hash
there and (given the public key) signed. The first problem stops the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from hashlib import sha256

from app.audit.signing import Checkpoint, PublicKey
from app.events import chain, records


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
    helper_peak_mb: float = 0.0  # peak memory of the process that verified a half (app.audit.split)

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
        version_before: Callable[[str, int, int], int] | None = None,
    ) -> None:
        self.report, self.key = report, key
        self.expected, self.prev = report.first, prev_hash
        self.versions: dict[str, int] = {}
        # (stream, its first version seen, at position) -> its version before ``first``; None: 0.
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
            last = self.version_before(stream_id, version, position) if self.version_before is not None else 0
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
        known, seen = self.versions, dict[str, int]()
        for row in chunk:
            stream_id, version = row[2], row[4]
            last = seen.get(stream_id)
            if last is None:
                last = known.get(stream_id)
                if last is None:
                    before = self.version_before
                    last = before(stream_id, version, row[0]) if before is not None else 0
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
