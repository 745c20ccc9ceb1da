"""Parallel replay for ``pacts rebuild``: worker processes fold ranges of streams.

The read models depend only on each stream's own events (app.projections.replay),
so the log splits into ranges of stream ids with about as many events each. A
worker process per range reads it on its own connection, folds it, derives the
rows (app.projections.rebuild.stream_rows) and sends them through a pipe in
chunks. The rebuilding process stays the only writer: it holds the log's write
lock and the one transaction, and writes what arrives. So the fold of a million
events runs beside the writes instead of before them.

What the workers read is the log as last committed. The rebuilding process took
the write lock before starting them, so nobody can append meanwhile: that is
the log up to the locked position, the same log an in-process replay would read.

Workers are spawned, not forked: the parent holds open database connections
(SQLite's locks do not survive a fork). A worker's error is sent back and
raised in the parent, with the worker's traceback as a note, and the
transaction rolls back; a worker that dies without a word fails the rebuild too.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe, wait
from typing import Protocol

from sqlalchemy.engine import Connection

Range = tuple[str | None, str | None]
# Rows per message: big enough that pickling is per chunk, small enough to keep memory flat.
SEND_EVERY = 5000


class Writer(Protocol):
    def add(self, name: str, rows: list[tuple]) -> None: ...
    def add_dicts(self, name: str, rows: list[dict]) -> None: ...


def stream_ranges(conn: Connection, events: int, count: int) -> list[Range]:
    """``count`` ranges [low, high) of stream ids holding about ``events / count`` events each.

    Positions are gapless, so the locked position is the number of events; the
    boundaries are the stream ids found at evenly spaced offsets in the
    (stream_id, version) index. A stream never straddles two ranges.
    """
    marker = "%s" if conn.dialect.name == "postgresql" else "?"
    query = f"SELECT stream_id FROM events ORDER BY stream_id, version LIMIT 1 OFFSET {marker}"
    bounds: list[str] = []
    for i in range(1, count):
        row = conn.exec_driver_sql(query, (events * i // count,)).first()
        if row is not None and (not bounds or row[0] > bounds[-1]):
            bounds.append(row[0])
    edges: list[str | None] = [None, *bounds, None]
    return list(zip(edges, edges[1:]))


def replay(
    url: str, ranges: list[Range], writer: Writer, progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Replay every range in its own worker process and write the rows; (events, streams)."""
    context = multiprocessing.get_context("spawn")
    workers: dict[Pipe, multiprocessing.Process] = {}
    try:
        for streams in ranges:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(
                target=work, args=(url, streams, sender), name="pacts-rebuild", daemon=True,
            )
            process.start()
            sender.close()
            workers[receiver] = process
        events = count = 0
        running = dict(workers)
        while running:
            for receiver in wait(list(running)):
                try:
                    message = receiver.recv()
                except EOFError:
                    code = running[receiver].exitcode
                    raise RuntimeError(f"a rebuild worker stopped without finishing (exit {code})") from None
                kind = message[0]
                if kind == "rows":
                    _, batch, replayed = message
                    for name, rows, as_dicts in batch:
                        (writer.add_dicts if as_dicts else writer.add)(name, rows)
                    if progress and replayed:
                        progress(replayed)
                elif kind == "done":
                    events, count = events + message[1], count + message[2]
                    del running[receiver]
                else:
                    _, error, trace = message
                    error.add_note(f"in a rebuild worker:\n{trace}")
                    raise error
        return events, count
    finally:
        for receiver, process in workers.items():
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()


def work(url: str, streams: Range, sender: Pipe) -> None:
    """A worker's life: replay one range of streams and send its rows; then "done", or the error."""
    # Imported here: this runs in a freshly spawned interpreter.
    from app.db import create_engine
    from app.events.schema import snapshots
    from app.projections import replay as replaying
    from app.projections.rebuild import stream_rows

    engine = create_engine(url)
    batch: list[tuple[str, list, bool]] = []
    pending = replayed = 0

    def send() -> None:
        nonlocal batch, pending, replayed
        sender.send(("rows", batch, replayed))
        batch, pending, replayed = [], 0, 0

    def on_stream(stream_type: str, folded: object, version: int) -> None:
        nonlocal pending
        for item in stream_rows(stream_type, folded, version):
            batch.append(item)
            pending += len(item[1])
        if pending >= SEND_EVERY:
            send()

    def on_snapshot(row: dict) -> None:
        batch.append((snapshots.name, [row], True))

    def on_progress(n: int) -> None:
        nonlocal replayed
        replayed += n

    try:
        with engine.connect() as conn, conn.begin():
            events, count = replaying.replay(
                conn, on_stream, on_snapshot, on_progress, streams=streams,
            )
        send()
        sender.send(("done", events, count))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        sender.send(("error", error, traceback.format_exc()))
    finally:
        sender.close()
        engine.dispose()
