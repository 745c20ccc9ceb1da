"""`pacts verify`, `pacts export` and `pacts rebuild`'s check, run as a user runs them, and
the verifier's own checks on both stores."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit import export
from app.audit.verify import LogNotIntact, verify_database, verify_export
from app.demo import load_demo
from app.domain import commands as c
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger
from tests.integration.tamper import unguarded
from tests.integration.test_cli import pacts
from tests.integration.test_rebuild import snapshot


def exported(engine, after: int = 0) -> list[str]:
    with engine.connect() as conn:
        return b"".join(export.ndjson(conn, after=after)).decode().splitlines()


@pytest.fixture
def demo(ledger):
    load_demo(ledger)
    return ledger


def test_an_intact_log_verifies_live_and_exported_alike(demo):
    with demo.engine.connect() as conn:
        live = verify_database(conn)
    lines = exported(demo.engine)
    from_file = verify_export(line.encode() for line in lines)

    assert live.intact and from_file.intact, (live.summary(), from_file.summary())
    assert (
        (live.first, live.last, live.events)
        == (from_file.first, from_file.last, from_file.events)
        == (
            1,
            len(lines),
            len(lines),
        )
    )
    assert live.last_hash == from_file.last_hash == json.loads(lines[-1])["hash"]
    assert live.streams == from_file.streams == len({json.loads(line)["stream_id"] for line in lines})
    assert live.summary() == from_file.summary()


def test_an_export_after_a_position_verifies_from_there(demo):
    lines = exported(demo.engine, after=40)

    report = verify_export(lines)

    assert json.loads(lines[0])["position"] == 41
    assert report.intact and (report.first, report.events) == (41, len(lines))
    assert "starts at position 41" in report.summary()


def test_export_lines_are_the_records_with_their_stored_data(demo):
    line = json.loads(exported(demo.engine)[0])

    assert list(line) == [
        "position",
        "event_id",
        "stream_id",
        "stream_type",
        "version",
        "type",
        "schema_version",
        "data",
        "metadata",
        "occurred_on",
        "recorded_at",
        "prev_hash",
        "hash",
    ]
    assert line["data"]["name"] == "Sở Công Thương Thanh Hóa" and line["recorded_at"].endswith("Z")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "line 3 is not a JSON object"),
        ('{"position": 3}', "line 3: not an event of the export format"),
    ],
)
def test_a_malformed_export_line_is_named(demo, line, reason):
    lines = exported(demo.engine)
    lines[2] = line

    report = verify_export(lines)

    assert not report.intact and report.problem.position == 3 and reason in report.problem.reason


def test_a_rebuild_over_a_broken_chain_refuses_and_changes_nothing(demo):
    before = snapshot(demo.engine)
    with unguarded(demo.engine) as conn:
        conn.execute(sa.text("UPDATE events SET metadata = :m WHERE position = 7"), {"m": '{"actor":"x"}'})

    with pytest.raises(LogNotIntact) as refused:
        rebuild(demo.engine, demo.store, workers=0)

    assert refused.value.problem.position == 7 and "hash mismatch" in refused.value.problem.reason
    assert snapshot(demo.engine) == before


def test_verify_export_and_rebuild_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path}/pacts.db"
    key = str(tmp_path / "keys" / "signing-key.pem")
    assert pacts("migrate", url=url).returncode == 0
    assert pacts("demo", url=url, key=key).returncode == 0  # makes the key, signs a checkpoint

    intact = pacts("verify", url=url, key=key)
    exporting = pacts("export", str(tmp_path / "log.ndjson"), url=url, key=key)
    from_file = pacts("verify", "--export", str(tmp_path / "log.ndjson"), "--public-key", key, url=url)
    checkpoint = pacts("checkpoint", url=url, key=key)
    (tmp_path / "checkpoint.json").write_text(checkpoint.stdout)

    # The demo: its 102 events, and its admin key.
    assert intact.returncode == 0 and intact.stdout.startswith("intact: positions 1..103 (103 events")
    assert "1 checkpoint match, signatures verified with key" in intact.stdout
    assert exporting.returncode == 0 and "exported 103 events" in exporting.stderr
    assert len((tmp_path / "log.ndjson").read_text().splitlines()) == 103
    assert (
        from_file.returncode == 0
        and from_file.stdout.splitlines()[0].split("; ")[0] == intact.stdout.split("; ")[0]
    )
    assert json.loads(checkpoint.stdout)["position"] == 103

    with_checkpoint = pacts(
        "verify", "--export", "-", "--checkpoint", str(tmp_path / "checkpoint.json"), "--public-key", key,
        url=url, stdin=(tmp_path / "log.ndjson").read_text()[:-1].rsplit("\n", 1)[0] + "\n",
    )  # fmt: skip
    assert with_checkpoint.returncode == 1
    assert with_checkpoint.stdout.startswith("NOT INTACT at position 103: missing: the log ends at 102")

    engine = sa.create_engine(url)
    with unguarded(engine) as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE position = 50")
    engine.dispose()
    tampered = pacts("verify", url=url, key=key)
    refused = pacts("rebuild", url=url, key=key)

    assert tampered.returncode == 1
    assert tampered.stdout.startswith(
        "NOT INTACT at position 50: missing: the log goes from position 49 to 51"
    )
    assert refused.returncode == 1 and "refused: the log is not intact at position 50" in refused.stderr


def test_verify_refuses_a_key_it_cannot_read(tmp_path):
    url = f"sqlite:///{tmp_path}/pacts.db"
    (tmp_path / "key.pem").write_text("not a key")
    assert pacts("migrate", url=url).returncode == 0

    result = pacts("verify", "--public-key", str(tmp_path / "key.pem"), url=url)

    assert result.returncode == 2 and "not an Ed25519 public key" in result.stderr


def test_incremental_verification_starts_from_a_known_position(ledger):
    ledger.bus.handle(
        c.RegisterUnit(
            id="tha", name="Sở Công Thương Thanh Hóa", province="Thanh Hóa", registered_on=date(2015, 1, 1)
        )
    )
    first = ledger.bus.handle(
        c.RenameUnit(
            unit_id="tha",
            name="Sở Công Thương tỉnh Thanh Hóa",
            province="Thanh Hóa",
            effective_on=date(2016, 1, 1),
        )
    )
    ledger.bus.handle(
        c.RenameUnit(
            unit_id="tha",
            name="Sở Công Thương Thanh Hóa mới",
            province="Thanh Hóa",
            effective_on=date(2017, 1, 1),
        )
    )

    with ledger.engine.connect() as conn:
        (event,) = [e for e in ledger.store.read_stream(conn, "unit:tha") if e.position == first.position]
        report = verify_database(conn, after=first.position, prev_hash=event.hash)

    assert report.intact and (report.first, report.last, report.events) == (3, 3, 1)


def test_a_ledger_with_a_key_signs_checkpoints_every_n_events(store_url, tmp_path):
    from app.audit.signing import generate

    generate(tmp_path / "key.pem")
    ledger = make_ledger(store_url, signing_key_path=str(tmp_path / "key.pem"), checkpoint_every_events=30)
    try:
        load_demo(ledger)  # one transaction: its 102 events get one checkpoint
        for year in range(2016, 2016 + 35):
            ledger.bus.handle(
                c.RenameUnit(
                    unit_id="ha-tinh",
                    name=f"Sở Công Thương Hà Tĩnh {year}",
                    province="Hà Tĩnh",
                    effective_on=date(year, 1, 1),
                )
            )
        with ledger.engine.connect() as conn:
            positions = [
                row[0] for row in conn.exec_driver_sql("SELECT position FROM checkpoints ORDER BY position")
            ]
            report = verify_database(conn, ledger.checkpointer.signer.public)
    finally:
        ledger.close()

    assert positions == [102, 132]
    assert report.intact and report.checkpoints == report.signatures == 2
