"""score sheets, the sheet each pact adopted, and the units' assessment stages (issue 14)

Revision ID: 20261202_0006
Revises: 20261201_0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa

from alembic import op

revision = "20261202_0006"
down_revision = "20261201_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_score_sheets",
        sa.Column("code", sa.String(64)),
        sa.Column("version", sa.Integer, autoincrement=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("tolerance", sa.Float, nullable=False),
        sa.Column("attainment_cap", sa.Float, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("code", "version", name="pk_rm_score_sheets"),
    )
    op.create_table(
        "rm_pact_score_sheets",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("sheet_code", sa.String(64), nullable=False),
        sa.Column("sheet_version", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("pact_id", name="pk_rm_pact_score_sheets"),
    )
    op.create_table(
        "rm_assessments",
        sa.Column("pact_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("grader_id", sa.String(64), nullable=True),
        sa.Column("explanation", sa.Text, nullable=True),
        sa.Column("stages", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("pact_id", "unit_id", name="pk_rm_assessments"),
    )


def downgrade() -> None:
    for table in ("rm_assessments", "rm_pact_score_sheets", "rm_score_sheets"):
        op.drop_table(table)
