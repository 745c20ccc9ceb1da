"""A read that runs several queries sees one snapshot: a commit landing between them is
not half in the answer (PostgreSQL's default, READ COMMITTED, would show it)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import db


@pytest.mark.postgres
def test_a_read_transaction_keeps_its_first_snapshot_on_postgresql(pg_url):
    engine = db.create_engine(pg_url)
    try:
        with engine.begin() as setup:
            setup.exec_driver_sql("CREATE TABLE counter (n int)")
            setup.exec_driver_sql("INSERT INTO counter VALUES (1)")
        with db.read_connection(engine) as reader, reader.begin():
            first = reader.execute(sa.text("SELECT n FROM counter")).scalar_one()
            with engine.begin() as writer:  # another request's commit, between two queries
                writer.exec_driver_sql("UPDATE counter SET n = 2")
            second = reader.execute(sa.text("SELECT n FROM counter")).scalar_one()
        assert (first, second) == (1, 1)
        with db.read_connection(engine) as reader, reader.begin():
            assert reader.execute(sa.text("SELECT n FROM counter")).scalar_one() == 2
    finally:
        engine.dispose()
