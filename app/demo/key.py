"""The local demo's admin key, so that `make run` stays one command.

Only for a local demo: the key's text is kept in a file next to the key secret
(var/, mode 0600) so the README's tour can read it with `$(cat var/demo-admin.key)`
on every run. Real keys come from `pacts keys create` and are shown once.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.bootstrap import Ledger
from app.domain.errors import Unauthenticated
from app.services import keys
from app.services.bus import Meta
from app.settings import Settings

NAME = "demo-admin"
META = Meta(actor="demo-loader", source="demo", reason="the local demo's admin key")


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text + "\n")


def ensure_secret(settings: Settings) -> bool:
    """Write a fresh key secret to the settings' file when none is set; True if written."""
    if settings.secret() is not None:
        return False
    _write_private(settings.key_secret_file, secrets.token_hex(32))
    return True


def key_file(settings: Settings) -> Path:
    return settings.key_secret_file.parent / f"{NAME}.key"


def demo_key(ledger: Ledger) -> tuple[str, bool]:
    """The demo admin key: the one kept in var/ if it still works, else a new one; (text, created)."""
    path = key_file(ledger.settings)
    assert ledger.keys is not None
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        try:
            ledger.keys.authenticate(f"Bearer {token}")
            return token, False
        except Unauthenticated:
            pass  # revoked, or made with another secret: issue a new one
    secret = ledger.settings.secret()
    assert secret is not None
    token, _ack = keys.issue(ledger.bus, secret, name=NAME, role="admin", meta=META)
    _write_private(path, token)
    return token, True


def curl_example(token: str, host: str, port: int) -> str:
    """One line a user can paste: a result for Hà Tĩnh's 2025 export target, exactly once."""
    body = (
        '{"unit_id": "ha-tinh", "target_code": "XK-2025", "value": 1.85, '
        '"reported_on": "2025-12-31", "source": "Báo cáo tổng kết"}'
    )
    return (
        f"curl -s -X POST http://{host}:{port}/api/v1/pacts/ha-tinh-2021-2025/results "
        f"-H 'Authorization: Bearer {token}' -H 'Idempotency-Key: demo-result-1' "
        f"-H 'Content-Type: application/json' -d '{body}'"
    )
