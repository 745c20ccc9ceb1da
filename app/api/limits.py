"""Limits on what a write may carry, enforced before anything parses it.

- A body larger than ``max_body_bytes`` (``max_import_body_bytes`` for an import)
  is answered 413 at once: from its Content-Length when it has one, else
  (a chunked body) as soon as the bytes read pass the limit.
- X-Actor, X-Reason and X-Correlation-ID, stored with every event, may hold at
  most ``max_meta_header_chars`` characters each (422).
- On every request, reads included: headers of more than ``max_header_bytes`` in
  all are answered 431, and a NUL character in the path or a query value 400 (no
  store can hold one: PostgreSQL's text refuses it, which was a 500), as is an
  encoded slash (%2F) in the path, which would otherwise pass for a separator.

Reads (GET, HEAD, OPTIONS) carry no body and store no metadata: past the
header and NUL checks they pass straight through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from app.settings import Settings, get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

IMPORT_PATH = re.compile(r"^/api/v1/pacts/[^/]+/results/batch/?$")
META_HEADERS = {b"x-actor": "X-Actor", b"x-reason": "X-Reason", b"x-correlation-id": "X-Correlation-ID"}
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_TYPE_BASE = "https://pact-ledger.example/problems/"


def _settings(scope: Scope) -> Settings:
    app = scope.get("app")
    ledger = getattr(getattr(app, "state", None), "ledger", None)
    return ledger.settings if ledger is not None else get_settings()


def _chars(value: bytes) -> int:
    try:
        return len(value.decode("utf-8"))
    except UnicodeDecodeError:
        return len(value)


async def _problem(send: Send, status: int, slug: str, title: str, detail: str, **extra: object) -> None:
    body = json.dumps(
        {"type": _TYPE_BASE + slug, "title": title, "status": status, "detail": detail, **extra},
        ensure_ascii=False,
    ).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    if status in (413, 431):
        headers.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _request_line_problem(scope: Scope) -> tuple[str, str] | None:
    """(field, reason) when the path or the query cannot be taken as sent, else None."""
    nul = "must not contain the NUL character"
    if "\x00" in scope["path"]:
        return "path", nul
    raw: bytes = scope.get("raw_path") or b""
    if b"%2f" in raw.lower():
        # Decoded, it would pass for a separator: /units/hue%2Frename is no unit's path.
        return "path", "must not contain an encoded slash (%2F)"
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "") or "query", nul
    return None


async def _refused_anywhere(scope: Scope, send: Send, settings: Settings) -> bool:
    """The checks every request gets, reads included; True when it was answered."""
    size = sum(len(name) + len(value) for name, value in scope["headers"])
    if size > settings.max_header_bytes:
        detail = (
            f"the request's headers hold {size:,} bytes, more than the limit of {settings.max_header_bytes:,}"
        )
        await _problem(send, 431, "headers-too-large", "Request headers too large", detail)
        return True
    found = _request_line_problem(scope)
    if found is not None:
        field, reason = found
        errors = [{"field": field, "reason": reason}]
        await _problem(
            send, 400, "malformed-request", "Malformed request", f"{field}: {reason}", errors=errors
        )
        return True
    return False


class Limits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        settings = _settings(scope)
        if await _refused_anywhere(scope, send, settings):
            return None
        if scope["method"] in _READS:
            return await self.app(scope, receive, send)
        declared: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name in META_HEADERS and _chars(value) > settings.max_meta_header_chars:
                header = META_HEADERS[name]
                reason = f"at most {settings.max_meta_header_chars} characters"
                errors = [{"field": header, "reason": reason}]
                return await _problem(
                    send, 422, "invalid-fields", "Invalid fields", f"{header}: {reason}", errors=errors
                )
        importing = IMPORT_PATH.match(scope["path"]) is not None
        limit = settings.max_import_body_bytes if importing else settings.max_body_bytes
        too_large = f"the body is larger than {limit:,} bytes, the limit for this request"
        if declared is not None:
            if not declared.isdigit():
                return await _problem(
                    send, 400, "malformed-header", "Malformed header", "Content-Length: not a number"
                )
            if len(declared) > 18 or int(declared) > limit:
                return await _problem(send, 413, "body-too-large", "Request body too large", too_large)
            # The server reads no more than the declared length.
            return await self.app(scope, receive, send)
        # No Content-Length (a chunked body): read it up to the limit before the app sees it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await _problem(send, 413, "body-too-large", "Request body too large", too_large)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)
