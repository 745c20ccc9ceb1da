"""Path 3: rebuild every read model from the log, and peak memory.

Data: ~1,000,000 events written through ``MessageBus.handle_many`` (units and
clusters first, then whole pacts, many pacts per transaction: the real code path,
invariants checked). The reference's log has the same pacts, same events,
written by eventsourcing (many aggregates per ``save``).

Measured in a child process each (``bench.child``), which reports its own peak RSS (VmHWM),
plus, for ours, the peak of every process it starts (the rebuild's workers), summed:
ours = ``app.projections.rebuild.rebuild`` with its defaults (delete every read-model
row, replay the log in worker processes, one per core, and re-insert every row from
the rebuilding process, one transaction); reference = plain replay
(select the notification log in pages of 5,000, decode, ``mutate``, no writes).
A third, informational row times our read + fold alone, in one process
(``app.projections.replay`` with no-op callbacks, or ``fold_log`` on older code), so
the fold and the writes can be told apart.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench import stores
from bench import workload as w
from bench.reference import reference_app
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log, stopwatch

GOAL_RATE = 250_000
GOAL_RATIO = 3.0
GOAL_MB = 500
PACTS_PER_TX = 20


def plan(events: int) -> tuple[int, int]:
    """(clusters, pacts) so that setup + pact events come to about ``events``."""
    per_cluster = w.YEARS_PER_CLUSTER * w.COMMANDS_PER_PACT + w.MEMBERS + 1
    clusters = max(1, round(events / per_cluster))
    setup = clusters * (w.MEMBERS + 1)
    pacts = min(clusters * w.YEARS_PER_CLUSTER, max(1, -(-(events - setup) // w.COMMANDS_PER_PACT)))
    return w.clusters_for(pacts), pacts


def build_ours(ledger, events: int) -> int:
    clusters, pacts = plan(events)
    ledger.bus.handle_many(w.setup_commands(clusters))
    for first in range(0, pacts, PACTS_PER_TX):
        batch = [
            cmd
            for n in range(first, min(pacts, first + PACTS_PER_TX))
            for cmd in w.pact_commands(w.PactSpec(n))
        ]
        ledger.bus.handle_many(batch)
    with ledger.engine.connect() as conn:
        return ledger.store.last_position(conn)


def build_reference(app, events: int) -> int:
    clusters, pacts = plan(events)
    app.parties_of = {w.cluster_id(j): list(w.members_of(j)) for j in range(clusters)}
    for first in range(0, pacts, PACTS_PER_TX):
        batch = [
            cmd
            for n in range(first, min(pacts, first + PACTS_PER_TX))
            for cmd in w.pact_commands(w.PactSpec(n))
        ]
        app.handle_many(batch)
    return app.recorder.max_notification_id() or 0


def in_child(*args: str) -> tuple[float, int, float]:
    """(seconds, events, peak RSS in MB) of ``python -m bench.child ARGS``."""
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bench.child", *args],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench.child {args[0]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # The child's own VmHWM: ru_maxrss of a child includes the parent's high-water
    # mark on Linux (inherited through fork, kept across exec), see bench.child.
    return result["seconds"], result["events"], result["peak_mb"]


def run(store: str, size: Size, runs: int) -> list[Row]:
    target = size.rebuild_events
    rate = Row(
        "3 rebuild (all read models)",
        store,
        "",
        "ev/s",
        goal=f">= {GOAL_RATE:,} ev/s and >= {GOAL_RATIO:g}x ref replay",
    )
    memory = Row("3 rebuild peak RSS", store, "", "MB", goal=f"<= {GOAL_MB} MB")
    fold = Row("3 fold only (info)", store, "", "ev/s", goal="(diagnosis)")
    with stores.migrated_ledger(store) as (db, ledger), stores.fresh_database(store, "es_bench") as es_db:
        with stopwatch() as watch:
            ours_events = build_ours(ledger, target)
        log(
            f"rebuild {store}: wrote {ours_events:,} events through handle_many in "
            f"{watch.seconds:.1f} s ({ours_events / watch.seconds:,.0f} ev/s)"
        )
        ledger.close()
        with reference_app(es_db.es_env) as app, stopwatch() as watch:
            ref_events = build_reference(app, target)
        log(f"rebuild {store}: reference wrote {ref_events:,} events in {watch.seconds:.1f} s")
        for r in range(runs):
            seconds, events, mb = in_child("rebuild", db.url)
            rate.runs.append(events / seconds)
            memory.runs.append(mb)
            ref_seconds, ref_n, ref_mb = in_child("replay", json.dumps(es_db.es_env))
            rate.ref_runs.append(ref_n / ref_seconds)
            memory.ref_runs.append(ref_mb)
            f_seconds, f_events, _ = in_child("fold", db.url)
            fold.runs.append(f_events / f_seconds)
            fold.ref_runs.append(ref_n / ref_seconds)
            log(
                f"rebuild {store} run {r + 1}/{runs}: ours {rate.runs[-1]:,.0f} ev/s "
                f"({seconds:.1f} s, {mb:,.0f} MB); reference replay {rate.ref_runs[-1]:,.0f} ev/s "
                f"({ref_seconds:.1f} s, {ref_mb:,.0f} MB); our fold only {fold.runs[-1]:,.0f} ev/s"
            )
    workload = f"{ours_events:,} events"
    for row in (rate, memory, fold):
        row.workload = workload
        row.ours, row.reference = median(row.runs), median(row.ref_runs)
    rate.met = rate.ours >= GOAL_RATE and rate.ratio >= GOAL_RATIO
    memory.met = memory.ours <= GOAL_MB
    memory.note = (
        "ours = rebuilding process + its workers, peaks summed; reference = peak RSS "
        "of its plain replay (no read models held or written)"
    )
    if ref_events != ours_events:
        rate.note = f"reference log holds {ref_events:,} events (no unit/cluster streams)"
    return [rate, memory, fold]
