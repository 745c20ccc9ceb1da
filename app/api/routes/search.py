"""Search without diacritics over units (every name they bore), clusters, pacts and awards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import ReadConn
from app.api.responses import SearchOut
from app.api.strict_query import StrictQueryRoute
from app.projections import search as finder

router = APIRouter(route_class=StrictQueryRoute, prefix="/search", tags=["search"])


@router.get("")
def search(
    conn: ReadConn,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words, with or without diacritics")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SearchOut:
    """ "dak lak" finds Đắk Lắk, "hue" Thừa Thiên Huế by both its names; Đ/đ fold to d,
    NFD and NFC are one; names holding the query's diacritics as typed come first."""
    return SearchOut(q=q, items=finder.search(conn, q, limit))
