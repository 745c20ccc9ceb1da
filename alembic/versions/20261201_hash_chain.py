"""hash chain on the event log, signed checkpoints, append-only triggers

Adds ``prev_hash`` and ``hash`` to every event and computes the chain for the
events already logged (app.events.chain, docs/audit.md); adds the table of
signed checkpoints; and makes the database itself refuse UPDATE and DELETE on
``events`` (and TRUNCATE on PostgreSQL), so that only someone who can change
the schema can change the history, and even they are caught by the chain.

Revision ID: 20261201_0005
Revises: 20261201_0004
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa

from alembic import op
from app.events import chain
from app.events.records import FETCH, page

revision = "20261201_0005"
down_revision = "20261201_0004"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

GUARDED = "events are append-only: UPDATE and DELETE are refused"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, '{GUARDED}'); END",
    f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, '{GUARDED}'); END",
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{GUARDED} (% on events)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events"
    " FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events"
    " FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
]


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("events", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("events", sa.Column("hash", sa.String(64), nullable=True))
    _backfill(bind)
    with op.batch_alter_table("events") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)
    op.create_table(
        "checkpoints",
        sa.Column("position", Position, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_checkpoints"),
    )
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def _backfill(bind: sa.Connection) -> None:
    """Chain the events already in the log, in position order, a chunk at a time."""
    update = sa.text("UPDATE events SET prev_hash = :prev_hash, hash = :hash WHERE position = :position")
    prev = chain.GENESIS
    after = 0
    while True:
        chunk = page(bind, [("position > ?", after)], FETCH)
        if not chunk:
            return
        links = []
        for record in chunk:
            fields = record._asdict()
            fields["data"] = json.loads(record.data)
            fields["metadata"] = json.loads(record.metadata)
            event_hash = chain.link(chain.row_text(fields), prev)
            links.append({"position": record.position, "prev_hash": prev, "hash": event_hash})
            prev = event_hash
        bind.execute(update, links)
        after = chunk[-1].position


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_no_truncate ON events")
        op.execute("DROP TRIGGER events_no_update_or_delete ON events")
        op.execute("DROP FUNCTION events_append_only()")
    else:
        op.execute("DROP TRIGGER events_no_delete")
        op.execute("DROP TRIGGER events_no_update")
    op.drop_table("checkpoints")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
