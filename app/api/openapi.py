"""The OpenAPI document, told truthfully: what FastAPI derives from the routes, completed
with what it cannot know.

- Every error status an operation can answer, each as application/problem+json
  (``Problem``; 422 as ``ValidationProblem`` with ``errors[]``), not FastAPI's
  default 422 shape, which this server never sends.
- The response headers: ETag, Cache-Control, Location, Link, Idempotent-Replayed,
  Retry-After, WWW-Authenticate, X-Correlation-ID; 304 and If-None-Match on reads.
- Stable operationIds (``listPacts``, ``recordResult``) for generated clients, a
  summary and a description for every operation, a description and an example
  (from the demo data, app.api.schema_docs) for every schema and path parameter.
- The bearer key on the operations that need one, reads included when the server
  sets PACTS_PUBLIC_READS=false.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.operation_docs import OPERATIONS, PATH_PARAMETERS, TAGS
from app.api.schema_docs import SCHEMAS
from app.settings import Settings

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_INVALID = {"$ref": "#/components/schemas/ValidationProblem"}
_STRING = {"type": "string"}
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "Strong validator: a stream's version for a unit, cluster or pact (send it back "
        "as If-Match), else a hash of the body (send it as If-None-Match)",
        "schema": _STRING,
        "example": '"7"',
    },
    "Cache-Control": {
        "description": "no-cache by default (revalidate with If-None-Match); "
        "private, no-cache for keyed reads",
        "schema": _STRING,
        "example": "no-cache",
    },
    "Location": {
        "description": "The created resource",
        "schema": _STRING,
        "example": "/api/v1/pacts/btb-2022",
    },
    "Link": {
        "description": 'The next page, as in the body\'s next: <url>; rel="next"',
        "schema": _STRING,
        "example": '<https://pacts.example.gov.vn/api/v1/events?after=176>; rel="next"',
    },
    "Idempotent-Replayed": {
        "description": "true when the answer is the stored one of an earlier request "
        "with this Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}},
    "WWW-Authenticate": {"description": "Bearer, per RFC 6750", "schema": _STRING},
    "X-Correlation-ID": {
        "description": "The request's X-Correlation-ID, or one made up for it; in the logs and the events",
        "schema": _STRING,
    },
}
ERRORS = {
    "400": "Malformed body or header (problem+json)",
    "401": "No usable API key: none sent, unknown, revoked or expired (problem+json, WWW-Authenticate)",
    "403": "The key's role lacks the right, or acts outside its scope (problem+json naming the right)",
    "404": "Unknown resource (problem+json)",
    "413": "The body is larger than the server's limit (problem+json)",
    "422": "Invalid fields, each named with its reason in errors[] (problem+json)",
    "503": "The database is unavailable: retry after Retry-After seconds (problem+json)",
}


def operation_id(route: APIRoute) -> str:
    """The operation's stable id; unlisted routes get their function's name in camelCase."""
    known = OPERATIONS.get(route.name)
    return known[0] if known else re.sub(r"_(\w)", lambda m: m.group(1).upper(), route.name)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _problem_schemas() -> dict[str, Any]:
    field = {
        "type": "object",
        "required": ["field", "reason"],
        "properties": {
            "row": {
                "type": "integer",
                "minimum": 1,
                "description": "The import's row (from 1), when from one",
            },
            "field": {"type": "string", "description": "The field, header or query parameter"},
            "reason": {"type": "string", "description": "Why it is refused"},
        },
    }
    problem = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "The problem's kind, a URI naming it"},
            "title": {"type": "string", "description": "A short summary of the kind"},
            "status": {"type": "integer", "description": "The HTTP status"},
            "detail": {"type": "string", "description": "What went wrong with this request"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
        "additionalProperties": True,  # e.g. existing_pact_id, expected_version, current_version, right
    }
    invalid = {
        "allOf": [
            _PROBLEM,
            {"type": "object", "required": ["errors"], "properties": {"errors": {"minItems": 1}}},
        ]
    }
    return {"FieldError": field, "Problem": problem, "ValidationProblem": invalid}


def _document_schemas(schemas: dict[str, Any]) -> None:
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(_problem_schemas())
    for name, schema in schemas.items():
        if name in SCHEMAS:
            description, example = SCHEMAS[name]
            schema["description"] = description
            schema["examples"] = [example]


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses the middleware and the dependencies of this operation may answer."""
    found = []
    places = {p["in"] for p in operation.get("parameters", ())}
    body = "requestBody" in operation
    if body or "header" in places:
        found.append("400")
    if "security" in operation:
        found += ["401", "403"]
    if "path" in places:
        found.append("404")
    if body:
        found.append("413")
    if body or places:
        found.append("422")
    if path.startswith("/api/"):
        found.append("503")
    return found


def _complete_responses(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    for status in _statuses(path, method, operation):
        responses.setdefault(status, {"description": ERRORS[status]})
    for status, response in responses.items():
        code = int(status)
        headers = response.setdefault("headers", {})
        headers["X-Correlation-ID"] = _ref("X-Correlation-ID")
        if code >= 400:
            response["content"] = {
                "application/problem+json": {"schema": _INVALID if code == 422 else _PROBLEM}
            }
            if code in (409, 503):
                headers["Retry-After"] = _ref("Retry-After")
            if code == 401:
                headers["WWW-Authenticate"] = _ref("WWW-Authenticate")
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        name = schema.get("$ref", "").rsplit("/", 1)[-1]
        if name in SCHEMAS:
            response["content"]["application/json"]["example"] = SCHEMAS[name][1]
        if method == "get" and code == 200:
            headers["ETag"] = _ref("ETag")
            headers["Cache-Control"] = _ref("Cache-Control")
            if "Page" in name:
                headers["Link"] = _ref("Link")
        elif name in ("WriteAck", "ImportAck"):
            headers["ETag"] = _ref("ETag")
            if any(p["name"].lower() == "idempotency-key" for p in operation.get("parameters", ())):
                headers["Idempotent-Replayed"] = _ref("Idempotent-Replayed")
            if code == 201:
                headers["Location"] = _ref("Location")
    if method == "get":
        responses["304"] = {
            "description": "Not Modified: If-None-Match names the current ETag; no body",
            "headers": {name: _ref(name) for name in ("ETag", "Cache-Control", "X-Correlation-ID")},
        }
    operation["responses"] = dict(sorted(responses.items()))


def _header_schemas(settings: Settings) -> dict[str, dict[str, Any]]:
    """What the request headers accept (app.api.deps, app.api.writes, app.api.limits)."""
    text = {"type": "string", "maxLength": settings.max_meta_header_chars}
    return {
        "if-match": {"type": "string", "pattern": '^(W/)?"[0-9]{1,18}"$', "example": '"7"'},
        # 1 to 255 printable ASCII characters (the draft's quoted form is read too).
        "idempotency-key": {"type": "string", "pattern": "^[!#-~][ -~]{0,253}[!-~]$|^[!#-~]$"},
        "x-actor": text,
        "x-reason": text,
        "x-correlation-id": text,
    }


def _complete_parameters(method: str, operation: dict[str, Any], settings: Settings) -> None:
    # Copies: a route's openapi_extra may hand over its own lists and dicts.
    parameters = [dict(p) for p in operation.get("parameters", ())]
    operation["parameters"] = parameters
    headers = _header_schemas(settings)
    for parameter in parameters:
        known = PATH_PARAMETERS.get(parameter["name"])
        if parameter["in"] == "path" and known:
            parameter.setdefault("description", known[0])
            parameter.setdefault("example", known[1])
        if parameter["in"] == "header" and parameter["name"] in headers:
            parameter["schema"] = {
                **headers[parameter["name"]],
                "description": parameter.get("description", ""),
            }
    if method == "get":
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "ETags the client holds: 304 without a body when one is current",
                "schema": _STRING,
            }
        )
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    name = (body or {}).get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
    if name in SCHEMAS:
        body["example"] = SCHEMAS[name][1]
    if not parameters:
        del operation["parameters"]


def complete(document: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``document`` (FastAPI's) made truthful, in place; returned for convenience."""
    components = document.setdefault("components", {})
    _document_schemas(components.setdefault("schemas", {}))
    components["headers"] = HEADERS
    document["tags"] = TAGS
    by_id = {known[0]: known for known in OPERATIONS.values()}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "get" and path.startswith("/api/") and not settings.public_reads:
                operation.setdefault("security", [{"ApiKey": []}])
            known = by_id.get(operation["operationId"])
            if known:
                operation["summary"] = known[1]
                if "description" not in operation and len(known) > 2:
                    operation["description"] = known[2]
            _complete_parameters(method, operation, settings)
            _complete_responses(path, method, operation)
    return document


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(base(), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
