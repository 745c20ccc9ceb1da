"""What every read route shares: ``as_of``, and for lists keyset paging.

``as_of`` is a log position or an RFC 3339 moment; the answer says the position
it reflects in ``as_of_position``. A list answers ``{"items", "next",
"as_of_position"}`` and a ``Link: <next>; rel="next"`` header. ``next`` carries
an opaque cursor holding the sort, the last item's sort key and the position of
the first page: every later page is read as of that same position, so walking
the pages yields each item exactly once even while writes land between them
(and their ``as_of_position`` is the first page's).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from app.api.deps import LedgerDep, ReadConn
from app.domain.errors import InvalidValue
from app.projections import moments, reads
from app.projections.reads import Reads, Row

MAX_POSITION = 2**63 - 1
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
_MOMENT = TypeAdapter(AwareDatetime)
_RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_AS_OF_REASON = (
    "expected a log position (a whole number, 0 or more) or an RFC 3339 timestamp "
    "with its offset, like 2025-07-01T00:00:00+07:00"
)
_CURSOR_REASON = "not a cursor of this list: follow the `next` URL as given"

AS_OF_DESCRIPTION = (
    "The answer as it stood right after this log position, or after the last event recorded "
    "at or before this RFC 3339 moment (with its offset). Omitted: now. `as_of_position` in "
    "the answer says which position it reflects; a position after the log's last, or a "
    "moment in the future, is a 422."
)
AsOfParam = Annotated[
    str | None, Query(description=AS_OF_DESCRIPTION, examples=["77", "2025-07-01T00:00:00+07:00"])
]
CursorParam = Annotated[
    str | None,
    Query(description="Where the page starts: the cursor of the previous page's `next` (opaque)"),
]
LimitParam = Annotated[
    int,
    Query(
        ge=1, le=MAX_LIMIT, description=f"At most this many items (default {DEFAULT_LIMIT}, max {MAX_LIMIT})"
    ),
]
# A sort key: a tuple of JSON scalars ending with the item's id, so that it is total.
SortKey = Callable[[Row], tuple[Any, ...]]


def parse_as_of(raw: str | None) -> moments.AsOf:
    if raw is None:
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit():
        if len(text) > 19 or int(text) > MAX_POSITION:
            raise InvalidValue("as_of", f"a log position is at most {MAX_POSITION}")
        return int(text)
    try:
        if not _RFC_3339.match(text):  # pydantic would read "-1" as seconds since 1970
            raise ValueError(text)
        moment: datetime = _MOMENT.validate_python(text)
    except (ValueError, ValidationError):
        raise InvalidValue("as_of", _AS_OF_REASON) from None
    return moment


def read_at(conn: ReadConn, ledger: LedgerDep, as_of: AsOfParam = None) -> Reads:
    """The reads of this request, at the position ``as_of`` names (the head without it)."""
    position, head = moments.resolve(conn, parse_as_of(as_of))
    return reads.at(conn, ledger.store, position, head)


ReadsDep = Annotated[Reads, Depends(read_at)]


@dataclass(frozen=True)
class Cursor:
    position: int
    sort: str
    key: tuple[Any, ...]

    def encode(self) -> str:
        text = json.dumps(
            {"p": self.position, "s": self.sort, "k": list(self.key)},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            cursor = cls(int(data["p"]), str(data["s"]), tuple(data["k"]))
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise InvalidValue("cursor", _CURSOR_REASON) from None
        if not 0 <= cursor.position <= MAX_POSITION:
            raise InvalidValue("cursor", _CURSOR_REASON)
        return cursor


@dataclass(frozen=True)
class Listing:
    """A list request: its reads (at the first page's position), where it starts, how many."""

    reads: Reads
    cursor: Cursor | None
    limit: int

    def page(
        self, request: Request, response: Response, items: list[Row], keys: Mapping[str, SortKey], sort: str
    ) -> dict[str, Any]:
        """One page of ``items`` ordered by ``sort`` (a key of ``keys``, ``-`` first for descending)."""
        descending = sort.startswith("-")
        key = keys[sort.removeprefix("-")]
        ordered = sorted(items, key=key, reverse=descending)
        if self.cursor is not None:
            if self.cursor.sort != sort:
                raise InvalidValue("cursor", f"made for sort={self.cursor.sort}, not sort={sort}")
            try:
                ordered = [
                    i
                    for i in ordered
                    if (key(i) < self.cursor.key if descending else key(i) > self.cursor.key)
                ]
            except TypeError:
                raise InvalidValue("cursor", _CURSOR_REASON) from None
        chunk = ordered[: self.limit]
        next_url = None
        if len(ordered) > self.limit:
            cursor = Cursor(self.reads.position, sort, key(chunk[-1])).encode()
            next_url = str(request.url.remove_query_params("as_of").include_query_params(cursor=cursor))
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return {"items": chunk, "next": next_url, "as_of_position": self.reads.position}


def list_at(
    conn: ReadConn,
    ledger: LedgerDep,
    as_of: AsOfParam = None,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Listing:
    """A list's reads: at the position of its first page, which the cursor carries."""
    if cursor is None:
        return Listing(read_at(conn, ledger, as_of), None, limit)
    if as_of is not None:
        raise InvalidValue("as_of", "the cursor carries its first page's position: send one or the other")
    start = Cursor.decode(cursor)
    position, head = moments.resolve(conn, start.position, field="cursor")
    return Listing(reads.at(conn, ledger.store, position, head), start, limit)


ListingDep = Annotated[Listing, Depends(list_at)]


def by(*fields: str, unique: str = "id") -> SortKey:
    """A sort key on ``fields`` then the item's ``unique`` field; nulls sort last (first,
    descending)."""

    def key(item: Row) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name in (*fields, unique):
            value = item[name]
            parts += [value is None, "" if value is None else _scalar(value)]
        return tuple(parts)

    return key


def _scalar(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def renamed(name: str, value: Any, old_name: str, old_value: Any) -> Any:
    """A query parameter under its name or its deprecated old one (both: they must agree)."""
    if old_value is not None and value is not None and old_value != value:
        raise InvalidValue(old_name, f"the old name of {name}, which says otherwise: send {name} alone")
    return value if value is not None else old_value


# The sort of lists of named things (units, clusters): by id (the default) or by name.
BY_NAME: dict[str, SortKey] = {"id": by(), "name": by("name")}
NameSort = Annotated[Literal["id", "-id", "name", "-name"], Query(description="Order of the items")]
