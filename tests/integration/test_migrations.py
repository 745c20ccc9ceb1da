"""The alembic migrations build exactly the schema the code declares, and unwind cleanly."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command
from app import migrations
from app.db import create_engine
from app.domain import commands as c
from app.events.schema import metadata
from app.projections import tables  # registers the read models on the metadata
from app.services import tables as service_tables  # and the tables beside the log
from tests.conftest import make_ledger

LOG_TABLES = {"events", "event_log_head", "projection_checkpoints", "snapshots", "checkpoints"}


@pytest.fixture
def engine(store_url):
    engine = create_engine(store_url)
    yield engine
    engine.dispose()


def schema_drift(engine, declared: sa.MetaData = metadata) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, declared)


def table_names(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_the_migrated_schema_is_the_declared_one(engine):
    assert table_names(engine) == set(metadata.tables)
    beside_the_log = {service_tables.api_key_hashes.name, service_tables.idempotency_records.name}
    assert LOG_TABLES | {t.name for t in tables.ALL} | beside_the_log == set(metadata.tables)
    assert schema_drift(engine) == []


def test_the_drift_check_would_see_a_column_the_migrations_lack(engine):
    declared = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(declared)
    declared.tables["rm_units"].append_column(sa.Column("motto", sa.Text))
    declared.tables["rm_pacts"].c.theme.type = sa.Integer()
    drift = schema_drift(engine, declared)
    assert [d[0] for d in drift if isinstance(d, tuple)] == ["add_column"]
    assert any(isinstance(d, list) and d[0][0] == "modify_type" for d in drift)


def test_the_database_is_at_the_single_head(engine, store_url):
    heads = ScriptDirectory.from_config(migrations.alembic_config(store_url)).get_heads()
    assert heads == [migrations.head_revision()]
    assert migrations.current_revision(engine) == migrations.head_revision(store_url) is not None


def test_the_log_head_starts_at_position_zero(engine):
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select id, last_position from event_log_head")).all()
    assert [tuple(r) for r in rows] == [(1, 0)]


def test_downgrade_to_base_then_upgrade_to_head(engine, store_url):
    config = migrations.alembic_config(store_url)
    engine.dispose()  # no pooled connection may hold a lock on a table being dropped

    command.downgrade(config, "base")
    assert table_names(engine) == set()
    assert migrations.current_revision(engine) is None

    migrations.upgrade(store_url)
    assert table_names(engine) == set(metadata.tables)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert schema_drift(engine) == []
    test_the_log_head_starts_at_position_zero(engine)


def test_a_migrated_store_takes_commands(store_url):
    """After a round trip through base, the rebuilt schema still works end to end."""
    command.downgrade(migrations.alembic_config(store_url), "base")
    migrations.upgrade(store_url)
    ledger = make_ledger(store_url)
    try:
        name = "Sở Công Thương Thanh Hóa"
        ack = ledger.bus.handle(
            c.RegisterUnit(id="tha", name=name, province="Thanh Hóa", registered_on=date(2015, 1, 1))
        )
        assert (ack.version, ack.position) == (1, 1)
        with ledger.engine.connect() as conn:
            assert conn.execute(sa.select(tables.units.c.name)).scalars().all() == [name]
    finally:
        ledger.close()
