"""Reads a dashboard needs in one request, with names beside ids.

Each is composed from the reads every route uses (app.projections.reads), so it
answers as of any position the same way, and its figures are exactly those of
the pact's scores and the cluster's standings.
"""

from __future__ import annotations

from app.domain.cluster import Handover, host_of
from app.domain.errors import NotFound
from app.domain.pact import years_of
from app.projections.reads import Reads, Row


def _names(reads: Reads) -> dict[str, str]:
    return {u["id"]: u["name"] for u in reads.units()}


def unit_pacts(reads: Reads, unit_id: str) -> tuple[Row, list[Row]]:
    """(the unit, one item per pact it is a party to: its score, rank and what it misses)."""
    unit = reads.unit(unit_id)
    clusters = {c["id"]: c["name"] for c in reads.clusters()}
    items = []
    for pact in reads.pacts():
        if unit_id not in pact["parties"]:
            continue
        scores = reads.scores(pact["id"])
        standings = scores["standings"]
        # Unranked when the pact is not scoreable, or its sheet has no assessment of the unit yet.
        mine = next((s for s in standings if s["unit_id"] == unit_id), None)
        first, last = years_of(pact["year"], pact["period_start"], pact["period_end"])
        items.append(
            {
                "pact_id": pact["id"],
                "title": pact["title"],
                "cluster_id": pact["cluster_id"],
                "cluster_name": clusters.get(pact["cluster_id"]),
                "first_year": first,
                "last_year": last,
                "status": pact["status"],
                "score": mine and mine["score"],
                "rank": mine and mine["rank"],
                "ranked": len(standings),
                "missing": mine["missing"] if mine else [],
                "stage": mine and mine.get("stage"),
                "not_ranked": None if mine else scores.get("not_scoreable") or "not assessed yet",
            }
        )
    return unit, items


def rankings(reads: Reads, year: int) -> list[Row]:
    """Every cluster's standings for ``year`` (clusters with no pact covering it left out)."""
    names = _names(reads)
    items = []
    for cluster in reads.clusters():
        try:
            standings = reads.standings(cluster["id"], year)
        except NotFound:
            continue
        items.append({**standings, "cluster_name": cluster["name"], **_named(standings, names)})
    return items


def _named(standings: Row, names: dict[str, str]) -> Row:
    """The year's chair, deputy and host, each with its name."""
    leaders, host = standings["leadership"], standings["host"]
    return {
        "leadership": leaders
        and {
            **leaders,
            "chair_name": names.get(leaders["chair"]),
            "deputy_name": names.get(leaders["deputy"]),
        },
        "host": host and {**host, "unit_name": names.get(host["unit_id"])},
    }


def cluster_years(reads: Reads, cluster_id: str) -> tuple[Row, list[Row]]:
    """(the cluster, one item per year its pacts cover: the pact, its status, chair and host)."""
    cluster = reads.cluster(cluster_id)
    rotations = reads.rotations(cluster_id)
    leadership = {lead["year"]: lead for lead in rotations["leadership"]}
    handovers = [Handover(**h) for h in rotations["handovers"]]
    names = _names(reads)
    items = []
    for pact in reads.pacts(cluster_id):
        first, last = years_of(pact["year"], pact["period_start"], pact["period_end"])
        for year in range(first, last + 1):
            lead = leadership.get(year)
            host = host_of(handovers, year)
            year_standings = {
                "leadership": lead and {k: lead[k] for k in ("chair", "deputy", "decision_ref")},
                "host": host and {"unit_id": host[0], "conference_number": host[1]},
            }
            items.append(
                {
                    "year": year,
                    "pact_id": pact["id"],
                    "pact_title": pact["title"],
                    "pact_status": pact["status"],
                    **_named(year_standings, names),
                }
            )
    return cluster, items
