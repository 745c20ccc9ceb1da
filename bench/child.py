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

import json
import sys
import tempfile
import time
import warnings


def main(argv: list[str]) -> None:
    what, arg = argv
    if what in ("rebuild", "fold"):
        from app.bootstrap import bootstrap
        from app.projections.rebuild import rebuild
        from app.settings import Settings

        ledger = bootstrap(Settings(database_url=arg, signing_key_path=""))
        workers_mb = 0.0
        try:
            start = time.perf_counter()
            if what == "rebuild":
                # As `pacts rebuild` runs it: workers picked by the log's length.
                report = rebuild(ledger.engine, ledger.store, workers=None)
                events, workers_mb = report.events, report.worker_peak_mb
            else:
                events = _fold_only(ledger)
            seconds = time.perf_counter() - start
        finally:
            ledger.close()
        # The rebuild's peak: this process's plus each worker's (their own VmHWM,
        # sent when they finish), summed: an upper bound, as if all peaked at once.
        print(
            json.dumps({"seconds": seconds, "events": events, "peak_mb": peak_mb() + workers_mb}), flush=True
        )
        return
    elif what in ("verify", "export"):
        # As `pacts verify` and `pacts export` run them, on the log at ``arg``.
        from app.audit import export
        from app.audit.verify import verify_database
        from app.db import create_engine

        engine = create_engine(arg)
        start = time.perf_counter()
        with engine.connect() as conn, conn.begin():
            if what == "verify":
                report = verify_database(conn, split=True)
                if not report.intact:
                    raise SystemExit(f"the log does not verify: {report.summary()}")
                events, helper_mb = report.events, report.helper_peak_mb
            else:
                events, helper_mb = 0, 0.0
                with tempfile.TemporaryFile() as out:
                    for chunk in export.ndjson(conn):
                        out.write(chunk)
                        events += chunk.count(b"\n")
        seconds = time.perf_counter() - start
        engine.dispose()
        print(
            json.dumps({"seconds": seconds, "events": events, "peak_mb": peak_mb() + helper_mb}), flush=True
        )
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


def _fold_only(ledger) -> int:
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


def peak_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1:])
