"""API keys (read model and secret hashes) and idempotency records

Revision ID: 20261201_0004
Revises: 20261201_0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa

from alembic import op

revision = "20261201_0004"
down_revision = "20261201_0003"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rm_api_keys",
        sa.Column("id", sa.String(64)),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=True),
        sa.Column("cluster_id", sa.String(64), nullable=True),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("revoked_on", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rm_api_keys"),
    )
    op.create_table(
        "api_key_hashes",
        sa.Column("key_id", sa.String(64)),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_api_key_hashes"),
    )
    op.create_table(
        "idempotency_records",
        sa.Column("key_id", sa.String(64)),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("position", Position, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "idempotency_key", name="pk_idempotency_records"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for table in ("idempotency_records", "api_key_hashes", "rm_api_keys"):
        op.drop_table(table)
