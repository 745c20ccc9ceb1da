"""Tables of the event log. The alembic migrations create them; this mirrors them."""

from __future__ import annotations

import sqlalchemy as sa

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# SQLite makes only INTEGER PRIMARY KEY a rowid alias; BIGINT stays BIGINT elsewhere.
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

events = sa.Table(
    "events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.Uuid(as_uuid=False), nullable=False, unique=True),
    sa.Column("stream_id", sa.String(200), nullable=False),
    sa.Column("stream_type", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("schema_version", sa.SmallInteger, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    # The hash chain (app.events.chain): lowercase hex SHA-256, 64 characters.
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("stream_id", "version"),
)

# One row. Writers lock it for the whole command, so positions are handed out
# gapless and in commit order, even with several API processes on PostgreSQL.
# The chain's head is the hash of the event at last_position. ``read_model_generation``
# counts the rebuilds: with the last position, it names the state the read models
# are in (the key of the standings cache, app.projections.read_cache).
log_head = sa.Table(
    "event_log_head",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("last_position", Position, nullable=False),
    sa.Column("read_model_generation", sa.BigInteger, nullable=False, server_default="0"),
)

# Signed checkpoints of the log (app.audit.checkpoints): the signer's word that
# the event at ``position`` has hash ``hash``. An auditor keeps copies outside.
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("signed_at", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
)

projection_checkpoints = sa.Table(
    "projection_checkpoints",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", Position, nullable=False),
)

# Aggregate states every SNAPSHOT_EVERY versions (or more, see snapshots.due), so reads
# "as of" a past position fold a few hundred events instead of the whole stream. Derived data:
# ``format`` names the state codec; rows of another format are ignored.
snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("stream_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", Position, nullable=False),
    sa.Column("format", sa.SmallInteger, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
)
