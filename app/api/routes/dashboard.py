"""Reads a dashboard needs in one request, with names beside ids (app.projections.dashboard).

Paged and ``as_of``-able like every list (app.api.reading).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.api.dashboard_responses import ClusterYearsPage, RankingOut, UnitPactsPage
from app.api.reading import ListingDep, by
from app.api.requests import Year
from app.api.responses import Paged
from app.api.strict_query import StrictQueryRoute
from app.projections import dashboard

router = APIRouter(route_class=StrictQueryRoute, tags=["dashboard"])

UNIT_PACT_SORTS = {"year": by("first_year", unique="pact_id"), "score": by("score", unique="pact_id")}
RANKING_SORTS = {
    "cluster_id": by(unique="cluster_id"),
    "cluster_name": by("cluster_name", unique="cluster_id"),
}
YEAR_SORTS = {"year": by(unique="year")}


@router.get("/units/{unit_id}/pacts", responses={404: {"description": "Unknown unit (at that position)"}})
def unit_pacts(
    request: Request,
    response: Response,
    unit_id: str,
    listing: ListingDep,
    sort: Annotated[
        Literal["year", "-year", "score", "-score"], Query(description="Order of the items")
    ] = "year",
) -> UnitPactsPage:
    """A unit's pacts across the years: in each, its score, its rank among the parties and
    the targets it has no result for."""
    unit, items = dashboard.unit_pacts(listing.reads, unit_id)
    page = listing.page(request, response, items, UNIT_PACT_SORTS, sort)
    return UnitPactsPage(**page, unit_id=unit_id, unit_name=unit["name"])


@router.get("/rankings")
def rankings(
    request: Request,
    response: Response,
    year: Annotated[Year, Query(description="The year the standings are for")],
    listing: ListingDep,
    sort: Annotated[
        Literal["cluster_id", "-cluster_id", "cluster_name", "-cluster_name"],
        Query(description="Order of the items"),
    ] = "cluster_id",
) -> Paged[RankingOut]:
    """Every cluster's standings for a year in one answer (clusters with no pact covering the
    year are left out), with the names of the clusters, their chairs and hosts."""
    items = dashboard.rankings(listing.reads, year)
    return Paged[RankingOut](**listing.page(request, response, items, RANKING_SORTS, sort))


@router.get(
    "/clusters/{cluster_id}/years", responses={404: {"description": "Unknown cluster (at that position)"}}
)
def cluster_years(
    request: Request,
    response: Response,
    cluster_id: str,
    listing: ListingDep,
    sort: Annotated[Literal["year", "-year"], Query(description="Order of the items")] = "year",
) -> ClusterYearsPage:
    """The years the cluster's pacts cover: each year's pact and its status, chair and host."""
    cluster, items = dashboard.cluster_years(listing.reads, cluster_id)
    page = listing.page(request, response, items, YEAR_SORTS, sort)
    return ClusterYearsPage(**page, cluster_id=cluster_id, cluster_name=cluster["name"])
