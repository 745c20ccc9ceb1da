"""Verification for monitoring (``GET /api/v1/verify``): each run resumes from the last
checkpoint the previous run verified, so it reads only what was appended since.

What a resumed run still catches: any change at or after the checkpoint it resumes
from, a rewrite that reaches that checkpoint's event (its hash must still be the
signed one), and a cut tail. A change to an event before it, that leaves the
hashes alone, is for the full check (``full=true``, or ``pacts verify``) to find.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.audit.signing import PublicKey
from app.audit.verify import Problem, Report, verify_database
from app.events import chain
from app.events.schema import events


class LogMonitor:
    """One per process; runs one verification at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resume = (0, chain.GENESIS)  # (position, hash) of the last verified checkpoint

    def verify(self, engine: Engine, key: PublicKey | None, full: bool = False) -> Report:
        with self._lock, engine.connect() as conn, conn.begin():
            after, prev = (0, chain.GENESIS) if full else self._resume
            if after:
                stored = conn.execute(sa.select(events.c.hash).where(events.c.position == after)).scalar()
                if stored != prev:
                    reason = (
                        "missing" if stored is None else "hash differs from the checkpoint verified before"
                    )
                    report = Report(first=after, problem=Problem(after, f"{reason}: the log was rewritten"))
                    self._resume = (0, chain.GENESIS)
                    return report
            report = verify_database(conn, key, after=after, prev_hash=prev)
        if report.intact and report.last_checkpoint is not None:
            self._resume = (report.last_checkpoint.position, report.last_checkpoint.hash)
        elif not report.intact:
            self._resume = (0, chain.GENESIS)  # next time, from the start
        return report
