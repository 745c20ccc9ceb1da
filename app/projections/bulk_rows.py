"""A pact's read-model rows straight from the replay's builder, ready for the driver.

The rebuild writes a million rows; deriving them through the domain state
(app.projections.rows) built a Result, a date and a dict per result, and then
SQLAlchemy's bind processors turned the dates back into the text they were read
as. Here the rows are tuples in each table's column order, made from the
event data as the log holds it: dates stay ISO text (what SQLite stores, and
what PostgreSQL's COPY parses), JSON columns are encoded once by ``dumps``.

The shape of every row must match what app.projections.rows gives the live
projector; tests/integration/test_rebuild_fast.py compares the two byte for byte
on both stores. Status and scores come from the domain's own functions.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.db import dumps
from app.domain.pact import PACT, status_of
from app.domain.scoring import score_targets
from app.events.pact_json import TARGET
from app.projections import rows, search
from app.projections import tables as t

# Table name -> column names, in the order the tuples below are built.
COLUMNS = {
    table.name: tuple(c.name for c in table.columns)
    for table in (
        t.pacts,
        t.pact_signatures,
        t.pact_targets,
        t.pact_results,
        t.pact_awards,
        t.pact_scores,
        t.search_names,
    )
}


def pact_rows(builder, version: int) -> Iterator[tuple[str, list[tuple]]]:
    """(table name, rows) for every pact table, from a PactBuilder at ``version``."""
    p = builder.proposed
    if p is None:
        raise TypeError("a pact stream must start with PactProposed")
    pact_id = p["id"]
    parties = p["parties"]
    cap = p.get("attainment_cap", 1.0)
    yield (
        "rm_pacts",
        [
            (
                pact_id,
                p["cluster_id"],
                p["title"],
                p["theme"],
                p["year"],
                p["period_start"],
                p["period_end"],
                dumps(p["content_items"]),
                dumps(parties),
                p["proposed_on"],
                cap,
                status_of(parties, builder.signatures, builder.closed_on),
                builder.closed_on,
                version,
            )
        ],
    )
    yield (
        "rm_pact_signatures",
        [(pact_id, unit_id, s["signed_by"], s["signed_on"]) for unit_id, s in builder.signatures.items()],
    )
    targets = builder.targets
    yield (
        "rm_pact_targets",
        [
            (
                pact_id,
                code,
                ordinal,
                d["title"],
                d["kind"],
                d["measure"],
                d["direction"],
                d["value"],
                d["weight"],
                dumps(d["applies_to"]),
            )  # None is stored as JSON null, as SQLAlchemy does
            for ordinal, (code, d) in enumerate(targets.items())
        ],
    )
    results = builder.results
    actuals: dict[str, dict[str, float]] = {}
    result_rows = []
    for key in sorted(results):
        unit_id, code = key
        r = results[key]
        value = r["value"]
        result_rows.append((pact_id, unit_id, code, value, r["reported_on"], r["source"], r.get("note")))
        actuals.setdefault(unit_id, {})[code] = value
    yield "rm_pact_results", result_rows
    yield (
        "rm_pact_awards",
        [
            (
                pact_id,
                seq,
                a["recipient_unit"],
                a["recipient_person"],
                a["title"],
                a["conferred_by"],
                a["decision_ref"],
                a["granted_on"],
            )
            for seq, a in enumerate(builder.awards, 1)
        ],
    )
    target_list = [TARGET.from_data(d) for d in targets.values()]
    scores = []
    for unit_id in parties:
        s = score_targets(unit_id, target_list, actuals.get(unit_id, {}), cap)
        scores.append((pact_id, unit_id, s.score, dumps(s.points), dumps(list(s.missing))))
    yield "rm_pact_scores", scores
    found = search.rows("pact", pact_id, [p["title"]])
    found += [search.award_row(pact_id, seq, a["title"]) for seq, a in enumerate(builder.awards, 1)]
    yield "rm_search", [tuple(r.values()) for r in found]


def stream_rows(stream_type: str, folded: object, version: int) -> Iterator[tuple[str, list, bool]]:
    """(table, rows, as_dicts) for one replayed stream, in the rebuild and its workers:
    pacts as driver-ready tuples (pact_rows), units, clusters and keys as dicts
    (app.projections.rows, the live projector's own)."""
    if stream_type == PACT.stream_type:
        for name, values in pact_rows(folded, version):
            if values:
                yield name, values, False
        return
    for name, dicts in rows.WHOLE_ROWS[stream_type](folded, version).items():
        if dicts:
            yield name, dicts, True
