"""Reads at a past point of the log: fold the streams up to a position.

The read models only know the present. An auditor asking "what were the
standings when position P was written?" gets them by replaying the pact's
stream up to P: the same fold and the same scoring as the live path.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.assessment import ASSESSMENT, Assessments
from app.domain.cluster import CLUSTER, Cluster
from app.domain.errors import NotFound
from app.domain.pact import PACT, Pact
from app.domain.scoring import pact_scores
from app.domain.standings import flat_not_scoreable, sheet_standings
from app.events import snapshots
from app.events.store import EventStore
from app.projections import lineage, scoring_queries
from app.projections.queries import pacts_covering, standing_rows, standings_view
from app.projections.tables import units


def pact_at(conn: Connection, store: EventStore, pact_id: str, position: int) -> tuple[Pact | None, int]:
    """The pact right after ``position``: from its newest snapshot by then, plus the events since."""
    stream_id = PACT.stream_id(pact_id)
    start = snapshots.latest_before(conn, stream_id, position)
    version, state = start if start else (0, None)
    for stored in store.read_stream(conn, stream_id, after_version=version, to_position=position):
        state = PACT.apply(stored.to_domain(), state)
        version = stored.version
    return state, version


def cluster_at(conn: Connection, store: EventStore, cluster_id: str, position: int) -> Cluster | None:
    state = None
    for stored in store.read_stream(conn, CLUSTER.stream_id(cluster_id), to_position=position):
        state = CLUSTER.apply(stored.to_domain(), state)
    return state


def standings_as_of(conn: Connection, store: EventStore, cluster_id: str, year: int, position: int) -> dict:
    """Standings of the cluster-year as they stood right after ``position``."""
    # A pact's cluster and years never change after its proposal, so today's
    # read model names every candidate; the fold tells which existed at P.
    for candidate in pacts_covering(conn, cluster_id, year):
        pact, version = pact_at(conn, store, candidate["id"], position)
        if pact is not None:
            break
    else:
        raise NotFound(f"no pact of cluster {cluster_id} covered {year} at position {position}")
    cluster = cluster_at(conn, store, cluster_id, position)
    if cluster is None:  # a pact's cluster is formed before it
        raise NotFound(f"no cluster {cluster_id} at position {position}")
    fields = ranked_at(conn, store, pact, position)
    return standings_view(
        cluster_id=cluster_id,
        year=year,
        as_of_position=position,
        pact_id=pact.id,
        pact_status=pact.status,
        pact_version=version,
        leaders=cluster.leadership.get(year),
        host=cluster.host_of(year),
        rows=lineage.with_names_on(
            fields.pop("standings"),
            lineage.names_on(conn, pact.parties, date(year, 12, 31)),  # the names of the year
        ),
        **fields,
    )


def scoring_at(conn: Connection, store: EventStore, pact_id: str, position: int) -> Assessments | None:
    """The pact's scoring (its adopted sheet and assessments) as it stood; None without a sheet."""
    scoring = None
    for stored in store.read_stream(conn, ASSESSMENT.stream_id(pact_id), to_position=position):
        scoring = ASSESSMENT.apply(stored.to_domain(), scoring)
    return scoring


def ranked_at(conn: Connection, store: EventStore, pact: Pact, position: int) -> dict[str, Any]:
    """The standings fields as they stood: by the pact's sheet and its assessments by then, or by
    its flat targets; empty with the reason when there was nothing to rank."""
    names = _unit_names(conn, pact.parties)
    scoring = scoring_at(conn, store, pact.id, position)
    if scoring is not None:
        sheet = scoring_queries.sheet_version(conn, scoring.sheet)
        return scoring_queries.sheet_fields(sheet, sheet_standings(pact, sheet, scoring), names)
    reason = flat_not_scoreable(pact)
    scores = pact_scores(pact) if reason is None else []
    rows = standing_rows(scores, names, {u.unit_id: u.points for u in scores})
    return {"score_sheet": None, "not_scoreable": reason, "not_assessed": [], "standings": rows}


def _unit_names(conn: Connection, unit_ids: tuple[str, ...]) -> dict[str, str]:
    rows = conn.execute(sa.select(units.c.id, units.c.name).where(units.c.id.in_(unit_ids)))
    return {row.id: row.name for row in rows}
