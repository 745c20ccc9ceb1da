"""Tables the services keep beside the log, written in the same transactions.

Neither is derived from the log, so ``pacts rebuild`` leaves both alone:
- ``api_key_hashes``: each key's secret as a keyed hash (HMAC-SHA256 with the
  server secret). The log records who holds a key, never anything of its secret.
- ``idempotency_records``: the answer to each write sent with an Idempotency-Key,
  stored with the write's events, so a retry gets that answer and writes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.events.schema import Position, metadata

api_key_hashes = sa.Table(
    "api_key_hashes",
    metadata,
    sa.Column("key_id", sa.String(64), primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
)

# One B-tree page per keyed write on SQLite (WITHOUT ROWID: the table is its key),
# and no index on created_at: every keyed write would pay a page (and PostgreSQL an
# index entry) for a purge that runs once every ten minutes and may scan instead.
idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    sa.Column("key_id", sa.String(64), primary_key=True),
    sa.Column("idempotency_key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.SmallInteger, nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("position", Position, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sqlite_with_rowid=False,
)
