"""`pacts keys` and the demo's key, run as a user runs them: separate processes, settings from env."""

from __future__ import annotations

import re
import stat

import pytest
import sqlalchemy as sa

from app.domain import errors
from app.services import keys
from tests.conftest import KEY_SECRET, make_ledger
from tests.integration import world
from tests.integration.test_cli import pacts

TOKEN = re.compile(r"^pl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def url(sqlite_url):
    ledger = make_ledger(sqlite_url)
    world.build(ledger.bus)
    ledger.close()
    return sqlite_url


def _keys(url, *args, **settings):
    return pacts("keys", *args, url=url, **{"PACTS_KEY_SECRET": KEY_SECRET, **settings})


def test_create_prints_the_key_alone_on_stdout_and_it_works(url):
    made = _keys(
        url,
        "create",
        "--name",
        "so-ct-ha-tinh",
        "--role",
        "unit",
        "--unit",
        "ha-tinh",
        "--expires",
        "2099-12-31",
    )

    assert made.returncode == 0, made.stderr
    (token,) = made.stdout.splitlines()
    assert TOKEN.match(token) and "shown once" in made.stderr and token not in made.stderr
    ledger = make_ledger(url)
    try:
        key = ledger.keys.authenticate(f"Bearer {token}")
        with ledger.engine.connect() as conn:
            dumped = "\n".join(
                str(row)
                for table in ("events", "rm_api_keys", "api_key_hashes")
                for row in conn.execute(sa.text(f"select * from {table}"))
            )
    finally:
        ledger.close()
    assert (key.name, key.role, key.unit_id, str(key.expires_on)) == (
        "so-ct-ha-tinh",
        "unit",
        "ha-tinh",
        "2099-12-31",
    )
    assert token.rsplit("_", 1)[1] not in dumped  # the secret is nowhere in the database


def test_list_shows_every_key_without_secrets_and_revoke_stops_one(url):
    token = _keys(url, "create", "--name", "he-thong-bao-cao", "--role", "integration").stdout.strip()
    key_id, secret = keys.parse(token)

    listed = _keys(url, "list")
    revoked = _keys(url, "revoke", key_id, "--reason", "hết hợp đồng")
    again = _keys(url, "revoke", key_id)
    relisted = _keys(url, "list")

    assert listed.returncode == 0 and secret not in listed.stdout
    header, line = listed.stdout.splitlines()
    assert header.split() == ["id", "name", "role", "scope", "created", "expires", "status"]
    assert line.split()[:4] == [key_id, "he-thong-bao-cao", "integration", "-"] and line.endswith("active")
    assert revoked.returncode == 0 and f"revoked key {key_id}" in revoked.stderr
    assert again.returncode == 2 and "was revoked on" in again.stderr
    assert "revoked 20" in relisted.stdout.splitlines()[1]
    ledger = make_ledger(url)
    try:
        with pytest.raises(errors.Unauthenticated, match="revoked"):
            ledger.keys.authenticate(f"Bearer {token}")
        with ledger.engine.connect() as conn:
            meta = conn.execute(
                sa.text("select metadata from events order by position desc limit 1")
            ).scalar_one()
    finally:
        ledger.close()
    assert '"source":"cli"' in meta and '"command":"RevokeApiKey"' in meta  # who revoked it, from where


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--role", "root"), "role"),
        (("--role", "unit"), "unit"),
        (("--role", "cluster", "--cluster", "nowhere"), "no cluster nowhere"),
        (("--role", "admin", "--expires", "2001-01-01"), "expired already"),
    ],
)
def test_a_refused_key_prints_why_and_writes_nothing(url, args, reason):
    made = _keys(url, "create", "--name", "x", *args)

    assert made.returncode == 2 and made.stdout == "" and reason in made.stderr
    assert _keys(url, "list").stdout.count("\n") == 1  # the header only


def test_without_a_server_secret_no_key_is_made(url, tmp_path):
    made = pacts(
        "keys",
        "create",
        "--name",
        "x",
        "--role",
        "admin",
        url=url,
        PACTS_KEY_SECRET_FILE=str(tmp_path / "none"),
    )

    assert made.returncode == 2 and made.stdout == "" and "PACTS_KEY_SECRET" in made.stderr


def test_the_demo_makes_a_secret_and_one_admin_key_and_shows_it_each_time(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.db"
    var = {"PACTS_KEY_SECRET_FILE": str(tmp_path / "var" / "key-secret")}
    assert pacts("migrate", url=url).returncode == 0

    first, second = pacts("demo", url=url, **var), pacts("demo", url=url, **var)

    token = re.search(r"demo admin key .*: (pl_\S+)", first.stdout).group(1)
    assert token in second.stdout and f"Authorization: Bearer {token}" in first.stdout
    assert "curl -s -X POST" in first.stdout and "Idempotency-Key" in first.stdout
    for name in ("key-secret", "demo-admin.key"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600
    listed = pacts("keys", "list", url=url, **var).stdout.splitlines()
    assert len(listed) == 2 and "demo-admin" in listed[1] and "admin" in listed[1]
