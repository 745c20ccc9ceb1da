"""Score sheets (bảng chấm điểm): created once, changed by new versions; pacts keep the version they adopt."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import ReadConn
from app.api.requests import Code
from app.api.responses import Page, WriteAck
from app.api.routes._write import WRITE_ERRORS
from app.api.scoring_models import ScoreSheetIn, ScoreSheetOut, SheetVersionIn
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.domain.criteria import Criterion, CriterionGroup
from app.projections import scoring_queries

router = APIRouter(route_class=StrictQueryRoute, prefix="/score-sheets", tags=["scoring"])


def _groups(body: SheetVersionIn) -> tuple[CriterionGroup, ...]:
    return tuple(
        CriterionGroup(
            code=g.code,
            title=g.title,
            max_points=g.max_points,
            criteria=tuple(Criterion(**c.model_dump()) for c in g.criteria),
        )
        for g in body.groups
    )


def _command(kind: type[c.CreateScoreSheet], code: str, body: SheetVersionIn) -> c.CreateScoreSheet:
    return kind(
        code=code,
        title=body.title,
        legal_basis=body.legal_basis,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        tolerance=body.tolerance,
        attainment_cap=body.attainment_cap,
        groups=_groups(body),
        expected_version=body.expected_version,
    )


@router.post("", status_code=201, responses=WRITE_ERRORS, response_model=WriteAck)
def create_score_sheet(body: ScoreSheetIn, write: WriteDep) -> Response:
    """Create a sheet: its version 1. A code already used is 409."""
    return write.one(
        _command(c.CreateScoreSheet, body.code, body),
        status=201,
        location=f"/api/v1/score-sheets/{body.code}",
    )


@router.post("/{code}/versions", status_code=201, responses=WRITE_ERRORS, response_model=WriteAck)
def revise_score_sheet(code: Code, body: SheetVersionIn, write: WriteDep) -> Response:
    """Publish the sheet's next version, whole. Pacts keep the version they adopted."""
    return write.one(
        _command(c.ReviseScoreSheet, code, body), status=201, location=f"/api/v1/score-sheets/{code}"
    )


@router.get("")
def list_score_sheets(conn: ReadConn) -> Page[ScoreSheetOut]:
    """Every sheet, at its latest version."""
    return Page[ScoreSheetOut](items=[ScoreSheetOut(**s) for s in scoring_queries.list_sheets(conn)])


@router.get("/{code}", responses={404: {"description": "Unknown sheet"}})
def get_score_sheet(code: str, conn: ReadConn) -> ScoreSheetOut:
    """The sheet's latest version; ``versions`` says how many there are."""
    return ScoreSheetOut(**scoring_queries.get_sheet(conn, code))


@router.get("/{code}/versions/{version}", responses={404: {"description": "Unknown sheet or version"}})
def get_score_sheet_version(
    code: str, version: Annotated[int, Path(ge=1, le=1_000_000)], conn: ReadConn
) -> ScoreSheetOut:
    return ScoreSheetOut(**scoring_queries.get_sheet(conn, code, version))
