"""snapshots of aggregate state, for reads as of a past position

Revision ID: 20261123_0002
Revises: 20261123_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa

from alembic import op

revision = "20261123_0002"
down_revision = "20261123_0001"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("stream_id", sa.String(200)),
        sa.Column("version", sa.Integer, autoincrement=False),
        sa.Column("position", Position, nullable=False),
        sa.Column("format", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("stream_id", "version", name="pk_snapshots"),
    )


def downgrade() -> None:
    op.drop_table("snapshots")
