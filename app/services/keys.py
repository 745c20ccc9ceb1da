"""API keys: issuing and revoking them (through the bus), and checking a presented one.

A key reads ``pl_<id>_<secret>``. The id names the key: it is public (in the
log, in ``pacts keys list``). The secret proves possession: it is shown once,
and only HMAC-SHA256(server secret, "<id>:<secret>") is kept (api_key_hashes).
A presented key is hashed the same way and compared in constant time.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.domain import access
from app.domain import commands as c
from app.domain.apikey import ApiKey
from app.domain.errors import Unauthenticated
from app.events.schema import log_head
from app.projections.tables import api_keys
from app.services.bus import Ack, MessageBus, Meta
from app.services.tables import api_key_hashes

PREFIX = "pl_"
_TOKEN = re.compile(r"^pl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def today() -> date:
    return datetime.now(UTC).date()


def _digest(server_secret: bytes, key_id: str, secret: str) -> bytes:
    # hmac.digest: the one-shot C path, a third of hmac.new(...).hexdigest()'s cost.
    return hmac.digest(server_secret, f"{key_id}:{secret}".encode(), "sha256")


def secret_hash(server_secret: bytes, key_id: str, secret: str) -> str:
    """The keyed hash kept for a key (hex): HMAC-SHA256(server secret, "<id>:<secret>")."""
    return _digest(server_secret, key_id, secret).hex()


def parse(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    match = _TOKEN.match(token)
    return (match.group(1), match.group(2)) if match else None


def issue(
    bus: MessageBus,
    server_secret: bytes,
    *,
    name: str,
    role: str,
    unit_id: str | None = None,
    cluster_id: str | None = None,
    expires_on: date | None = None,
    created_on: date | None = None,
    meta: Meta | None = None,
) -> tuple[str, Ack]:
    """Record a new key; returns its full text (shown once, never stored) and the write's ack."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    command = c.CreateApiKey(
        id=key_id,
        name=name,
        role=role,
        created_on=created_on or today(),
        secret_hash=secret_hash(server_secret, key_id, secret),
        unit_id=unit_id,
        cluster_id=cluster_id,
        expires_on=expires_on,
    )
    ack = bus.handle(command, meta or Meta())
    return f"{PREFIX}{key_id}_{secret}", ack


def revoke(bus: MessageBus, key_id: str, *, reason: str | None = None, meta: Meta | None = None) -> Ack:
    return bus.handle(c.RevokeApiKey(key_id=key_id, revoked_on=today(), reason=reason), meta or Meta())


class _Entry(NamedTuple):
    secret_hash: bytes
    key: ApiKey
    head: int  # the log position the row was read at


_ROW = (
    sa.select(api_keys, api_key_hashes.c.secret_hash)
    .join(api_key_hashes, api_key_hashes.c.key_id == api_keys.c.id)
    .where(api_keys.c.id == sa.bindparam("key_id"))
)
_HEAD = sa.select(log_head.c.last_position).where(log_head.c.id == 1)
# Compared against when the id is unknown, so that answers no faster.
_NO_HASH = bytes(32)


class KeyRing:
    """Checks ``Authorization: Bearer <key>`` headers.

    Each key's row is kept in memory with the log head it was read at. Keys are
    created and revoked by events, which move the head: a caller that passes the
    current head gets a row re-read whenever the log has moved since (reads). A
    caller that passes none gets the row as last read: writes do, because the bus
    checks the key's current state again under the log lock before any command.
    """

    def __init__(self, engine: Engine, server_secret: bytes | None, clock: Callable[[], date] = today):
        self._engine = engine
        self._secret = server_secret
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def cached(self, authorization: str | None, head: int | None = None) -> ApiKey | None:
        """The key, checked, when that needs no I/O (its row is in memory and read at
        ``head``, if given); else None: then ``authenticate`` reads it."""
        parsed = _parse_header(authorization)
        entry = self._entries.get(parsed[0])
        if entry is None or (head is not None and entry.head != head):
            return None
        return self._verify(parsed, entry)

    def authenticate(self, authorization: str | None, head: int | None = None) -> ApiKey:
        """The key an Authorization header presents, checked; raises Unauthenticated."""
        parsed = _parse_header(authorization)
        entry = self._entries.get(parsed[0])
        if entry is None or (head is not None and entry.head != head):
            entry = self._load(parsed[0])
        return self._verify(parsed, entry)

    def _verify(self, parsed: tuple[str, str], entry: _Entry | None) -> ApiKey:
        if self._secret is None:
            raise Unauthenticated("this server has no key secret (PACTS_KEY_SECRET): it can check no key")
        key_id, secret = parsed
        presented = _digest(self._secret, key_id, secret)
        if not hmac.compare_digest(presented, entry.secret_hash if entry else _NO_HASH) or entry is None:
            raise Unauthenticated("unknown key")
        return access.admit(entry.key, key_id, self._clock())

    def _load(self, key_id: str) -> _Entry | None:
        with self._engine.connect() as conn, conn.begin():
            head = conn.execute(_HEAD).scalar_one()
            row = conn.execute(_ROW, {"key_id": key_id}).mappings().first()
        if row is None:
            return None
        key = ApiKey(
            id=row["id"],
            name=row["name"],
            role=row["role"],
            created_on=row["created_on"],
            unit_id=row["unit_id"],
            cluster_id=row["cluster_id"],
            expires_on=row["expires_on"],
            revoked_on=row["revoked_on"],
        )
        entry = _Entry(bytes.fromhex(row["secret_hash"]), key, head)
        with self._lock:
            self._entries[key_id] = entry
        return entry


def _parse_header(authorization: str | None) -> tuple[str, str]:
    if not authorization:
        raise Unauthenticated("this needs a key: send Authorization: Bearer <key>")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthenticated("send the key as Authorization: Bearer <key>")
    parsed = parse(token.strip())
    if parsed is None:
        raise Unauthenticated("not a key of this ledger")
    return parsed
