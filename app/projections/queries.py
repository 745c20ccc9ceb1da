"""Read-side queries over the read models: plain dicts, ready for the API to shape."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.cluster import Handover, host_of
from app.domain.errors import NotFound
from app.domain.scoring import Standing, UnitScore, rank
from app.projections import lineage, scoring_queries
from app.projections import tables as t


def _one(conn: Connection, query: sa.Select, what: str) -> dict:
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no {what}")
    return dict(row)


def list_units(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(t.units).order_by(t.units.c.id)).mappings()]


def get_unit(conn: Connection, unit_id: str) -> dict:
    return _one(conn, sa.select(t.units).where(t.units.c.id == unit_id), f"unit {unit_id}")


def _memberships(conn: Connection, cluster_ids: list[str]) -> dict[str, list[dict]]:
    query = (
        sa.select(t.cluster_members)
        .where(t.cluster_members.c.cluster_id.in_(cluster_ids))
        .order_by(t.cluster_members.c.joined_on, t.cluster_members.c.unit_id)
    )
    by_cluster: dict[str, list[dict]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        by_cluster[row["cluster_id"]].append(
            {"unit_id": row["unit_id"], "joined_on": row["joined_on"], "left_on": row["left_on"]}
        )
    return by_cluster


def _with_members(conn: Connection, clusters: list[dict]) -> list[dict]:
    memberships = _memberships(conn, [c["id"] for c in clusters])
    seats = lineage.repartitions(conn, [c["id"] for c in clusters])
    for cluster in clusters:
        history = memberships.get(cluster["id"], [])
        cluster["memberships"] = history
        cluster["members"] = [m["unit_id"] for m in history if m["left_on"] is None]
        cluster["repartitions"] = seats.get(cluster["id"], [])
        cluster["pending_repartition"] = any(r["decided_on"] is None for r in cluster["repartitions"])
    return clusters


def list_clusters(conn: Connection) -> list[dict]:
    rows = [dict(r) for r in conn.execute(sa.select(t.clusters).order_by(t.clusters.c.id)).mappings()]
    return _with_members(conn, rows)


def get_cluster(conn: Connection, cluster_id: str) -> dict:
    row = _one(conn, sa.select(t.clusters).where(t.clusters.c.id == cluster_id), f"cluster {cluster_id}")
    return _with_members(conn, [row])[0]


def rotations(conn: Connection, cluster_id: str) -> dict:
    cluster = get_cluster(conn, cluster_id)
    handovers = conn.execute(
        sa.select(t.host_handovers)
        .where(t.host_handovers.c.cluster_id == cluster_id)
        .order_by(t.host_handovers.c.conference_number)
    ).mappings()
    leadership = conn.execute(
        sa.select(t.leadership).where(t.leadership.c.cluster_id == cluster_id).order_by(t.leadership.c.year)
    ).mappings()
    return {
        "cluster_id": cluster_id,
        "flag_holder": cluster["flag_holder"],
        "next_conference_number": (
            cluster["last_conference_number"] + 1 if cluster["last_conference_number"] else None
        ),
        "handovers": [_drop(r, "cluster_id") for r in handovers],
        "leadership": [_drop(r, "cluster_id") for r in leadership],
    }


def _drop(row: sa.RowMapping, *keys: str) -> dict:
    return {k: v for k, v in row.items() if k not in keys}


def list_pacts(conn: Connection, cluster_id: str | None, year: int | None) -> list[dict]:
    query = sa.select(t.pacts).order_by(t.pacts.c.proposed_on, t.pacts.c.id)
    if cluster_id is not None:
        query = query.where(t.pacts.c.cluster_id == cluster_id)
    if year is not None:
        query = query.where(_covers(year))
    return [dict(r) for r in conn.execute(query).mappings()]


def _covers(year: int) -> sa.ColumnElement[bool]:
    return sa.or_(
        t.pacts.c.year == year,
        sa.and_(t.pacts.c.period_start <= year, t.pacts.c.period_end >= year),
    )


def pacts_covering(conn: Connection, cluster_id: str, year: int) -> list[dict]:
    """A cluster's pacts covering a year, the one its standings use first:
    a yearly pact before a multi-year one, then the earliest proposed."""
    query = (
        sa.select(t.pacts.c.id, t.pacts.c.status)
        .where(t.pacts.c.cluster_id == cluster_id, _covers(year))
        .order_by(t.pacts.c.year.is_(None), t.pacts.c.proposed_on, t.pacts.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def get_pact(conn: Connection, pact_id: str) -> dict:
    pact = _one(conn, sa.select(t.pacts).where(t.pacts.c.id == pact_id), f"pact {pact_id}")

    def children(table: sa.Table, *order: sa.Column) -> list[dict]:
        query = sa.select(table).where(table.c.pact_id == pact_id).order_by(*order)
        return [_drop(r, "pact_id") for r in conn.execute(query).mappings()]

    pact["signatures"] = children(
        t.pact_signatures, t.pact_signatures.c.signed_on, t.pact_signatures.c.unit_id
    )
    pact["targets"] = children(t.pact_targets, t.pact_targets.c.ordinal)
    pact["results"] = children(t.pact_results, t.pact_results.c.unit_id, t.pact_results.c.target_code)
    pact["awards"] = children(t.pact_awards, t.pact_awards.c.seq)
    pact["score_sheet"] = scoring_queries.adopted_sheet(conn, pact_id)
    return pact


def pact_scores(conn: Connection, pact_id: str) -> dict:
    pact = _one(
        conn,
        sa.select(t.pacts.c.id, t.pacts.c.attainment_cap, t.pacts.c.status).where(t.pacts.c.id == pact_id),
        f"pact {pact_id}",
    )
    return {
        "pact_id": pact_id,
        "status": pact["status"],
        "attainment_cap": pact["attainment_cap"],
        **ranked(conn, pact_id),
    }


def ranked(conn: Connection, pact_id: str) -> dict:
    """A pact's standings fields: by the score sheet it adopted, else by its flat targets;
    empty with the reason (``not_scoreable``) when there is nothing to rank."""
    by_sheet = scoring_queries.sheet_view(conn, pact_id)
    if by_sheet is not None:
        return by_sheet
    reason = scoring_queries.flat_not_scoreable(conn, pact_id)
    return {
        "score_sheet": None,
        "not_scoreable": reason,
        "not_assessed": [],
        "standings": [] if reason else _standings(conn, pact_id),
    }


def _standings(conn: Connection, pact_id: str) -> list[dict[str, Any]]:
    query = (
        sa.select(t.pact_scores, t.units.c.name.label("unit_name"))
        .join(t.units, t.units.c.id == t.pact_scores.c.unit_id, isouter=True)
        .where(t.pact_scores.c.pact_id == pact_id)
    )
    rows = {r["unit_id"]: r for r in conn.execute(query).mappings()}
    scores = (Standing(0, u, r["score"], tuple(r["missing"])) for u, r in rows.items())
    return standing_rows(
        scores, {u: r["unit_name"] for u, r in rows.items()}, {u: r["points"] for u, r in rows.items()}
    )


def standing_rows(
    scores: Iterable[Standing | UnitScore],
    names: Mapping[str, str | None],
    points: Mapping[str, Mapping[str, float]],
) -> list[dict[str, Any]]:
    """The ranked rows of a standings view, from today's read model or a past fold."""
    return [
        {
            "rank": s.rank,
            "unit_id": s.unit_id,
            "unit_name": names.get(s.unit_id),
            "score": s.score,
            "points": dict(points[s.unit_id]),
            "missing": list(s.missing),
        }
        for s in rank(scores)
    ]


class _Leaders(Protocol):
    """A year's leadership: the domain's Leadership or its read-model row."""

    @property
    def chair(self) -> str: ...
    @property
    def deputy(self) -> str | None: ...
    @property
    def decision_ref(self) -> str: ...


def standings_view(
    *,
    cluster_id: str,
    year: int,
    pact_id: str,
    pact_status: str,
    leaders: _Leaders | None,
    host: tuple[str, int] | None,
    rows: list[dict[str, Any]],
    **more: object,
) -> dict[str, Any]:
    """The standings of a cluster-year: the one shape of ``/standings``, now or as of a position."""
    return {
        "cluster_id": cluster_id,
        "year": year,
        **more,
        "pact_id": pact_id,
        "pact_status": pact_status,
        "leadership": (
            {"chair": leaders.chair, "deputy": leaders.deputy, "decision_ref": leaders.decision_ref}
            if leaders
            else None
        ),
        "host": {"unit_id": host[0], "conference_number": host[1]} if host else None,
        "standings": rows,
    }


def standings(conn: Connection, cluster_id: str, year: int) -> dict:
    cluster = _one(
        conn, sa.select(t.clusters.c.id).where(t.clusters.c.id == cluster_id), f"cluster {cluster_id}"
    )
    pact = next(iter(pacts_covering(conn, cluster_id, year)), None)
    if pact is None:
        raise NotFound(f"no pact of cluster {cluster_id} covers {year}")
    year_end = date(year, 12, 31)  # the names the units bore in the year the standings are about
    leaders = conn.execute(
        sa.select(t.leadership.c.chair, t.leadership.c.deputy, t.leadership.c.decision_ref).where(
            t.leadership.c.cluster_id == cluster["id"], t.leadership.c.year == year
        )
    ).first()
    fields = ranked(conn, pact["id"])
    ranked_units = [r["unit_id"] for r in fields["standings"]]
    return standings_view(
        cluster_id=cluster_id,
        year=year,
        pact_id=pact["id"],
        pact_status=pact["status"],
        leaders=leaders,
        host=_host_of_year(conn, cluster_id, year),
        rows=lineage.with_names_on(fields.pop("standings"), lineage.names_on(conn, ranked_units, year_end)),
        **fields,
    )


def _host_of_year(conn: Connection, cluster_id: str, year: int) -> tuple[str, int] | None:
    """Who hosted that year's conference (Cluster.host_of), from the handovers of that year and the next."""
    h = t.host_handovers
    rows = conn.execute(
        sa.select(h.c.conference_number, h.c.year, h.c.from_unit, h.c.to_unit, h.c.handed_over_on)
        .where(h.c.cluster_id == cluster_id, h.c.year.in_((year, year + 1)))
        .order_by(h.c.conference_number)
    )
    return host_of([Handover(**row._mapping) for row in rows], year)
