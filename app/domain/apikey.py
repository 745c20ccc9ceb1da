"""An API key: a named holder of a role, maybe scoped to one unit or one cluster.

Issuing and revoking a key are events, so the log shows who could write what,
and from when. The secret is not part of the domain: only its holder's facts are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.aggregate import Aggregate
from app.domain.cluster import CLUSTER
from app.domain.state import evolve
from app.domain.unit import UNIT

# admin: the Ministry's emulation office; cluster: a cluster chair's office;
# unit: a department's emulation officer; integration: a ministry system
# pushing results; auditor: reads only. Their rights are in app.domain.access.
ROLES = ("admin", "cluster", "unit", "integration", "auditor")
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    role: str
    created_on: date
    unit_id: str | None = None
    cluster_id: str | None = None
    expires_on: date | None = None  # the last day the key works (UTC)
    revoked_on: date | None = None

    def usable_on(self, day: date) -> bool:
        return self.revoked_on is None and (self.expires_on is None or day <= self.expires_on)

    @property
    def scope(self) -> str | None:
        """``unit:<id>`` or ``cluster:<id>`` for a scoped key, None otherwise."""
        if self.unit_id is not None:
            return UNIT.stream_id(self.unit_id)
        if self.cluster_id is not None:
            return CLUSTER.stream_id(self.cluster_id)
        return None


def create(existing: ApiKey | None, cmd: c.CreateApiKey) -> list[e.Event]:
    if existing is not None:
        raise errors.AlreadyExists(f"key {cmd.id} already exists")
    name = unicodedata.normalize("NFC", cmd.name.strip())
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise errors.InvalidValue("name", f"give 1 to {MAX_NAME} printable characters")
    if cmd.role not in ROLES:
        raise errors.InvalidValue("role", f"must be one of {', '.join(ROLES)}")
    if cmd.role == "unit" and (cmd.unit_id is None or cmd.cluster_id is not None):
        raise errors.InvalidValue("unit", "a unit key is scoped to one unit, and only to it")
    if cmd.role == "cluster" and (cmd.cluster_id is None or cmd.unit_id is not None):
        raise errors.InvalidValue("cluster", "a cluster key is scoped to one cluster, and only to it")
    if cmd.role not in ("unit", "cluster") and (cmd.unit_id or cmd.cluster_id):
        raise errors.InvalidValue("role", f"an {cmd.role} key takes no unit or cluster scope")
    if cmd.expires_on is not None and cmd.expires_on < cmd.created_on:
        raise errors.InvalidValue("expires", "the key would be expired already")
    return [
        e.ApiKeyCreated(
            id=cmd.id,
            name=name,
            role=cmd.role,
            unit_id=cmd.unit_id,
            cluster_id=cmd.cluster_id,
            expires_on=cmd.expires_on,
            created_on=cmd.created_on,
        )
    ]


def revoke(key: ApiKey, cmd: c.RevokeApiKey) -> list[e.Event]:
    if key.revoked_on is not None:
        raise errors.AlreadyRevoked(f"key {key.id} was revoked on {key.revoked_on.isoformat()}")
    return [e.ApiKeyRevoked(revoked_on=cmd.revoked_on, reason=cmd.reason)]


APIKEY: Aggregate[ApiKey] = Aggregate("apikey", ApiKey)
apply = APIKEY.apply


@apply.register
def _(event: e.ApiKeyCreated, state: ApiKey | None) -> ApiKey:
    return ApiKey(
        id=event.id,
        name=event.name,
        role=event.role,
        created_on=event.created_on,
        unit_id=event.unit_id,
        cluster_id=event.cluster_id,
        expires_on=event.expires_on,
    )


@apply.register
def _(event: e.ApiKeyRevoked, state: ApiKey | None) -> ApiKey:
    assert state is not None, "a key is revoked after it is created"
    return evolve(state, revoked_on=event.revoked_on)
