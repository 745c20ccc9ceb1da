"""read-model generation: bumped by each rebuild, part of the standings cache key

A rebuild rewrites the read models without moving the log head, so a cache
keyed by the head alone kept serving the figures from before it. The counter
sits on the log-head row that every cached read already looks up, and that the
rebuild already holds locked.

Revision ID: 20261201_0003
Revises: 20261123_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa

from alembic import op

revision = "20261201_0003"
down_revision = "20261123_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_log_head") as batch:
        batch.add_column(
            sa.Column("read_model_generation", sa.BigInteger, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("event_log_head") as batch:
        batch.drop_column("read_model_generation")
