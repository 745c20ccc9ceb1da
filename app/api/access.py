"""Who may read what the auditors read: the whole log, its checkpoints, its verification.

Reading the log needs a key whose role is ``auditor`` or ``admin``, whatever
PACTS_PUBLIC_READS says (standings are public information; who did what, when
and why is for auditors): 401 without a usable key, 403 with another role.
This is the one place to change it: every log route depends on it.
"""

from __future__ import annotations

from app.api.deps import KeyDep
from app.domain.errors import Forbidden

LOG_READERS = frozenset({"auditor", "admin"})
RIGHT = "log:read"


async def require_log_reader(key: KeyDep) -> None:
    if key.role not in LOG_READERS:
        raise Forbidden(f"key {key.name!r} (role {key.role}) lacks the right {RIGHT}", RIGHT)


async def require_admin(key: KeyDep) -> None:
    """Signing a checkpoint on demand is the Ministry's emulation office's (admin) act."""
    if key.role != "admin":
        raise Forbidden(
            f"key {key.name!r} (role {key.role}) lacks the right checkpoints:sign", "checkpoints:sign"
        )
