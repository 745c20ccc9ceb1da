"""Parallel replay for ``pacts rebuild``: worker processes fold ranges of streams.

The read models depend only on each stream's own events (app.projections.replay),
so the log splits into ranges of stream ids with about as many events each. A
worker process per range reads it on its own connection, folds it, derives the
rows (app.projections.bulk_rows.stream_rows) and sends them through a pipe in
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

import contextlib
import itertools
import multiprocessing
import pickle
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import NamedTuple, Protocol, cast

from sqlalchemy.engine import Connection

try:
    import fcntl
except ImportError:  # not a POSIX system: pipes keep their default size
    fcntl = None  # type: ignore[assignment]

Range = tuple[str | None, str | None]
# Rows per message: big enough that pickling is per chunk, small enough to keep memory flat.
SEND_EVERY = 5000
# Seconds between checks that silent workers are still alive.
LIVENESS_CHECK = 1.0
# Bytes a worker's pipe holds. A message of rows is ~300 KB and a pipe holds
# 64 KiB by default, so every send waited until the rebuilding process had
# finished its current insert and read the whole message: worker and writer
# took turns on two cores. With 1 MiB a worker runs a few messages ahead.
PIPE_BYTES = 1 << 20


class Replayed(NamedTuple):
    events: int
    streams: int
    peak_mb: float  # the workers' peak resident memory, summed


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
    return list(itertools.pairwise(edges))


def replay(
    url: str,
    ranges: list[Range],
    to_position: int,
    writer: Writer,
    progress: Callable[[int], None] | None = None,
) -> Replayed:
    """Replay every range in its own worker process, up to ``to_position``, and write the rows."""
    context = multiprocessing.get_context("spawn")
    workers: dict[Pipe, BaseProcess] = {}
    finished = False
    try:
        for streams in ranges:
            receiver, sender = context.Pipe(duplex=False)
            _widen(receiver)
            worker = context.Process(
                target=work,
                args=(url, streams, to_position, sender),
                name="pacts-rebuild",
                daemon=True,
            )
            worker.start()
            sender.close()
            workers[receiver] = worker
        done = Replayed(0, 0, 0.0)
        running = dict(workers)
        while running:
            # wait() answers with some of the pipe ends it was given.
            ready = cast("list[Pipe]", wait(list(running), timeout=LIVENESS_CHECK))
            if not ready:
                # Nothing to read: a worker killed before it could close its pipe end
                # (out of memory, say) must not leave us waiting with the lock held.
                for process in running.values():
                    if not process.is_alive():
                        raise RuntimeError(f"a rebuild worker died (exit {process.exitcode})")
                continue
            for receiver in ready:
                try:
                    message = receiver.recv()
                except EOFError:
                    process = running[receiver]
                    process.join(timeout=5)
                    raise RuntimeError(
                        f"a rebuild worker stopped without finishing (exit {process.exitcode})"
                    ) from None
                kind = message[0]
                if kind == "rows":
                    _, batch, replayed = message
                    for name, rows, as_dicts in batch:
                        (writer.add_dicts if as_dicts else writer.add)(name, rows)
                    if progress and replayed:
                        progress(replayed)
                elif kind == "done":
                    _, events, streams, peak_mb = message
                    done = Replayed(done.events + events, done.streams + streams, done.peak_mb + peak_mb)
                    del running[receiver]
                else:
                    _, error, trace = message
                    error.add_note(f"in a rebuild worker:\n{trace}")
                    raise error
        finished = True
        return done
    finally:
        for receiver, process in workers.items():
            if finished:  # they said "done": let them close their connections cleanly
                process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
            receiver.close()


def work(url: str, streams: Range, to_position: int, sender: Pipe) -> None:
    """A worker's life: replay one range of streams and send its rows; then "done", or the error."""
    engine = None
    try:
        # Imported here: this runs in a freshly spawned interpreter.
        from app.db import create_engine
        from app.events.schema import snapshots
        from app.projections import replay as replaying
        from app.projections.bulk_rows import stream_rows

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

        with engine.connect() as conn, conn.begin():
            events, count = replaying.replay(
                conn,
                on_stream,
                on_snapshot,
                on_progress,
                streams=streams,
                to_position=to_position,
            )
        send()
        sender.send(("done", events, count, peak_rss_mb()))
    except BaseException as error:
        sender.send(("error", _transportable(error), traceback.format_exc()))
    finally:
        sender.close()
        if engine is not None:
            engine.dispose()


def _widen(pipe: Pipe) -> None:
    """Give the pipe PIPE_BYTES of buffer where the system allows it (Linux)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    # Above /proc/sys/fs/pipe-max-size for this user: keep the default.
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


def _transportable(error: BaseException) -> BaseException:
    """The error itself if it survives pickling, else a RuntimeError that names it."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
