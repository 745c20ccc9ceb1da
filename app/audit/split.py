"""Verify a long log in two halves at once: this process the first, a spawned one the second.

Every check but two is local to its half. The two that cross the middle are made
here after both halves are done: the second half's first prev_hash must be the
first half's last hash, and each stream's first version in the second half must
follow its last in the first. The first bad position overall is the lowest one
either half, or the seam, reports. Verification is CPU work in Python: two
processes on two cores take about half the time (docs/benchmarks.md, path 6).
A log too short to repay a process start, or in memory, is verified here alone.
"""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.connection import Connection as Pipe
from typing import Any

from sqlalchemy.engine import Connection

from app.audit.checker import Problem, Report
from app.audit.signing import Checkpoint, PublicKey
from app.events import chain
from app.events.schema import log_head
from app.projections.parallel import peak_rss_mb

SPLIT_FROM = 200_000


def verify(conn: Connection, key: PublicKey | None, extra: list[Checkpoint]) -> Report:
    from app.audit.verify import checked

    head = conn.execute(log_head.select().with_only_columns(log_head.c.last_position)).scalar_one()
    url = conn.engine.url
    if head < SPLIT_FROM or (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
        return checked(conn, key, extra, 0, chain.GENESIS, None, None)[0]
    middle = head // 2
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    pem = key.pem() if key is not None else None
    worker = context.Process(
        target=second_half,
        args=(url.render_as_string(hide_password=False), middle, pem, extra, sender),
        name="pacts-verify",
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        first, checker, _ = checked(conn, key, extra, 0, chain.GENESIS, middle, None)
        message = receiver.recv()
    finally:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.terminate()
        receiver.close()
    if message[0] == "error":
        raise RuntimeError(f"the verifying worker failed:\n{message[1]}")
    _, second, first_prev, first_versions, streams = message
    return _joined(first, checker.versions, second, first_prev, first_versions, streams)


def _joined(
    first: Report,
    versions: dict[str, int],
    second: Report,
    first_prev: str,
    first_versions: dict[str, tuple[int, int]],
    streams: set[str],
) -> Report:
    if first.problem is not None:
        return first
    found: list[Problem] = []
    if second.problem is not None:
        found.append(second.problem)
    if second.events and first_prev != first.last_hash:
        found.append(
            Problem(
                first.last + 1, "prev_hash is not the hash of the event before it: the chain is broken here"
            )
        )
    for stream_id, (version, position) in first_versions.items():
        last = versions.get(stream_id, 0)
        if version != last + 1:
            found.append(Problem(position, f"stream {stream_id} goes from version {last} to {version}"))
    joined = Report(
        first=first.first,
        last=second.last if second.events else first.last,
        last_hash=second.last_hash if second.events else first.last_hash,
        events=first.events + second.events,
        streams=len(versions.keys() | streams),
        checkpoints=first.checkpoints + second.checkpoints,
        signatures=first.signatures + second.signatures,
        key_id=first.key_id,
        last_checkpoint=second.last_checkpoint or first.last_checkpoint,
        seconds=max(first.seconds, second.seconds),
        helper_peak_mb=second.helper_peak_mb,
    )
    if found:
        joined.problem = min(found, key=lambda problem: problem.position)
        joined.last = joined.problem.position - 1
        joined.last_hash = ""
    return joined


def second_half(url: str, after: int, pem: str | None, extra: list[Checkpoint], sender: Pipe) -> None:
    """The worker: verify after ``after`` to the head, taking the first prev_hash and each
    stream's first version as given (the parent checks them), and send what the parent needs."""
    engine = None
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        from app.audit.verify import checked
        from app.db import create_engine

        key = PublicKey(load_pem_public_key(pem.encode())) if pem is not None else None  # type: ignore[arg-type]
        first_versions: dict[str, tuple[int, int]] = {}

        def given(stream_id: str, version: int, position: int) -> int:
            first_versions.setdefault(stream_id, (version, position))
            return version - 1

        engine = create_engine(url)
        with engine.connect() as conn, conn.begin():
            report, checker, first_prev = checked(conn, key, extra, after, None, None, given)
        report.helper_peak_mb = peak_rss_mb()
        message: Any = ("done", report, first_prev, first_versions, set(checker.versions))
        sender.send(message)
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()
        if engine is not None:
            engine.dispose()
