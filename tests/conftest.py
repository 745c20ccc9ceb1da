"""Fixtures: real stores, migrated by alembic, never create_all and never mocks.

SQLite tests run on files under tmp_path. PostgreSQL tests run on a fresh
database per test, cloned from a migrated template, on the server named by
PACTS_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432). Without a reachable
server they are skipped loudly; with CI set they fail instead of skipping.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app import migrations
from app.bootstrap import Ledger, bootstrap
from app.services import keys
from app.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "PACTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_pg_reason: str | None = None


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]


def pytest_configure(config: pytest.Config) -> None:
    global _pg_reason
    _pg_reason = _pg_reachable()
    if _pg_reason and os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI is set but PostgreSQL at {PG_ADMIN_URL} is not reachable ({_pg_reason}); "
            "the PostgreSQL tests must run in CI."
        )


def pytest_terminal_summary(terminalreporter) -> None:
    if _pg_reason:
        terminalreporter.write_sep(
            "!", f"POSTGRESQL TESTS SKIPPED: {PG_ADMIN_URL} unreachable ({_pg_reason})", red=True
        )


def _admin() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _url_for(database: str) -> str:
    return sa.make_url(PG_ADMIN_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> str:
    if _pg_reason:
        warnings.warn(f"PostgreSQL unreachable, its tests are skipped: {_pg_reason}", stacklevel=2)
        pytest.skip(f"PostgreSQL unreachable: {_pg_reason}")
    name = f"pacts_tmpl_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    migrations.upgrade(_url_for(name))
    sa.create_engine(_url_for(name)).dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_counter = itertools.count()


@contextmanager
def _pg_database(template: str) -> Iterator[str]:
    """A fresh database made from the migrated template, dropped afterwards."""
    name = f"pacts_t_{os.getpid()}_{next(_counter)}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _url_for(name)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    with _pg_database(pg_template) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrations.upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def sqlite_url(sqlite_template: str, tmp_path) -> str:
    path = tmp_path / "pacts.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once per store backend: the contract both must keep."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def second_store_url(store_url: str, request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """Another migrated, empty database of the same store as ``store_url``."""
    if store_url.startswith("sqlite"):
        path = tmp_path / "second.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with _pg_database(request.getfixturevalue("pg_template")) as url:
        yield url


# The server secret API keys are hashed with: a fresh one per test session.
KEY_SECRET = secrets.token_hex(32)


def make_ledger(url: str, **settings: object) -> Ledger:
    """A ledger on ``url``; it signs no checkpoints unless given a ``signing_key_path``
    (so a key left in var/ by `make run` never reaches a test)."""
    return bootstrap(
        Settings(**{"database_url": url, "key_secret": KEY_SECRET, "signing_key_path": "", **settings})
    )


def issue_key(ledger: Ledger, role: str = "admin", name: str | None = None, **scope: object) -> str:
    """A new API key on this ledger (issued in process, as `pacts keys create` does); its text."""
    token, _ack = keys.issue(
        ledger.bus, ledger.settings.secret(), name=name or f"test-{role}", role=role, **scope
    )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ledger(store_url: str) -> Ledger:
    ledger = make_ledger(store_url)
    yield ledger
    ledger.close()


@pytest.fixture
def sqlite_ledger(sqlite_url: str) -> Ledger:
    ledger = make_ledger(sqlite_url)
    yield ledger
    ledger.close()
