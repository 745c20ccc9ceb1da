"""Every HTTP request: its correlation id, one log line, and its metrics.

A plain ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a
stream per request), wrapped around the whole application, error handling
included, so a 500 is counted, logged and carries its correlation id too. It
costs the cached standings answer a few percent (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import random
import time

from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.deps import header_text
from app.observability import logs
from app.observability.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

HEADER = b"x-correlation-id"
# Label values come from a closed set, so a client cannot grow the metrics without bound.
UNMATCHED = "unmatched"  # no route: one label for every unknown path, not one per path
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestObserver:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # (method, route, status) -> the labelled metrics: labels() costs a lock and a lookup.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = next((value for name, value in scope["headers"] if name == HEADER), None)
        # Correlation ids are opaque ASCII tokens: one that is not (a client's UTF-8
        # text) is replaced by a new id, so every client can read the echo back.
        cid = header_text(given.decode("latin-1")) if given and given.isascii() else None
        if cid:
            echo = (HEADER, given)
        else:
            cid = new_correlation_id()
            echo = (HEADER, cid.encode())
        logs.correlation_id.set(cid)
        status = 500
        answered = False

        async def observed(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echo]}
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        try:
            await self.app(scope, receive, observed)
        except Exception:
            # Starlette answers an unexpected error (a 500, logged by app.api.problems)
            # and raises it again for the server, which would then close the connection:
            # the client's next request on it would fail too. Answered in full, the
            # error is over; the connection stays open for the next request.
            if not answered:
                raise
        finally:
            self._observe(scope, status, time.perf_counter() - started, cid)

    def _observe(self, scope: Scope, status: int, seconds: float, cid: str) -> None:
        template = route_template(scope)
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                HTTP_REQUESTS.labels(key[0], template, str(status)),
                HTTP_REQUEST_SECONDS.labels(key[0], template),
            )
        children[0].inc()
        children[1].observe(seconds)
        if logs.http_log.isEnabledFor(logging.INFO):
            logs.log_request(method, template, scope["path"], status, round(seconds * 1000, 3), cid)


def route_template(scope: Scope) -> str:
    """The matched route's path template, like /api/v1/pacts/{pact_id}/results.

    A route knows its path below the prefix of the router that includes it (FastAPI
    no longer flattens included routers), so the prefix, constant in this app, is
    taken from the request's leading segments: of the raw path, where a "/" inside
    a path parameter is still %2F and cannot pass for a segment.
    """
    path: str | None = getattr(scope.get("route"), "path", None)
    if path is None:
        return UNMATCHED
    raw: bytes | None = scope.get("raw_path")
    requested: str = raw.decode("latin-1") if raw else scope["path"]
    extra = requested.count("/") - path.count("/")
    if extra <= 0:
        return path
    known = _PREFIXED.get((path, extra))
    if known is not None and requested.startswith(known[0]):
        return known[1]
    prefix = "/".join(requested.split("/", extra + 1)[: extra + 1])
    _PREFIXED[(path, extra)] = (prefix + "/", prefix + path)
    return prefix + path


# (route path, segments before it) -> (prefix + "/", template): the few prefixes seen.
_PREFIXED: dict[tuple[str, int], tuple[str, str]] = {}


def new_correlation_id() -> str:
    """A random UUID (version 4) from Python's generator, not uuid4()'s os.urandom: a
    system call per request, for an id that must be unique, not secret."""
    n = random.getrandbits(128)
    n = (n & ~(0xF << 76) | (0x4 << 76)) & ~(0x3 << 62) | (0x2 << 62)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
