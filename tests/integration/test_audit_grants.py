"""The least-privilege grants of docs/audit.md, applied as written: the application works
under them, and cannot change, delete or truncate an event, nor drop the guard."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.demo import load_demo
from app.domain import commands as c
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger

AUDIT_DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def documented_grants(app_role: str, auditor_role: str) -> list[str]:
    section = AUDIT_DOC.read_text(encoding="utf-8").split("## 6.", 1)[1]
    block = re.findall(r"```sql\n(.*?)```", section, re.S)[1]
    sql = block.replace("pacts_app", app_role).replace("pacts_auditor", auditor_role)
    return [s.strip() for s in sql.split(";") if s.strip()]


@pytest.fixture
def roles(pg_url):
    suffix = uuid.uuid4().hex[:8]
    app_role, auditor_role = f"pacts_app_{suffix}", f"pacts_auditor_{suffix}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for role in (app_role, auditor_role):
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {app_role}, {auditor_role}")
        for statement in documented_grants(app_role, auditor_role):
            conn.exec_driver_sql(statement)
    yield app_role, auditor_role
    with admin.connect() as conn:
        for role in (app_role, auditor_role):
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
    admin.dispose()


def as_role(url: str, role: str) -> str:
    return sa.make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_the_application_runs_under_the_documented_grants_and_cannot_rewrite_history(pg_url, roles):
    app_role, auditor_role = roles
    ledger = make_ledger(as_role(pg_url, app_role))
    try:
        load_demo(ledger)
        ack = ledger.bus.handle(
            c.RenameUnit(
                unit_id="ha-tinh",
                name="Sở Công Thương tỉnh Hà Tĩnh",
                province="Hà Tĩnh",
                effective_on=date(2026, 1, 1),
            )
        )
        report = rebuild(ledger.engine, ledger.store)
        assert report.position == ack.position > 90
        for statement in (
            "UPDATE events SET type = 'X' WHERE position = 1",
            "DELETE FROM events WHERE position = 1",
            "TRUNCATE events",
            "DROP TRIGGER events_no_update_or_delete ON events",
            "ALTER TABLE events DISABLE TRIGGER USER",
            "UPDATE checkpoints SET hash = 'x'",
        ):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"):
                with ledger.engine.begin() as conn:
                    conn.exec_driver_sql(statement)
    finally:
        ledger.close()

    auditor = sa.create_engine(as_role(pg_url, auditor_role))
    try:
        with auditor.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == ack.position
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.exec_driver_sql("SELECT count(*) FROM rm_units")
    finally:
        auditor.dispose()
