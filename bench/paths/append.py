"""Path 1: append, one command per transaction, through the service layer.

Ours: ``MessageBus.handle`` per command (load states through the cache with a tail
read, check the invariants, append, update the read models, commit).
Reference: eventsourcing ``Application``: ``repository.get`` (cache + fast-forward),
aggregate method, ``save`` per command. Both start on a fresh, empty database.
Units and clusters are registered and formed first (one transaction, untimed).
"""

from __future__ import annotations

from bench import stores
from bench import workload as w
from bench.reference import reference_app
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import first_commands, log, stopwatch

GOAL_RATIO = 2.0


def ours_once(store: str, count: int) -> float:
    pacts, commands = first_commands(count)
    with stores.migrated_ledger(store) as (_db, ledger):
        ledger.bus.handle_many(w.setup_commands(w.clusters_for(pacts)))
        handle = ledger.bus.handle
        with stopwatch() as watch:
            for cmd in commands:
                handle(cmd)
    return count / watch.seconds


def reference_once(store: str, count: int) -> float:
    pacts, commands = first_commands(count)
    with stores.fresh_database(store, "es_bench") as db, reference_app(db.es_env) as app:
        app.parties_of = {w.cluster_id(j): list(w.members_of(j)) for j in range(w.clusters_for(pacts))}
        handle = app.handle
        with stopwatch() as watch:
            for cmd in commands:
                handle(cmd)
    return count / watch.seconds


def run(store: str, size: Size, runs: int) -> list[Row]:
    count = size.append_commands[store]
    row = Row(
        "1 append (1 cmd/tx)",
        store,
        f"{count:,} commands",
        "cmd/s",
        goal=f">= {GOAL_RATIO:g}x ref",
    )
    for r in range(runs):
        row.runs.append(ours_once(store, count))
        row.ref_runs.append(reference_once(store, count))
        log(
            f"append {store} run {r + 1}/{runs}: ours {row.runs[-1]:,.0f} cmd/s, "
            f"reference {row.ref_runs[-1]:,.0f} cmd/s"
        )
    row.ours, row.reference = median(row.runs), median(row.ref_runs)
    row.met = row.ratio is not None and row.ratio >= GOAL_RATIO
    return [row]
