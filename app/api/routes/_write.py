"""What the write routes share: the ETag of a read, and the errors a write documents."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from fastapi import Response


def tag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


Versioned = TypeVar("Versioned", bound="HasVersion")


class HasVersion(Protocol):
    version: int


def tagged(response: Response, body: Versioned) -> Versioned:
    """A single resource's body, its stream version as the response's ETag."""
    tag(response, body.version)
    return body


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed body or header (problem+json)"},
    401: {"description": "No usable API key: none sent, unknown, revoked or expired (problem+json)"},
    403: {"description": "The key lacks the right this write needs, or acts outside its scope"},
    404: {"description": "Unknown resource (problem+json)"},
    409: {
        "description": "A rule of the process would be broken, expected_version is stale, "
        "or a request with the same Idempotency-Key is still running"
    },
    412: {"description": "If-Match does not name the current version"},
    422: {
        "description": "Invalid fields, each named with its reason, or an Idempotency-Key "
        "reused for another request (problem+json)"
    },
}
