"""Every error answers application/problem+json (RFC 9457): one handler per error class."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, cast

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.api.deps import MalformedHeader
from app.api.imports import MalformedBody, UnsupportedBody
from app.domain import errors
from app.services import idempotency
from app.services.write_queue import Overloaded

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://pact-ledger.example/problems/"


def problem(status: int, slug: str, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    found = error.errors()
    if any(
        e["type"] in ("json_invalid", "model_attributes_type") and e["loc"][:1] == ("body",) for e in found
    ) or any(e["type"] == "missing" and e["loc"] == ("body",) for e in found):
        return problem(
            400,
            "malformed-body",
            "Malformed request body",
            "the body must be a JSON object matching the documented schema",
        )
    fields = [{"field": _field(e["loc"]), "reason": e["msg"].removeprefix("Value error, ")} for e in found]
    detail = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
    return problem(422, "invalid-fields", "Invalid fields", detail, errors=fields)


async def on_invalid_value(request: Request, error: errors.InvalidValue) -> JSONResponse:
    return problem(
        422,
        error.slug,
        "Invalid field",
        error.detail,
        errors=[{"field": error.field, "reason": error.reason}],
    )


# Registered for one class each, so they take Exception as Starlette declares and
# name the class they get.
async def on_invalid_rows(request: Request, exc: Exception) -> JSONResponse:
    error = cast(errors.InvalidRows, exc)
    rows = [{"row": r.row, "field": r.field, "reason": r.reason} for r in error.rows]
    return problem(422, error.slug, "Invalid rows", error.detail, errors=rows)


async def on_pact_exists(request: Request, exc: Exception) -> JSONResponse:
    error = cast(errors.PactExistsForYear, exc)
    return problem(409, error.slug, "Rule violated", error.detail, existing_pact_id=error.existing_pact_id)


async def on_malformed_body(request: Request, exc: Exception) -> JSONResponse:
    return problem(400, "malformed-body", "Malformed request body", str(exc))


async def on_unsupported_body(request: Request, exc: Exception) -> JSONResponse:
    return problem(415, "unsupported-media-type", "Unsupported media type", str(exc))


async def on_version_conflict(request: Request, error: errors.VersionConflict) -> JSONResponse:
    # The precondition came from If-Match: that is a failed precondition (412);
    # from the body it is a plain conflict (409).
    status = 412 if "if-match" in request.headers else 409
    title = "Precondition failed" if status == 412 else "Version conflict"
    return problem(
        status, error.slug, title, error.detail, expected_version=error.expected, current_version=error.actual
    )


async def on_not_found(request: Request, error: errors.NotFound) -> JSONResponse:
    return problem(404, error.slug, "Not found", error.detail)


async def on_rule_violated(request: Request, error: errors.DomainError) -> JSONResponse:
    return problem(409, error.slug, "Rule violated", error.detail)


def unauthenticated(error: errors.Unauthenticated, presented: bool) -> JSONResponse:
    response = problem(401, error.slug, "Unauthenticated", error.detail)
    # RFC 6750: say which scheme; name the error when a key was sent and refused.
    challenge = 'Bearer realm="pact-ledger"'
    if presented:
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


async def on_unauthenticated(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.Unauthenticated)
    return unauthenticated(error, "authorization" in request.headers)


async def on_forbidden(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, errors.Forbidden)
    return problem(403, error.slug, "Forbidden", error.detail, right=error.right)


async def on_key_reused(request: Request, error: Exception) -> JSONResponse:
    return problem(
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        str(error),
        errors=[{"field": "Idempotency-Key", "reason": "already used for another request"}],
    )


async def on_key_in_flight(request: Request, error: Exception) -> JSONResponse:
    response = problem(409, "idempotency-key-in-flight", "Request still running", str(error))
    response.headers["Retry-After"] = "1"
    return response


async def on_overloaded(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Overloaded)
    response = problem(
        503, "write-queue-full", "Too many writes waiting", f"{error}; nothing was recorded for this request"
    )
    response.headers["Retry-After"] = str(error.retry_after)
    return response


async def on_malformed_header(request: Request, error: MalformedHeader) -> JSONResponse:
    return problem(
        400,
        "malformed-header",
        "Malformed header",
        str(error),
        errors=[{"field": error.header, "reason": error.reason}],
    )


async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 400 and request.method not in ("GET", "HEAD", "OPTIONS"):
        # FastAPI could not read the body as JSON: not UTF-8, nested too deep, a number
        # of more than 4,300 digits.
        reason = "not readable as JSON: invalid UTF-8, nested too deep, or a number too long"
        return problem(
            400,
            "malformed-body",
            "Malformed request body",
            f"body: {reason}",
            errors=[{"field": "body", "reason": reason}],
        )
    titles = {404: "Not found", 405: "Method not allowed"}
    response = problem(
        error.status_code,
        f"http-{error.status_code}",
        titles.get(error.status_code, "HTTP error"),
        str(error.detail),
    )
    if error.headers:
        response.headers.update(error.headers)
    if error.status_code == 405:
        response.headers["Allow"] = allowed_methods(request)
    return response


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette names the first route's only)."""
    routes = request.app.router.routes
    methods = {
        method
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    }
    if "GET" in methods:
        methods.add("HEAD")  # app.api.conditional answers HEAD as GET
    return ", ".join(sorted(methods))


def _driver_errors() -> tuple[type[Exception], ...]:
    """The drivers' own classes, for code that talks to a driver without SQLAlchemy
    (the log-head reader of app.projections.head)."""
    found: list[type[Exception]] = [sqlite3.OperationalError]
    with contextlib.suppress(ImportError):
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    return tuple(found)


_DRIVER_UNAVAILABLE = _driver_errors()
# How long a client is told to wait before it retries when the database is away.
RETRY_AFTER_SECONDS = 2


async def on_database_unavailable(request: Request, error: Exception) -> JSONResponse:
    """The database could not be reached or answered that it cannot serve now (down,
    restarting, out of connections, the pool exhausted, a lock timeout): nothing was
    written, and the same request may succeed later. Its host, port and name stay in
    the server's log, not in the answer."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error)
    response = problem(
        503,
        "database-unavailable",
        "Service unavailable",
        "the database cannot be reached now; nothing was recorded for this request: retry later",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def on_database_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, sa.exc.DBAPIError)
    if error.connection_invalidated:
        return await on_database_unavailable(request, error)
    return await on_unexpected(request, error)


async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(
        500,
        "internal-error",
        "Internal server error",
        "the server failed; nothing was recorded for this request",
    )


# An exception handler as Starlette calls it; Any, since each takes its own error type.
_Handler = Callable[[Request, Any], Awaitable[JSONResponse]]
# Starlette picks the handler of the nearest class in the error's MRO.
HANDLERS: tuple[tuple[type[Exception], _Handler], ...] = (
    (RequestValidationError, on_validation_error),
    (errors.InvalidValue, on_invalid_value),
    (errors.InvalidRows, on_invalid_rows),
    (errors.PactExistsForYear, on_pact_exists),
    (MalformedBody, on_malformed_body),
    (UnsupportedBody, on_unsupported_body),
    (errors.VersionConflict, on_version_conflict),
    (errors.NotFound, on_not_found),
    (errors.Unauthenticated, on_unauthenticated),
    (errors.Forbidden, on_forbidden),
    (idempotency.KeyReused, on_key_reused),
    (idempotency.KeyInFlight, on_key_in_flight),
    (errors.DomainError, on_rule_violated),
    (MalformedHeader, on_malformed_header),
    (Overloaded, on_overloaded),
    (StarletteHTTPException, on_http_error),
    # The database away (down, restarting, out of connections, the pool exhausted): 503.
    *((unavailable, on_database_unavailable) for unavailable in _DRIVER_UNAVAILABLE),
    (sa.exc.OperationalError, on_database_unavailable),
    (sa.exc.InterfaceError, on_database_unavailable),
    (sa.exc.TimeoutError, on_database_unavailable),
    (sa.exc.DBAPIError, on_database_error),
    (Exception, on_unexpected),
)


def install(app: FastAPI) -> None:
    for error_type, handler in HANDLERS:
        app.add_exception_handler(error_type, handler)
