"""Conditional reads: every GET (and HEAD) answer carries a strong ETag and Cache-Control, and
``If-None-Match`` naming the current ETag gets 304 Not Modified with no body.

The ETag is the route's when it sets one (a unit, cluster or pact: its stream
version, the one If-Match takes back; standings: the hash their cache keeps;
the export: the log positions it covers), else a hash of the body: any two
answers with the same tag are byte for byte the same. A body larger than
``MAX_HASHED`` is streamed on untagged rather than held in memory.

A plain ASGI middleware, like app.api.observe: it costs a cached standings
answer one header scan (docs/benchmarks.md).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.projections.read_cache import strong_etag

MAX_HASHED = 8 * 1024 * 1024
PRIVATE = b"private, no-cache"
_DROPPED_ON_304 = frozenset({b"content-length", b"content-type"})


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, RFC 9110 13.1.2)."""
    value = if_none_match.strip()
    if value == b"*":
        return True
    bare = etag.removeprefix(b"W/")
    return any(tag.strip().removeprefix(b"W/") == bare for tag in value.split(b","))


class ConditionalGets:
    def __init__(self, app: ASGIApp, cache_control: str) -> None:
        self.app = app
        self.cache_control = cache_control.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:  # answered as the GET would be, without its body (RFC 9110 9.3.2)
            scope = {**scope, "method": "GET"}
        if_none_match: bytes | None = None
        cache_control = self.cache_control
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value
            elif name == b"authorization":
                # A keyed answer is the key holder's: no shared cache may serve it to others.
                cache_control = PRIVATE
        held: Message | None = None  # the start of an answer whose body is being hashed
        chunks: list[bytes] = []
        size = 0
        mode = "pass"  # or "hash" (holding the body), "drop" (a 304 was sent)

        async def without_body(message: Message) -> None:
            await send({**message, "body": b""})

        body = without_body if head else send

        async def start(message: Message, etag: bytes) -> None:
            nonlocal mode
            if if_none_match is not None and matches(if_none_match, etag):
                mode = "drop"
                kept = [(k, v) for k, v in message["headers"] if k not in _DROPPED_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        async def conditional(message: Message) -> None:
            nonlocal held, size, mode
            if message["type"] == "http.response.start":
                status = message["status"]
                if status != 200 and status != 304:
                    return await send(message)
                headers = message.get("headers")
                if not isinstance(headers, list):  # Starlette's responses send their own list
                    headers = list(headers or ())
                    message = {**message, "headers": headers}
                etag = None
                cached = False
                for name, value in headers:  # one pass: this runs on every read
                    if name == b"etag":
                        etag = value
                    elif name == b"cache-control":
                        cached = True
                if not cached:
                    headers.append((b"cache-control", cache_control))
                if status == 304:
                    return await send(message)
                if etag is not None:
                    return await start(message, etag)
                held, mode = message, "hash"
                return
            if mode == "drop":
                return
            if mode == "pass" or held is None:
                return await body(message)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_HASHED:  # too large to hold: sent on as it comes, untagged
                mode = "pass"
                more = message.get("more_body", False)
                await send(held)
                await body({"type": "http.response.body", "body": b"".join(chunks), "more_body": more})
                return
            if message.get("more_body", False):
                return
            whole = b"".join(chunks)
            etag = strong_etag(whole).encode()
            await start({**held, "headers": [*held["headers"], (b"etag", etag)]}, etag)
            if mode != "drop":
                await body({"type": "http.response.body", "body": whole})

        await self.app(scope, receive, conditional)
