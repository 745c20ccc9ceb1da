"""Every read, now or as of a past log position, in one shape.

``at`` answers a reader for a position: at the log head, the read models (they
are exactly there); before it, the streams folded up to that position with the
domain's own folds (app.projections.history), rendered by the same row
functions the projector writes (app.projections.rows). Both answer the same
dicts, so a route never knows which one it asked, and a test holds them equal
at the head.

Which entities might exist at a past position comes from the read models:
units, clusters and pacts are never deleted, and a pact's cluster and years
never change after its proposal, so today's rows name every candidate and the
fold tells which existed then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.aggregate import Aggregate
from app.domain.cluster import CLUSTER, Cluster
from app.domain.errors import NotFound
from app.domain.pact import Pact
from app.domain.unit import UNIT, Unit
from app.events.store import EventStore
from app.projections import history, queries, rows
from app.projections import tables as t

Row = dict[str, Any]
S = TypeVar("S")


class LiveReads:
    """The read models, which reflect the log head ``position``."""

    def __init__(self, conn: Connection, position: int) -> None:
        self.conn, self.position = conn, position

    def unit(self, unit_id: str) -> Row:
        return queries.get_unit(self.conn, unit_id)

    def units(self) -> list[Row]:
        return queries.list_units(self.conn)

    def cluster(self, cluster_id: str) -> Row:
        return queries.get_cluster(self.conn, cluster_id)

    def clusters(self) -> list[Row]:
        return queries.list_clusters(self.conn)

    def rotations(self, cluster_id: str) -> Row:
        return queries.rotations(self.conn, cluster_id)

    def pact(self, pact_id: str) -> Row:
        return queries.get_pact(self.conn, pact_id)

    def pacts(self, cluster_id: str | None = None, year: int | None = None) -> list[Row]:
        return queries.list_pacts(self.conn, cluster_id, year)

    def scores(self, pact_id: str) -> Row:
        return queries.pact_scores(self.conn, pact_id)

    def standings(self, cluster_id: str, year: int) -> Row:
        return {**queries.standings(self.conn, cluster_id, year), "as_of_position": self.position}


class PastReads:
    """The streams folded up to ``position``, a position before the log head."""

    def __init__(self, conn: Connection, store: EventStore, position: int) -> None:
        self.conn, self.store, self.position = conn, store, position

    def _fold(self, kind: Aggregate[S], entity_id: str) -> tuple[S | None, int]:
        state: S | None = None
        version = 0
        for stored in self.store.read_stream(self.conn, kind.stream_id(entity_id), to_position=self.position):
            state, version = kind.apply(stored.to_domain(), state), stored.version
        return state, version

    def _unit(self, unit_id: str) -> tuple[Unit | None, int]:
        return self._fold(UNIT, unit_id)

    def _cluster(self, cluster_id: str) -> tuple[Cluster | None, int]:
        return self._fold(CLUSTER, cluster_id)

    def _pact(self, pact_id: str) -> tuple[Pact | None, int]:
        return history.pact_at(self.conn, self.store, pact_id, self.position)

    def _found(self, what: str, entity_id: str, fold: Callable[[str], tuple[Any, int]]) -> tuple[Any, int]:
        state, version = fold(entity_id)
        if state is None:
            raise NotFound(f"no {what} {entity_id} at position {self.position}")
        return state, version

    def _existing(self, ids: list[str], fold: Callable[[str], tuple[Any, int]]) -> list[tuple[Any, int]]:
        folded = (fold(entity_id) for entity_id in ids)
        return [(state, version) for state, version in folded if state is not None]

    def unit(self, unit_id: str) -> Row:
        return rows.unit_row(*self._found("unit", unit_id, self._unit))

    def units(self) -> list[Row]:
        ids = list(self.conn.execute(sa.select(t.units.c.id).order_by(t.units.c.id)).scalars())
        return [rows.unit_row(*found) for found in self._existing(ids, self._unit)]

    def cluster(self, cluster_id: str) -> Row:
        return _cluster_view(*self._found("cluster", cluster_id, self._cluster))

    def clusters(self) -> list[Row]:
        ids = list(self.conn.execute(sa.select(t.clusters.c.id).order_by(t.clusters.c.id)).scalars())
        return [_cluster_view(*found) for found in self._existing(ids, self._cluster)]

    def rotations(self, cluster_id: str) -> Row:
        cluster, _ = self._found("cluster", cluster_id, self._cluster)
        last = cluster.handovers[-1].conference_number if cluster.handovers else None
        return {
            "cluster_id": cluster_id,
            "flag_holder": cluster.flag_holder,
            "next_conference_number": last + 1 if last else None,
            "handovers": [_without(r, "cluster_id") for r in rows.handover_rows(cluster)],
            "leadership": sorted(
                (_without(r, "cluster_id") for r in rows.leadership_rows(cluster)), key=lambda r: r["year"]
            ),
        }

    def pact(self, pact_id: str) -> Row:
        pact, version = self._found("pact", pact_id, self._pact)
        scoring = history.scoring_at(self.conn, self.store, pact_id, self.position)
        sheet = None if scoring is None else {"code": scoring.sheet.code, "version": scoring.sheet.version}
        return {**_pact_view(pact, version), "score_sheet": sheet}

    def pacts(self, cluster_id: str | None = None, year: int | None = None) -> list[Row]:
        ids = [p["id"] for p in queries.list_pacts(self.conn, cluster_id, year)]
        return [rows.pact_row(*found) for found in self._existing(ids, self._pact)]

    def scores(self, pact_id: str) -> Row:
        pact, _ = self._found("pact", pact_id, self._pact)
        return {
            "pact_id": pact_id,
            "status": pact.status,
            "attainment_cap": pact.attainment_cap,
            **history.ranked_at(self.conn, self.store, pact, self.position),
        }

    def standings(self, cluster_id: str, year: int) -> Row:
        found = history.standings_as_of(self.conn, self.store, cluster_id, year, self.position)
        return _without(found, "pact_version")


Reads = LiveReads | PastReads


def at(conn: Connection, store: EventStore, position: int, head: int) -> Reads:
    return LiveReads(conn, head) if position >= head else PastReads(conn, store, position)


def _without(row: Row, *keys: str) -> Row:
    return {k: v for k, v in row.items() if k not in keys}


def _cluster_view(cluster: Cluster, version: int) -> Row:
    memberships = sorted(
        (_without(m, "cluster_id") for m in rows.member_rows(cluster)),
        key=lambda m: (m["joined_on"], m["unit_id"]),
    )
    members = [m["unit_id"] for m in memberships if m["left_on"] is None]
    seats = sorted(
        (_without(r, "cluster_id") for r in rows.repartition_rows(cluster)),
        key=lambda r: (r["effective_on"], r["unit_id"]),
    )
    return {
        **rows.cluster_row(cluster, version),
        "memberships": memberships,
        "members": members,
        "repartitions": seats,
        "pending_repartition": cluster.pending_repartition,
    }


def _pact_view(pact: Pact, version: int) -> Row:
    signatures = [_without(rows.signature_row(pact, u), "pact_id") for u in pact.signatures]
    return {
        **rows.pact_row(pact, version),
        "signatures": sorted(signatures, key=lambda s: (s["signed_on"], s["unit_id"])),
        "targets": [_without(rows.target_row(pact, c, i), "pact_id") for i, c in enumerate(pact.targets)],
        "results": [_without(rows.result_row(pact, *key), "pact_id") for key in sorted(pact.results)],
        "awards": [_without(rows.award_row(pact, seq), "pact_id") for seq in range(1, len(pact.awards) + 1)],
    }
