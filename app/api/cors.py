"""Cross-origin reads and writes for browser apps (CORS), from the setting PACTS_CORS_ORIGINS.

Off by default: no origin is allowed and no CORS header is sent. With origins set,
a preflight names the methods and request headers this API reads, and answers
expose the response headers a frontend needs (ETag for If-Match and If-None-Match,
Location of a created resource, Link to the next page, Idempotent-Replayed).
Keys travel in the Authorization header, never in cookies: no credentials mode.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from app.api import problems
from app.settings import Settings

METHODS = ("GET", "HEAD", "POST", "DELETE")
REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Actor",
    "X-Reason",
    "X-Correlation-ID",
)
EXPOSED_HEADERS = (
    "ETag",
    "Location",
    "Link",
    "Idempotent-Replayed",
    "Retry-After",
    "X-Correlation-ID",
)


class Cors(CORSMiddleware):
    """Starlette's CORS, whose refused preflight answers problem+json like every other error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        answer = problems.problem(
            400,
            "cors-refused",
            "Cross-origin request refused",
            f"this server does not allow the requested {refused}",
        )
        for name in ("vary", "access-control-allow-methods", "access-control-max-age"):
            if name in response.headers:
                answer.headers[name] = response.headers[name]
        return answer


def wrap(app: ASGIApp, settings: Settings) -> ASGIApp:
    """``app`` behind CORS when origins are configured; ``app`` itself otherwise."""
    if not settings.cors_origins:
        return app
    return Cors(
        app,
        allow_origins=settings.cors_origins,
        allow_methods=METHODS,
        allow_headers=REQUEST_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=settings.cors_max_age,
    )
