"""Response bodies of the dashboard reads (app.api.routes.dashboard): names beside ids."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.api.responses import Host, Leaders, Paged, StandingsOut


class UnitPactOut(BaseModel):
    """One of a unit's pacts, with the unit's score and rank in it."""

    pact_id: str
    title: str
    cluster_id: str
    cluster_name: str | None
    first_year: int
    last_year: int
    status: str
    score: float | None  # None when the unit is not ranked: see not_ranked
    rank: int | None
    ranked: int
    missing: list[str]
    stage: Literal["self", "cross", "final"] | None = None  # on a score sheet, the stage scored
    not_ranked: str | None = None  # why the unit has no score and rank in this pact


class UnitPactsPage(Paged[UnitPactOut]):
    unit_id: str
    unit_name: str


class LeadersNamed(Leaders):
    chair_name: str | None
    deputy_name: str | None


class HostNamed(Host):
    unit_name: str | None


class RankingOut(StandingsOut):
    """A cluster's standings for the year, with its name and its leaders' and host's."""

    cluster_name: str
    leadership: LeadersNamed | None
    host: HostNamed | None


class ClusterYearOut(BaseModel):
    year: int
    pact_id: str
    pact_title: str
    pact_status: str
    leadership: LeadersNamed | None
    host: HostNamed | None


class ClusterYearsPage(Paged[ClusterYearOut]):
    cluster_id: str
    cluster_name: str
