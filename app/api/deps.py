"""Dependencies as Annotated aliases, so routes read like what they mean."""

from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer
from sqlalchemy.engine import Connection

from app import db
from app.bootstrap import Ledger
from app.domain.apikey import ApiKey
from app.observability import logs
from app.services.bus import MessageBus, Meta


class MalformedHeader(Exception):
    def __init__(self, header: str, reason: str) -> None:
        super().__init__(f"{header}: {reason}")
        self.header, self.reason = header, reason


async def get_ledger(request: Request) -> Ledger:
    # async: a sync dependency would cost a threadpool hop on every request.
    return request.app.state.ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


async def get_bus(ledger: LedgerDep) -> MessageBus:
    return ledger.bus


BusDep = Annotated[MessageBus, Depends(get_bus)]


def read_connection(ledger: LedgerDep) -> Iterator[Connection]:
    """One read transaction per request: every query of a response sees one snapshot."""
    with db.read_connection(ledger.engine) as conn, conn.begin():
        yield conn


ReadConn = Annotated[Connection, Depends(read_connection)]

# At most 18 digits: every stream version fits, and int() of a longer string costs
# (past 4,300 digits Python refuses it: that was a 500).
_ETAG = re.compile(r'^(?:W/)?"(\d{1,18})"$')


async def if_match(
    if_match: Annotated[str | None, Header(description='Expected stream version, e.g. "3"')] = None,
) -> int | None:
    # async: a sync dependency costs every write a hop to the thread pool and back.
    if if_match is None:
        return None
    match = _ETAG.match(if_match.strip())
    if not match:
        raise MalformedHeader("If-Match", 'expected an ETag of this API, like "3"')
    return int(match.group(1))


IfMatch = Annotated[int | None, Depends(if_match)]


# Declared for the OpenAPI document (the "Authorize" button of /docs); the
# header itself is read and checked by the ledger's KeyRing.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `pacts keys create`: `Authorization: Bearer pl_...`",
)


async def authenticated_key(request: Request, _: Annotated[object, Depends(_bearer)]) -> ApiKey:
    """The key the request presents: 401 (Unauthenticated) when none is usable."""
    keys = request.app.state.ledger.keys
    header = request.headers.get("authorization")
    key = keys.cached(header)
    # Only a key not seen yet by this process costs a read (off the event loop).
    return key if key is not None else await run_in_threadpool(keys.authenticate, header)


KeyDep = Annotated[ApiKey, Depends(authenticated_key)]


async def request_meta(
    request: Request,
    key: KeyDep,
    x_actor: Annotated[
        str | None, Header(description="Whom the key's holder acts for (stored as on_behalf_of)")
    ] = None,
    x_reason: Annotated[str | None, Header(description="Why the change is made")] = None,
    x_correlation_id: Annotated[
        str | None, Header(description="Stored with the events and echoed back; generated when absent")
    ] = None,
) -> Meta:
    # The middleware (app.api.observe) read X-Correlation-ID already, or made one up:
    # the id in the events is the one in the logs and in the response.
    del x_correlation_id
    return Meta(
        source="api",
        correlation_id=logs.correlation_id.get() or str(uuid.uuid4()),
        reason=header_text(x_reason),
        principal=key,
        on_behalf_of=header_text(x_actor),
    )


def header_text(value: str | None) -> str | None:
    """A header as its sender wrote it: clients send UTF-8 bytes (a Vietnamese X-Reason),
    which the server hands over decoded as latin-1; undo that, or keep the value as is."""
    if value is None:
        return None
    with contextlib.suppress(UnicodeError):
        value = value.encode("latin-1").decode("utf-8")
    return unicodedata.normalize("NFC", value)


MetaDep = Annotated[Meta, Depends(request_meta)]


def expected_version(header: int | None, body: int | None) -> int | None:
    """If-Match wins; a body field is the fallback for clients that cannot set headers."""
    if header is not None and body is not None and header != body:
        raise MalformedHeader("If-Match", "disagrees with expected_version in the body")
    return header if header is not None else body
