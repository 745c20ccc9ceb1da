"""Units: the Departments of Industry and Trade (Sở Công Thương)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.api.deps import IfMatch, ReadConn, expected_version
from app.api.reading import BY_NAME, ListingDep, NameSort, ReadsDep
from app.api.requests import MergeIn, RenameIn, UnitIn
from app.api.responses import LineageOut, Paged, UnitAt, UnitOut, WriteAck
from app.api.routes._write import WRITE_ERRORS, tagged
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.projections import lineage

router = APIRouter(route_class=StrictQueryRoute, prefix="/units", tags=["units"])


@router.post("", status_code=201, responses=WRITE_ERRORS, response_model=WriteAck)
def register_unit(body: UnitIn, write: WriteDep) -> Response:
    cmd = c.RegisterUnit(
        id=body.id,
        name=body.name,
        province=body.province,
        registered_on=body.registered_on,
        expected_version=body.expected_version,
    )
    return write.one(cmd, status=201, location=f"/api/v1/units/{body.id}")


@router.post("/{unit_id}/rename", responses=WRITE_ERRORS, response_model=WriteAck)
def rename_unit(unit_id: str, body: RenameIn, write: WriteDep, match: IfMatch) -> Response:
    cmd = c.RenameUnit(
        unit_id=unit_id,
        name=body.name,
        province=body.province,
        effective_on=body.effective_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.post("/{unit_id}/merge", responses=WRITE_ERRORS, response_model=WriteAck)
def merge_unit(unit_id: str, body: MergeIn, write: WriteDep, match: IfMatch) -> Response:
    """Record a merger (sáp nhập): the unit leaves its clusters on ``effective_on``, and
    each cluster its successor does not sit in is ``pending_repartition`` until an admin
    decides (``POST /clusters/{id}/repartition``)."""
    cmd = c.MergeUnit(
        unit_id=unit_id,
        into=body.into,
        effective_on=body.effective_on,
        legal_basis=body.legal_basis,
        expected_version=expected_version(match, body.expected_version),
    )
    return write.one(cmd)


@router.get("")
def list_units(
    request: Request, response: Response, listing: ListingDep, sort: NameSort = "id"
) -> Paged[UnitOut]:
    """Every unit, paged; ``as_of`` lists them as they stood then."""
    return Paged[UnitOut](**listing.page(request, response, listing.reads.units(), BY_NAME, sort))


@router.get("/{unit_id}", responses={404: {"description": "Unknown unit (at that position)"}})
def get_unit(unit_id: str, at: ReadsDep, response: Response) -> UnitAt:
    return tagged(response, UnitAt(**at.unit(unit_id), as_of_position=at.position))


@router.get("/{unit_id}/lineage", responses={404: {"description": "Unknown unit"}})
def get_lineage(unit_id: str, conn: ReadConn) -> LineageOut:
    """The unit's names over time, the units merged into it and the one it merged into,
    with dates and legal basis."""
    return LineageOut(**lineage.lineage(conn, unit_id))
