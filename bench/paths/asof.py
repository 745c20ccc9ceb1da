"""Path 4: standings at a past point of the log (fold a cluster-year up to a position).

Data: one cluster, one pact (one cluster-year) whose stream holds ``asof_events``
events (proposal, 6 signatures, 10 targets, then results), written through
``MessageBus.handle_many``. Ours: ``app.projections.history.standings_as_of`` at 8
positions spread evenly over the stream (1/8 ... 8/8 of it; the last one is the
whole stream), each call on its own connection: read the stream up to P (from
whatever snapshot the app keeps), decode, fold, score, rank. The figure is the
median over all calls; the note gives the slowest position's median. When that module is absent, the same
steps are done here with ``EventStore.read_stream(to_position=P)`` +
``app.domain.pact.apply`` + ``app.domain.scoring``.
Reference: eventsourcing ``repository.get(id, version=V)`` with its cache off
at the same 8 points (read, decode, fold); it computes no standings.
"""

from __future__ import annotations

import statistics
import time

from bench import stores
from bench import workload as w
from bench.reference import Pact, reference_app
from bench.report import Row
from bench.sizes import Size
from bench.timing import log

GOAL_MS = 50.0
CHUNK = 2_000


def _standings_fn():
    try:
        from app.projections.history import standings_as_of

        return standings_as_of, "app.projections.history.standings_as_of"
    except ModuleNotFoundError as error:
        if error.name != "app.projections.history":
            raise  # the module exists but is broken: say so, do not measure something else
        from app.domain import pact as pact_model
        from app.domain.scoring import pact_scores, rank

        def standings_as_of(conn, store, cluster_id, year, position):
            state = None
            for stored in store.read_stream(conn, f"pact:{w.PactSpec(0).id}", to_position=position):
                state = pact_model.apply(stored.to_domain(), state)
            return rank(pact_scores(state))

        return standings_as_of, "read_stream(to_position) + pact.apply + scoring (bench fallback)"


def _commands(events: int) -> list:
    p = w.PactSpec(0)
    preamble = w.pact_preamble(p)
    return [*preamble, *(w.record_result(p, i) for i in range(max(0, events - len(preamble))))]


POINTS = 8


def _versions(total: int) -> list[int]:
    return [max(1, round(total * k / POINTS)) for k in range(1, POINTS + 1)]


def _timed(fn, points: list[int], repeats: int) -> list[list[float]]:
    """Per point, ``repeats`` timings in ms (after a warm-up call at every point)."""
    for point in points:
        fn(point)  # warm: imports, statement caches, connection pool
    times: list[list[float]] = [[] for _ in points]
    for _ in range(repeats):
        for i, point in enumerate(points):
            start = time.perf_counter()
            fn(point)
            times[i].append((time.perf_counter() - start) * 1000)
    return times


def ours_once(store: str, events: int, repeats: int) -> tuple[list[list[float]], str]:
    standings_as_of, how = _standings_fn()
    p = w.PactSpec(0)
    commands = _commands(events)
    with stores.migrated_ledger(store) as (_db, ledger):
        ledger.bus.handle_many(w.setup_commands(1))
        for start in range(0, len(commands), CHUNK):
            ledger.bus.handle_many(commands[start : start + CHUNK])
        with ledger.engine.connect() as conn:
            last = ledger.store.last_position(conn)
        first = last - len(commands)  # the pact's stream is the last len(commands) positions

        def query(version: int) -> None:
            with ledger.engine.connect() as conn:
                result = standings_as_of(conn, ledger.store, w.cluster_id(0), p.year, first + version)
            assert result

        return _timed(query, _versions(len(commands)), repeats), how


def reference_once(store: str, events: int, repeats: int) -> list[list[float]]:
    p = w.PactSpec(0)
    commands = _commands(events)
    with stores.fresh_database(store, "es_bench") as db:
        with reference_app(db.es_env) as app:
            app.parties_of = {w.cluster_id(0): list(w.members_of(0))}
            for start in range(0, len(commands), CHUNK):
                app.handle_many(commands[start : start + CHUNK])
        with reference_app(db.es_env, cache=False) as app:
            pact_id = Pact.create_id(p.id)

            def query(version: int) -> None:
                assert app.repository.get(pact_id, version=version).version == version

            return _timed(query, _versions(len(commands)), repeats)


def run(store: str, size: Size, runs: int) -> list[Row]:
    row = Row(
        "4 standings as of position",
        store,
        f"1 cluster-year, {size.asof_events:,} events",
        "ms",
        goal=f"<= {GOAL_MS:g} ms",
    )
    slowest: list[float] = []
    for r in range(runs):
        times, how = ours_once(store, size.asof_events, size.asof_repeats)
        ref_times = reference_once(store, size.asof_events, size.asof_repeats)
        row.runs.append(statistics.median(t for point in times for t in point))
        row.ref_runs.append(statistics.median(t for point in ref_times for t in point))
        slowest.append(max(statistics.median(point) for point in times))
        log(
            f"as-of {store} run {r + 1}/{runs}: ours {row.runs[-1]:.1f} ms (slowest point "
            f"{slowest[-1]:.1f} ms), reference {row.ref_runs[-1]:.1f} ms "
            f"({POINTS} points x {size.asof_repeats})"
        )
    row.ours, row.reference = statistics.median(row.runs), statistics.median(row.ref_runs)
    row.met = row.ours <= GOAL_MS and statistics.median(slowest) <= GOAL_MS
    row.note = (
        f"ours = {how}; slowest of the {POINTS} points {statistics.median(slowest):.1f} ms "
        "(also must be <= goal); reference = repository.get(version=V), no scoring; "
        "ratio = ours/ref time"
    )
    return [row]
