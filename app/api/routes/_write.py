"""Shaping a write's answer: the new version in the body and as an ETag."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from app.api.responses import WriteAck
from app.services.bus import Ack


def acknowledge(response: Response, ack: Ack, location: str | None = None) -> WriteAck:
    response.headers["ETag"] = f'"{ack.version}"'
    if location is not None:
        response.headers["Location"] = location
    return WriteAck(id=ack.id, version=ack.version, position=ack.position)


def tag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed body or header (problem+json)"},
    404: {"description": "Unknown resource (problem+json)"},
    409: {"description": "A rule of the process would be broken, or expected_version is stale"},
    412: {"description": "If-Match does not name the current version"},
    422: {"description": "Invalid fields, each named with its reason (problem+json)"},
}
