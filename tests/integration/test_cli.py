"""The `pacts` command, run as a user runs it: a separate process, settings from the environment."""

import os
import subprocess
import sys

import sqlalchemy as sa


def pacts(
    *args: str, url: str, key: str = "", stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess:
    """Run `pacts`; settings (PACTS_*) only as given, so the caller's shell and var/ stay out
    of it. ``key``: the signing key's path (PACTS_SIGNING_KEY_PATH); none by default, so
    that no command writes one into the working directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTS_")}
    env.update(DATABASE_URL=url, PACTS_SIGNING_KEY_PATH=key, **settings)
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def test_migrate_demo_rebuild_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path}/pacts.db"
    var = {"PACTS_KEY_SECRET_FILE": str(tmp_path / "var" / "key-secret")}

    assert pacts("migrate", url=url).returncode == 0
    first = pacts("demo", url=url, **var)
    second = pacts("demo", url=url, **var)
    rebuilt = pacts("rebuild", url=url)

    assert first.returncode == 0 and "events written" in first.stdout
    assert second.returncode == 0 and "already loaded" in second.stdout
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        events = conn.execute(sa.text("select count(*) from events")).scalar_one()
        units = conn.execute(sa.text("select count(*) from rm_units")).scalar_one()
    engine.dispose()
    assert events > 50 and units > 10
    assert rebuilt.returncode == 0 and f"from {events} events" in rebuilt.stdout

    in_workers = pacts("rebuild", "--workers", "2", url=url)
    assert in_workers.returncode == 0, in_workers.stderr
    assert f"from {events} events" in in_workers.stdout


def test_commands_refuse_an_unmigrated_database(tmp_path):
    result = pacts("demo", url=f"sqlite:///{tmp_path}/empty.db")

    assert result.returncode == 2
    assert "pacts migrate" in result.stderr
