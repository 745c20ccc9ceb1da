"""Reads at a past point of the log: fold the streams up to a position.

The read models only know the present. An auditor asking "what were the
standings when position P was written?" gets them by replaying the pact's
stream up to P: the same fold and the same scoring as the live path.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.cluster import CLUSTER, Cluster
from app.domain.errors import NotFound
from app.domain.pact import PACT, Pact
from app.domain.scoring import pact_scores
from app.events import snapshots
from app.events.store import EventStore
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
    scores = pact_scores(pact)
    return standings_view(
        cluster_id=cluster_id,
        year=year,
        as_of_position=position,
        pact_id=pact.id,
        pact_status=pact.status,
        pact_version=version,
        leaders=cluster.leadership.get(year),
        host=cluster.host_of(year),
        rows=standing_rows(scores, _unit_names(conn, pact.parties), {u.unit_id: u.points for u in scores}),
    )


def _unit_names(conn: Connection, unit_ids: tuple[str, ...]) -> dict[str, str]:
    rows = conn.execute(sa.select(units.c.id, units.c.name).where(units.c.id.in_(unit_ids)))
    return {row.id: row.name for row in rows}
