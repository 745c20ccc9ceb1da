"""Units across time: the name each bore on a date, their mergers, and the seats
mergers emptied in clusters (read models kept by the projector)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.errors import NotFound
from app.projections import tables as t


def names_on(conn: Connection, unit_ids: Iterable[str], day: date) -> dict[str, dict[str, str]]:
    """unit -> {"name": the name it bore on ``day``, "current_name": its name today}.

    Before its first dated name a unit shows its first name; ``pacts rebuild``
    fills the dated names of a store migrated from before they were kept."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    n = t.unit_names.c
    spans: dict[str, list[Any]] = defaultdict(list)
    for row in conn.execute(
        sa.select(n.unit_id, n.name, n.valid_from).where(n.unit_id.in_(ids)).order_by(n.seq)
    ):
        spans[row.unit_id].append(row)
    current = dict(conn.execute(sa.select(t.units.c.id, t.units.c.name).where(t.units.c.id.in_(ids))).all())
    # A unit without dated names (a store migrated but not yet rebuilt) shows today's.
    out = {u: {"name": name, "current_name": name} for u, name in current.items()}
    for unit_id, rows in spans.items():
        chosen = rows[0]
        for row in rows[1:]:
            if row.valid_from is not None and row.valid_from <= day:
                chosen = row
        out[unit_id] = {"name": chosen.name, "current_name": current.get(unit_id, chosen.name)}
    return out


def with_names_on(rows: list[dict[str, Any]], names: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Each row's ``unit_name`` as it was, and ``current_name`` beside it when it differs."""
    for row in rows:
        known = names.get(row["unit_id"])
        if known is not None:
            row["unit_name"] = known["name"]
            if known["current_name"] != known["name"]:
                row["current_name"] = known["current_name"]
    return rows


def lineage(conn: Connection, unit_id: str) -> dict[str, Any]:
    """The unit's names over time, who merged into it, and whom it merged into."""
    u = t.units.c
    unit = conn.execute(sa.select(t.units).where(u.id == unit_id)).mappings().first()
    if unit is None:
        raise NotFound(f"no unit {unit_id}")
    n = t.unit_names.c
    names = [
        dict(r)
        for r in conn.execute(
            sa.select(n.name, n.province, n.valid_from, n.valid_to)
            .where(n.unit_id == unit_id)
            .order_by(n.seq)
        ).mappings()
    ]
    merged = sa.select(u.id, u.name, u.merged_on, u.merged_basis)
    predecessors = [
        {"unit_id": r.id, "name": r.name, "effective_on": r.merged_on, "legal_basis": r.merged_basis}
        for r in conn.execute(merged.where(u.merged_into == unit_id).order_by(u.merged_on, u.id))
    ]
    successors = []
    if unit["merged_into"] is not None:
        into = conn.execute(sa.select(u.name).where(u.id == unit["merged_into"])).scalar()
        successors.append(
            {
                "unit_id": unit["merged_into"],
                "name": into,
                "effective_on": unit["merged_on"],
                "legal_basis": unit["merged_basis"],
            }
        )
    return {
        "unit_id": unit_id,
        "name": unit["name"],
        "names": names,
        "predecessors": predecessors,
        "successors": successors,
    }


def repartitions(conn: Connection, cluster_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    r = t.cluster_repartitions.c
    query = (
        sa.select(t.cluster_repartitions)
        .where(r.cluster_id.in_(cluster_ids))
        .order_by(r.effective_on, r.unit_id)
    )
    by_cluster: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        entry = dict(row)
        by_cluster[entry.pop("cluster_id")].append(entry)
    return by_cluster
