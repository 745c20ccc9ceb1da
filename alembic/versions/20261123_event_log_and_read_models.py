"""event log and read models

Revision ID: 20261123_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa

from alembic import op

revision = "20261123_0001"
down_revision = None
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", Position, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_type", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.SmallInteger, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_id_version"),
    )
    op.create_table(
        "event_log_head",
        sa.Column("id", sa.SmallInteger, autoincrement=False),
        sa.Column("last_position", Position, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_log_head"),
    )
    op.bulk_insert(
        sa.table("event_log_head", sa.column("id"), sa.column("last_position")),
        [{"id": 1, "last_position": 0}],
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(100)),
        sa.Column("position", Position, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_projection_checkpoints"),
    )
    op.create_table(
        "rm_units",
        sa.Column("id", sa.String(64)),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("province", sa.String(200), nullable=False),
        sa.Column("merged_into", sa.String(64), nullable=True),
        sa.Column("merged_on", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rm_units"),
    )
    op.create_table(
        "rm_clusters",
        sa.Column("id", sa.String(64)),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("formed_on", sa.Date, nullable=False),
        sa.Column("flag_holder", sa.String(64), nullable=True),
        sa.Column("last_conference_number", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rm_clusters"),
    )
    op.create_table(
        "rm_cluster_members",
        sa.Column("cluster_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("joined_on", sa.Date),
        sa.Column("left_on", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("cluster_id", "unit_id", "joined_on", name="pk_rm_cluster_members"),
    )
    op.create_index("ix_rm_cluster_members_unit_id", "rm_cluster_members", ["unit_id"])
    op.create_table(
        "rm_leadership",
        sa.Column("cluster_id", sa.String(64)),
        sa.Column("year", sa.Integer),
        sa.Column("chair", sa.String(64), nullable=False),
        sa.Column("deputy", sa.String(64), nullable=False),
        sa.Column("decision_ref", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("cluster_id", "year", name="pk_rm_leadership"),
    )
    op.create_table(
        "rm_host_handovers",
        sa.Column("cluster_id", sa.String(64)),
        sa.Column("conference_number", sa.Integer),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("from_unit", sa.String(64), nullable=False),
        sa.Column("to_unit", sa.String(64), nullable=False),
        sa.Column("handed_over_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("cluster_id", "conference_number", name="pk_rm_host_handovers"),
    )
    op.create_table(
        "rm_pacts",
        sa.Column("id", sa.String(64)),
        sa.Column("cluster_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("theme", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("period_start", sa.Integer, nullable=True),
        sa.Column("period_end", sa.Integer, nullable=True),
        sa.Column("content_items", sa.JSON, nullable=False),
        sa.Column("parties", sa.JSON, nullable=False),
        sa.Column("proposed_on", sa.Date, nullable=False),
        sa.Column("attainment_cap", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rm_pacts"),
    )
    op.create_index("ix_rm_pacts_cluster_id_year", "rm_pacts", ["cluster_id", "year"])
    op.create_table(
        "rm_pact_signatures",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("signed_by", sa.String(300), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("pact_id", "unit_id", name="pk_rm_pact_signatures"),
    )
    op.create_table(
        "rm_pact_targets",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("code", sa.String(64)),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("measure", sa.String(50), nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("applies_to", sa.JSON, nullable=True),
        sa.PrimaryKeyConstraint("pact_id", "code", name="pk_rm_pact_targets"),
    )
    op.create_table(
        "rm_pact_results",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("target_code", sa.String(64)),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("pact_id", "unit_id", "target_code", name="pk_rm_pact_results"),
    )
    op.create_table(
        "rm_pact_awards",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("recipient_unit", sa.String(64), nullable=False),
        sa.Column("recipient_person", sa.String(300), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("conferred_by", sa.String(300), nullable=False),
        sa.Column("decision_ref", sa.String(200), nullable=True),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("pact_id", "seq", name="pk_rm_pact_awards"),
    )
    op.create_table(
        "rm_pact_scores",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("points", sa.JSON, nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("pact_id", "unit_id", name="pk_rm_pact_scores"),
    )


def downgrade() -> None:
    for table in (
        "rm_pact_scores",
        "rm_pact_awards",
        "rm_pact_results",
        "rm_pact_targets",
        "rm_pact_signatures",
        "rm_pacts",
        "rm_host_handovers",
        "rm_leadership",
        "rm_cluster_members",
        "rm_clusters",
        "rm_units",
        "projection_checkpoints",
        "event_log_head",
        "events",
    ):
        op.drop_table(table)
