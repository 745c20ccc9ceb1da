"""lineage and search: names as they were, repartitions after mergers, a folded-name index

Read models only (``pacts rebuild`` fills them from the log): each name a unit
bore and from when, the legal basis of its merger, each cluster's kind, a
leadership whose deputy no source names, the cluster seats a merger emptied
until an admin decides, and one folded name per unit name, cluster and
pact for /search.

Revision ID: 20261202_0007
Revises: 20261202_0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa

from alembic import op

revision = "20261202_0007"
down_revision = "20261202_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rm_units") as batch:
        batch.add_column(sa.Column("merged_basis", sa.String(300), nullable=True))
    with op.batch_alter_table("rm_leadership") as batch:
        batch.alter_column("deputy", existing_type=sa.String(64), nullable=True)
    with op.batch_alter_table("rm_clusters") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="emulation"))
    op.create_table(
        "rm_unit_names",
        sa.Column("unit_id", sa.String(64)),
        sa.Column("seq", sa.Integer),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("province", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("unit_id", "seq", name="pk_rm_unit_names"),
    )
    op.create_table(
        "rm_cluster_repartitions",
        sa.Column("cluster_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("successor", sa.String(64), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("decision_ref", sa.String(200), nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("admitted", sa.Boolean, nullable=True),
        sa.PrimaryKeyConstraint("cluster_id", "unit_id", name="pk_rm_cluster_repartitions"),
    )
    op.create_table(
        "rm_search",
        sa.Column("stream_id", sa.String(80)),
        sa.Column("seq", sa.Integer),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("folded", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", "seq", name="pk_rm_search"),
    )
    op.create_index("ix_rm_search_folded", "rm_search", ["folded"])


def downgrade() -> None:
    op.drop_index("ix_rm_search_folded", table_name="rm_search")
    op.drop_table("rm_search")
    op.drop_table("rm_cluster_repartitions")
    op.drop_table("rm_unit_names")
    with op.batch_alter_table("rm_clusters") as batch:
        batch.drop_column("kind")
    # A read model: the older schema cannot hold an unknown deputy; `pacts rebuild` after a
    # downgrade rebuilds it from the log as the older code reads it.
    op.execute("DELETE FROM rm_leadership WHERE deputy IS NULL")
    with op.batch_alter_table("rm_leadership") as batch:
        batch.alter_column("deputy", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("rm_units") as batch:
        batch.drop_column("merged_basis")
