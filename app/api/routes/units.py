"""Units: the Departments of Industry and Trade (Sở Công Thương)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import BusDep, IfMatch, MetaDep, ReadConn, expected_version
from app.api.requests import MergeIn, RenameIn, UnitIn
from app.api.responses import Page, UnitOut, WriteAck
from app.api.routes._write import WRITE_ERRORS, acknowledge, tag
from app.domain import commands as c
from app.projections import queries

router = APIRouter(prefix="/units", tags=["units"])


@router.post("", status_code=201, responses=WRITE_ERRORS)
def register_unit(body: UnitIn, bus: BusDep, meta: MetaDep, response: Response) -> WriteAck:
    cmd = c.RegisterUnit(body.id, body.name, body.province, body.registered_on, body.expected_version)
    return acknowledge(response, bus.handle(cmd, meta), f"/api/v1/units/{body.id}")


@router.post("/{unit_id}/rename", responses=WRITE_ERRORS)
def rename_unit(
    unit_id: str, body: RenameIn, bus: BusDep, meta: MetaDep, match: IfMatch, response: Response
) -> WriteAck:
    cmd = c.RenameUnit(
        unit_id,
        body.name,
        body.province,
        body.effective_on,
        expected_version(match, body.expected_version),
    )
    return acknowledge(response, bus.handle(cmd, meta))


@router.post("/{unit_id}/merge", responses=WRITE_ERRORS)
def merge_unit(
    unit_id: str, body: MergeIn, bus: BusDep, meta: MetaDep, match: IfMatch, response: Response
) -> WriteAck:
    """Record a merger (sáp nhập): the unit's cluster seats pass to its successor."""
    cmd = c.MergeUnit(
        unit_id,
        body.into,
        body.effective_on,
        body.legal_basis,
        expected_version(match, body.expected_version),
    )
    return acknowledge(response, bus.handle(cmd, meta))


@router.get("")
def list_units(conn: ReadConn) -> Page[UnitOut]:
    return Page[UnitOut](items=queries.list_units(conn))


@router.get("/{unit_id}", responses={404: {"description": "Unknown unit"}})
def get_unit(unit_id: str, conn: ReadConn, response: Response) -> UnitOut:
    unit = queries.get_unit(conn, unit_id)
    tag(response, unit["version"])
    return UnitOut(**unit)
