"""Fresh databases for each measurement: a SQLite file in a temp dir, or a new PostgreSQL database.

Our side is always migrated by alembic (app.migrations.upgrade), as `pacts migrate` does.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app import migrations
from app.audit.signing import generate as generate_key
from app.bootstrap import Ledger, bootstrap
from app.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "PACTS_BENCH_POSTGRES_URL",
    os.environ.get("PACTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
)
STORES = ("sqlite", "postgresql")
_serial = itertools.count()


def pg_unreachable_reason() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]


@dataclass(frozen=True)
class Database:
    """One fresh database. ``url`` is SQLAlchemy's; ``es_env`` configures eventsourcing on it."""

    store: str
    url: str
    es_env: dict[str, str]


def _pg_url(name: str) -> sa.URL:
    return sa.make_url(PG_ADMIN_URL).set(database=name)


@contextmanager
def fresh_database(store: str, prefix: str) -> Iterator[Database]:
    """An empty database (not migrated): yours until the block ends, then removed."""
    if store == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}_"))
        try:
            path = tmp / f"{prefix}.db"
            yield Database(
                store,
                f"sqlite:///{path}",
                {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    name = f"{prefix}_{os.getpid()}_{next(_serial)}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = _pg_url(name)
    try:
        yield Database(
            store,
            url.render_as_string(hide_password=False),
            {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": name,
                "POSTGRES_HOST": url.host or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": url.username or "postgres",
                "POSTGRES_PASSWORD": url.password or "",
            },
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_ledger(
    store: str, prefix: str = "pacts_bench", **settings: object
) -> Iterator[tuple[Database, Ledger]]:
    """A fresh database migrated by alembic, and a ledger wired by app.bootstrap on it,
    signing checkpoints with a key of its own as a deployment does (app.audit.checkpoints)."""
    with fresh_database(store, prefix) as db, tempfile.TemporaryDirectory(prefix="pacts_key_") as keys:
        migrations.upgrade(db.url)
        key = Path(keys) / "signing-key.pem"
        generate_key(key)
        ledger = bootstrap(Settings(**{"database_url": db.url, "signing_key_path": str(key), **settings}))
        try:
            yield db, ledger
        finally:
            ledger.close()


def durability(store: str) -> str:
    """What the server/driver actually runs with, read back rather than assumed."""
    if store == "sqlite":
        return f"ours: {_sqlite_ours()}; reference: {_sqlite_reference()}"
    engine = sa.create_engine(PG_ADMIN_URL)
    with engine.connect() as conn:
        values = {
            k: conn.execute(sa.text(f"SHOW {k}")).scalar_one()
            for k in ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")
        }
    engine.dispose()
    return ", ".join(f"{k}={v}" for k, v in values.items())


_SYNC = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _sqlite_ours() -> str:
    """Read back from a connection of our own engine (app.db), on a scratch file."""
    from app.db import create_engine

    with fresh_database("sqlite", "durability") as db:
        engine = create_engine(db.url)
        with engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            sync = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        engine.dispose()
    return f"journal_mode={mode}, synchronous={_SYNC.get(sync, sync)}"


def _sqlite_reference() -> str:
    from bench.reference import reference_app, sqlite_synchronous

    with fresh_database("sqlite", "durability") as db, reference_app(db.es_env) as app:
        return sqlite_synchronous(app)
