"""Work run in a child process, so its peak memory (ru_maxrss) is its own.

    python -m bench.child rebuild URL      # our rebuild: fold the log + rewrite every read model
    python -m bench.child fold URL         # our fold only (read + decode + fold, no writes): diagnosis
    python -m bench.child replay ENV_JSON  # the reference's plain replay (decode + fold, no writes)

Prints one JSON line: {"seconds": ..., "events": ..., "peak_mb": ...}.

Peak memory is the process's own high-water RSS (VmHWM of /proc/self/status).
Not ru_maxrss: Linux carries the parent's high-water mark into a forked/vforked
child across exec, so a child of a big parent would report the parent's size.
"""

from __future__ import annotations

import glob
import json
import sys
import threading
import time
import warnings


def main(argv: list[str]) -> None:
    what, arg = argv
    if what in ("rebuild", "fold"):
        from app.bootstrap import bootstrap
        from app.projections.rebuild import rebuild
        from app.settings import Settings

        ledger = bootstrap(Settings(database_url=arg))
        watcher = ChildPeaks()
        try:
            start = time.perf_counter()
            if what == "rebuild":
                with watcher:
                    report = rebuild(ledger.engine, ledger.store)
                events = report.events
            else:
                events = _fold_only(ledger)
            seconds = time.perf_counter() - start
        finally:
            ledger.close()
        print(json.dumps({"seconds": seconds, "events": events,
                          "peak_mb": peak_mb() + watcher.total_mb(),
                          "children": len(watcher.peaks)}), flush=True)
        return
    elif what == "replay":
        warnings.simplefilter("ignore")
        from bench.reference import reference_app

        with reference_app(json.loads(arg), cache=False) as app:
            start = time.perf_counter()
            events, _aggregates = app.replay_all()
            seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown child task {what!r}")
    print(json.dumps({"seconds": seconds, "events": events, "peak_mb": peak_mb()}), flush=True)


def _fold_only(ledger) -> int:  # noqa: ANN001
    """The rebuild's own read + fold with the writes left out: app.projections.replay when
    the rebuild uses it, else fold_log (what older rebuilds called)."""
    with ledger.engine.connect() as conn:
        try:
            from app.projections import replay
        except ModuleNotFoundError as error:
            if error.name != "app.projections.replay":
                raise
            from app.projections.rebuild import fold_log

            states = fold_log(conn, ledger.store)
            return sum(v[2] for v in states.values())
        events, _streams = replay.replay(conn, lambda *_: None, lambda _row: None)
        return events


class ChildPeaks:
    """Peak RSS of this process's children (the rebuild's worker processes), sampled.

    VmHWM only grows, so the last value read from a child before it exits is its
    peak, give or take the last 20 ms. The rebuild's peak is reported as this
    process's peak plus every worker's peak: an upper bound, as if all peaked at once.
    """

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def total_mb(self) -> float:
        return sum(self.peaks.values())

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            for pid in _children():
                mb = _hwm_mb(pid)
                if mb is not None:
                    self.peaks[pid] = max(mb, self.peaks.get(pid, 0.0))


def _children() -> list[int]:
    pids: list[int] = []
    for task in glob.glob("/proc/self/task/*/children"):
        try:
            pids += [int(p) for p in open(task).read().split()]
        except OSError:
            pass
    return pids


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_mb() -> float:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1:])
