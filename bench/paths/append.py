"""Path 1: append, one command per transaction, through the service layer.

Ours: ``MessageBus.handle`` per command (load states through the cache with a tail
read, check the invariants, append, update the read models, commit).
Ours, keyed: the same commands as the API sends them since issue 9: each one's
key checked as the API's dependency checks it (``KeyRing.cached``: HMAC of the
presented secret, constant-time compare), carried to the bus (the key's current
state and its right, under the log lock) with an Idempotency-Key (a fingerprint
of the request, a look-up under the lock, the answer rendered and stored with
the events). Measured against the plain path in the same run, interleaved.
Reference: eventsourcing ``Application``: ``repository.get`` (cache + fast-forward),
aggregate method, ``save`` per command. Both start on a fresh, empty database.
Units and clusters are registered and formed first (one transaction, untimed).
"""

from __future__ import annotations

import time

from app.api.writes import ack_outcome
from app.services import keys
from app.services.bus import Meta
from app.services.idempotency import Once, fingerprint
from bench import stores
from bench import workload as w
from bench.reference import reference_app
from bench.report import Row, median
from bench.sizes import Size
from bench.timing import first_commands, log, stopwatch

GOAL_RATIO = 2.0
GOAL_KEYED = 0.90  # keys and idempotency cost at most 10% of the single-write path
BENCH_SECRET = b"bench-key-secret-" + b"0" * 32


def ours_once(store: str, count: int) -> float:
    pacts, commands = first_commands(count)
    with stores.migrated_ledger(store) as (_db, ledger):
        ledger.bus.handle_many(w.setup_commands(w.clusters_for(pacts)))
        handle = ledger.bus.handle
        with stopwatch() as watch:
            for cmd in commands:
                handle(cmd)
    return count / watch.seconds


def ours_keyed(store: str, count: int) -> tuple[float, float]:
    """(plain cmd/s, keyed cmd/s) of one run whose commands alternate: even ones plain,
    odd ones keyed, timed one by one. The machine's load falls on both alike, and both
    see the same mix of commands (a pact has an odd number of them)."""
    pacts, commands = first_commands(count)
    with stores.migrated_ledger(store, key_secret=BENCH_SECRET.decode()) as (_db, ledger):
        ledger.bus.handle_many(w.setup_commands(w.clusters_for(pacts)))
        handle, ring, render = ledger.bus.handle, ledger.keys, ack_outcome()
        token, _ack = keys.issue(ledger.bus, BENCH_SECRET, name="bench-admin", role="admin")
        header = f"Bearer {token}"
        assert ring is not None and ring.authenticate(header)  # in memory from here on, as in a server
        spent = [0.0, 0.0]
        clock = time.perf_counter
        with stopwatch():
            for i, cmd in enumerate(commands):
                keyed = i & 1
                start = clock()
                if keyed:
                    key = ring.cached(header)
                    body = repr(cmd).encode()  # a request body of about the JSON's size
                    request = fingerprint("POST", "/api/v1/pacts/p/results", body)
                    handle(cmd, Meta(principal=key), Once(key.id, f"bench-{i}", request, render))
                else:
                    handle(cmd)
                spent[keyed] += clock() - start
    return (count - count // 2) / spent[0], (count // 2) / spent[1]


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
    keyed = Row(
        "1 append, key + Idempotency-Key",
        store,
        f"{count:,} commands",
        "cmd/s",
        goal=f">= {GOAL_KEYED:.2f}x plain",
        note="reference = our plain append, interleaved command by command with the keyed one",
    )
    for r in range(runs):
        row.runs.append(ours_once(store, count))
        plain, with_keys = ours_keyed(store, count)
        keyed.runs.append(with_keys)
        keyed.ref_runs.append(plain)
        row.ref_runs.append(reference_once(store, count))
        log(
            f"append {store} run {r + 1}/{runs}: ours {row.runs[-1]:,.0f} cmd/s, "
            f"reference {row.ref_runs[-1]:,.0f} cmd/s; interleaved: plain {plain:,.0f}, "
            f"keyed {with_keys:,.0f}"
        )
    for each in (row, keyed):
        each.ours, each.reference = median(each.runs), median(each.ref_runs)
    row.met = row.ratio is not None and row.ratio >= GOAL_RATIO
    keyed.met = keyed.ratio is not None and keyed.ratio >= GOAL_KEYED
    return [row, keyed]
