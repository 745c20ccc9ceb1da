"""A cluster's figures per indicator for a year (số liệu toàn cụm), as its year-end report gives them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.api.deps import ReadConn
from app.api.requests import Year
from app.api.scoring_models import Score
from app.api.strict_query import StrictQueryRoute
from app.domain.errors import NotFound
from app.domain.indicators import cluster_indicators
from app.domain.sheet_scoring import round_points
from app.projections import queries, scoring_queries

router = APIRouter(route_class=StrictQueryRoute, prefix="/clusters", tags=["scoring"])


class MemberFigureOut(BaseModel):
    unit_id: str
    value: Score
    share: Score | None  # percent of the cluster total, 2 places; None for rates


class IndicatorOut(BaseModel):
    code: str
    title: str
    measure: str
    additive: bool
    reported: int
    total: Score | None
    mean: Score | None  # 2 places
    members: list[MemberFigureOut]


class IndicatorsOut(BaseModel):
    cluster_id: str
    year: int
    pact_id: str
    indicators: list[IndicatorOut]


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_points(value)


@router.get(
    "/{cluster_id}/indicators", responses={404: {"description": "No pact of the cluster covers the year"}}
)
def get_indicators(
    cluster_id: str, year: Annotated[Year, Query(description="The year of the figures")], conn: ReadConn
) -> IndicatorsOut:
    """Each quantitative target of the year's pact: the members' figures, their mean and, for amounts
    and counts (not rates: a measure holding %), their total and each member's share of it."""
    pact = next(iter(queries.pacts_covering(conn, cluster_id, year)), None)
    if pact is None:
        raise NotFound(f"no pact of cluster {cluster_id} covers {year}")
    figures = cluster_indicators(scoring_queries.pact_rows(conn, pact["id"], with_results=True))
    return IndicatorsOut(
        cluster_id=cluster_id,
        year=year,
        pact_id=pact["id"],
        indicators=[
            IndicatorOut(
                code=i.code,
                title=i.title,
                measure=i.measure,
                additive=i.additive,
                reported=len(i.values),
                total=i.total,
                mean=_rounded(i.mean),
                members=[
                    MemberFigureOut(unit_id=u, value=v, share=_rounded(i.shares.get(u)))
                    for u, v in i.values.items()
                ],
            )
            for i in figures
        ],
    )
