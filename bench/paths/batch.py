"""Path 2: batch append, many events in one transaction (what an import does).

Ours: ``MessageBus.handle_many`` with 10,000 RecordResult commands for one pact (6
parties x 10 targets, results re-reported), read models updated per event, one commit.
Reference: eventsourcing: get the pact once, record 10,000 results, one ``save``.
The pact (proposal, signatures, targets) is set up untimed, through the same code.
"""

from __future__ import annotations

from bench import stores
from bench import workload as w
from bench.reference import reference_app
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import log, stopwatch

GOALS = {"sqlite": 50_000, "postgresql": 30_000}


def _results(count: int) -> tuple[w.PactSpec, list]:
    p = w.PactSpec(0)
    return p, [w.record_result(p, i) for i in range(count)]


def ours_once(store: str, count: int) -> float:
    p, results = _results(count)
    with stores.migrated_ledger(store) as (_db, ledger):
        ledger.bus.handle_many(w.setup_commands(1))
        ledger.bus.handle_many(w.pact_preamble(p))
        with stopwatch() as watch:
            ledger.bus.handle_many(results)
    return count / watch.seconds


def reference_once(store: str, count: int) -> float:
    p, results = _results(count)
    with stores.fresh_database(store, "es_bench") as db, reference_app(db.es_env) as app:
        app.parties_of = {w.cluster_id(0): list(w.members_of(0))}
        app.handle_many(w.pact_preamble(p))
        with stopwatch() as watch:
            app.handle_many(results)
    return count / watch.seconds


def run(store: str, size: Size, runs: int) -> list[Row]:
    count = size.batch_results
    goal = GOALS[store]
    row = Row(
        "2 batch append (1 tx)",
        store,
        f"{count:,} results, 1 call",
        "ev/s",
        goal=f">= {goal:,} ev/s",
    )
    for r in range(runs):
        row.runs.append(ours_once(store, count))
        row.ref_runs.append(reference_once(store, count))
        log(
            f"batch {store} run {r + 1}/{runs}: ours {row.runs[-1]:,.0f} ev/s, "
            f"reference {row.ref_runs[-1]:,.0f} ev/s"
        )
    row.ours, row.reference = median(row.runs), median(row.ref_runs)
    row.met = row.ours >= goal
    return [row]
