"""The tamper suite: what someone with the database's owner rights can do to the log, on both
stores, and how verification names the first bad position: live, from an export, and with
a checkpoint the auditor kept. A rebuild over a broken chain refuses and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit import export, split
from app.audit.signing import Checkpoint, generate
from app.audit.verify import LogNotIntact, Report, verify_database, verify_export
from app.demo import load_demo
from app.domain import commands as c
from app.events import chain, records
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger
from tests.integration.tamper import rechain, unguarded
from tests.integration.test_rebuild import snapshot


@dataclass
class Log:
    ledger: object
    held: Checkpoint  # the checkpoint the auditor fetched and kept, at the head (132)

    @property
    def engine(self) -> sa.Engine:
        return self.ledger.engine


@pytest.fixture
def log(store_url, tmp_path):
    """The demo (102 events, one transaction) and 30 renames: 132 events, checkpoints signed
    every 20 events (102, 122) and one on demand at the head, which the auditor keeps."""
    generate(tmp_path / "key.pem")
    ledger = make_ledger(store_url, signing_key_path=str(tmp_path / "key.pem"), checkpoint_every_events=20)
    load_demo(ledger)
    for year in range(2026, 2056):
        ledger.bus.handle(
            c.RenameUnit(
                unit_id="ha-tinh",
                name=f"Sở Công Thương Hà Tĩnh {year}",
                province="Hà Tĩnh",
                effective_on=date(year, 1, 1),
            )
        )
    held = ledger.checkpointer.checkpoint(force=True)
    assert held is not None and held.position == 132
    yield Log(ledger, held)
    ledger.close()


def verify_live(log: Log, held: bool = True) -> Report:
    with log.engine.connect() as conn:
        return verify_database(conn, log.ledger.checkpointer.signer.public, [log.held] if held else [])


def verify_split(log: Log) -> Report:
    """In two halves at once, the second by another process (app.audit.split), as `pacts verify` does."""
    with log.engine.connect() as conn:
        return verify_database(conn, log.ledger.checkpointer.signer.public, [log.held], split=True)


def verify_exported(log: Log, held: bool = True) -> Report:
    with log.engine.connect() as conn:
        lines = b"".join(export.ndjson(conn)).splitlines()
    return verify_export(lines, log.ledger.checkpointer.signer.public, [log.held] if held else [])


def row(conn, position: int) -> records.Record:
    (found,) = records.page(conn, [("position = ?", position)], 1)
    return found


def set_json(conn, position: int, column: str, change: Callable[[dict], None]) -> None:
    value = json.loads(getattr(row(conn, position), column))
    change(value)
    conn.execute(
        sa.text(f"UPDATE events SET {column} = :v WHERE position = :p"),
        {"v": json.dumps(value), "p": position},
    )


def first_result(conn) -> int:
    return conn.execute(
        sa.text("SELECT min(position) FROM events WHERE type = 'ResultRecorded'")
    ).scalar_one()


# --- the tampering: each changes the log as an attacker would, and says where it shows ---------


def change_a_value(conn) -> tuple[int, str]:
    position = first_result(conn)
    set_json(conn, position, "data", lambda d: d.update(value=d["value"] + 1))
    return position, "hash mismatch"


def change_the_actor(conn) -> tuple[int, str]:
    set_json(conn, 60, "metadata", lambda m: m.update(actor="someone-else"))
    return 60, "hash mismatch"


def change_recorded_at(conn) -> tuple[int, str]:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "UPDATE events SET recorded_at = recorded_at - interval '1 day' WHERE position = 109"
        )
    else:
        conn.exec_driver_sql(
            "UPDATE events SET recorded_at = '2020-01-01 00:00:00.000000' WHERE position = 109"
        )
    return 109, "hash mismatch"


def delete_a_row(conn) -> tuple[int, str]:
    conn.exec_driver_sql("DELETE FROM events WHERE position = 77")
    return 77, "missing: the log goes from position 76 to 78"


def swap_two_rows(conn) -> tuple[int, str]:
    for old, new in ((40, -1), (70, 40), (-1, 70)):
        conn.execute(
            sa.text("UPDATE events SET position = :new WHERE position = :old"), {"old": old, "new": new}
        )
    return 40, "prev_hash is not the hash of the event before it"


def _shift_from(conn, position: int) -> None:
    """Make room at ``position``: every later event moves up one (through negatives: unique keys)."""
    conn.execute(sa.text("UPDATE events SET position = -position - 1 WHERE position >= :p"), {"p": position})
    conn.exec_driver_sql("UPDATE events SET position = -position WHERE position < 0")
    conn.exec_driver_sql("UPDATE event_log_head SET last_position = last_position + 1")


def _forge(conn, position: int, careful: bool) -> None:
    """Insert, at ``position``, the registration of a unit nobody registered, chained to the
    event before it; ``careful``: with its own hash computed right, else a made-up one."""
    before = row(conn, position - 1)
    forged = records.Record(
        position=position,
        event_id="019b0000-0000-7000-8000-000000000001",
        stream_id="unit:gia-mao",
        stream_type="unit",
        version=1,
        type="UnitRegistered",
        schema_version=1,
        data=json.dumps(
            {"id": "gia-mao", "name": "Sở Công Thương giả mạo", "province": "?", "registered_on": None}
        ),
        metadata=before.metadata.decode(),
        occurred_on=None,
        recorded_at=before.recorded_at,
        prev_hash=before.hash,
        hash="f" * 64,
    )
    if careful:
        fields = {
            **forged._asdict(),
            "data": json.loads(forged.data),
            "metadata": json.loads(forged.metadata),
        }
        forged = forged._replace(hash=chain.link(chain.row_text(fields), before.hash))
    values = forged._asdict()
    # Each store's own column formats (app.events.store writes them so).
    if conn.dialect.name == "postgresql":
        values["recorded_at"] = forged.recorded_at.replace("Z", "+00:00")
    else:
        values["event_id"] = forged.event_id.replace("-", "")
        values["recorded_at"] = forged.recorded_at.rstrip("Z").replace("T", " ")
    columns = ", ".join(values)
    conn.execute(
        sa.text(f"INSERT INTO events ({columns}) VALUES ({', '.join(':' + k for k in values)})"), values
    )


def insert_a_forged_row(conn) -> tuple[int, str]:
    _shift_from(conn, 110)
    _forge(conn, 110, careful=False)
    return 110, "hash mismatch"


def insert_a_carefully_forged_row(conn) -> tuple[int, str]:
    """Its own hash is right: the chain breaks at the event after it, which no longer follows."""
    _shift_from(conn, 110)
    _forge(conn, 110, careful=True)
    return 111, "prev_hash is not the hash of the event before it"


BREAKS_THE_CHAIN = [
    change_a_value,
    change_the_actor,
    change_recorded_at,
    delete_a_row,
    swap_two_rows,
    insert_a_forged_row,
    insert_a_carefully_forged_row,
]


@pytest.mark.parametrize("tamper", BREAKS_THE_CHAIN, ids=lambda t: t.__name__)
def test_tampering_that_breaks_the_chain_is_named_at_its_position(log, tamper, monkeypatch):
    monkeypatch.setattr(split, "SPLIT_FROM", 10)  # split this short log too: halves at 61
    with unguarded(log.engine) as conn:
        position, reason = tamper(conn)

    for report in (verify_live(log), verify_exported(log), verify_live(log, held=False), verify_split(log)):
        assert not report.intact
        assert report.problem.position == position and reason in report.problem.reason, report.summary()
        assert report.last == position - 1 and report.summary().startswith(
            f"NOT INTACT at position {position}:"
        )


@pytest.mark.parametrize("tamper", BREAKS_THE_CHAIN, ids=lambda t: t.__name__)
def test_a_rebuild_after_tampering_refuses_and_changes_nothing(log, tamper):
    with unguarded(log.engine) as conn:
        position, _ = tamper(conn)
    before = snapshot(log.engine)

    with pytest.raises(LogNotIntact) as refused:
        rebuild(log.engine, log.ledger.store, workers=0)

    assert refused.value.problem.position == position
    assert snapshot(log.engine) == before


def test_an_intact_log_verifies_alike_whole_and_in_halves(log, monkeypatch):
    monkeypatch.setattr(split, "SPLIT_FROM", 10)

    whole, halves = verify_live(log), verify_split(log)

    assert whole.intact and halves.intact, halves.summary()
    assert halves.summary().replace(f"{halves.seconds}", "") == whole.summary()
    assert (halves.events, halves.streams, halves.checkpoints, halves.signatures) == (132, 41, 4, 4)


def test_a_stream_whose_versions_jump_at_the_seam_is_named(log, monkeypatch):
    monkeypatch.setattr(split, "SPLIT_FROM", 10)
    with unguarded(log.engine) as conn:  # the first event after the middle (61) of a stream seen before it
        position = conn.execute(
            sa.text("SELECT min(position) FROM events WHERE position > 61 AND version > 1")
        ).scalar()
        jump = sa.text("UPDATE events SET version = version + 1000 WHERE position = :p")
        conn.execute(jump, {"p": position})
        rechain(conn)

    assert verify_live(log, held=False).problem.position == position
    report = verify_split(log)
    assert report.problem is not None and report.problem.position == position, report.summary()
    assert "goes from version" in report.problem.reason


def test_a_consistent_rewrite_is_caught_only_by_a_checkpoint(log):
    """Change a value, recompute every later hash, delete the checkpoints it contradicts: the
    database alone now looks intact; the checkpoint the auditor kept does not match."""
    with unguarded(log.engine) as conn:
        position, _ = change_a_value(conn)
        rechain(conn, after=position - 1)
        conn.exec_driver_sql("DELETE FROM checkpoints")

    assert verify_live(log, held=False).intact and verify_exported(log, held=False).intact
    for report in (verify_live(log), verify_exported(log)):
        assert not report.intact and report.problem.position == 132, report.summary()
        assert "hash differs from the checkpoint signed at" in report.problem.reason
        assert "rewritten" in report.problem.reason


def test_a_consistent_rewrite_is_caught_by_the_checkpoints_in_the_database_if_left_there(log):
    with unguarded(log.engine) as conn:
        position, _ = change_a_value(conn)
        rechain(conn, after=position - 1)

    report = verify_live(log, held=False)

    assert not report.intact and report.problem.position == 102  # the first checkpoint after the change


def test_a_cut_tail_is_caught_against_a_checkpoint(log):
    with unguarded(log.engine) as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE position > 119")
        conn.exec_driver_sql("UPDATE event_log_head SET last_position = 119")
        conn.exec_driver_sql("DELETE FROM checkpoints WHERE position > 119")

    assert verify_live(log, held=False).intact and verify_exported(log, held=False).intact
    for report in (verify_live(log), verify_exported(log)):
        assert not report.intact and report.problem.position == 120, report.summary()
        assert "the log ends at 119 but the checkpoint signed at" in report.problem.reason
        assert "covers up to 132" in report.problem.reason


def test_a_cut_tail_that_left_the_log_head_is_caught_by_it(log):
    with unguarded(log.engine) as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE position > 129")

    report = verify_live(log, held=False)

    assert not report.intact and report.problem.position == 130
    assert "the log's head is at 132 but its events end at 129" in report.problem.reason


def test_a_forged_checkpoint_signature_is_refused(log):
    forged = Checkpoint.from_dict({**log.held.as_dict(), "signature": "00" * 64})
    log.held = forged

    report = verify_live(log)

    assert (
        not report.intact and report.problem.position == 132 and "invalid signature" in report.problem.reason
    )


def _normalized(lines: list[str]) -> list[dict]:
    """An export's lines without what differs between two runs of the same commands."""
    out = []
    for line in lines:
        event = json.loads(line)
        for varying in ("event_id", "recorded_at", "prev_hash", "hash"):
            event.pop(varying)
        event["metadata"].pop("correlation_id", None)
        out.append(event)
    return out


@pytest.mark.postgres
def test_exports_of_the_same_commands_from_both_stores_verify_alike(sqlite_url, pg_url):
    results = []
    for url in (sqlite_url, pg_url):
        ledger = make_ledger(url)
        try:
            load_demo(ledger)
            ledger.bus.handle(
                c.RenameUnit(
                    unit_id="ha-tinh",
                    name="Sở Công Thương tỉnh Hà Tĩnh",
                    province="Hà Tĩnh",
                    effective_on=date(2026, 1, 1),
                )
            )
            with ledger.engine.connect() as conn:
                lines = b"".join(export.ndjson(conn)).decode().splitlines()
        finally:
            ledger.close()
        results.append((lines, verify_export(lines)))
    (sqlite_lines, sqlite_report), (pg_lines, pg_report) = results

    assert sqlite_report.intact and pg_report.intact
    assert _normalized(sqlite_lines) == _normalized(pg_lines)
    for report in (sqlite_report, pg_report):
        assert (report.first, report.last, report.events, report.streams) == (1, 103, 103, 41)
    assert sqlite_report.summary().replace(sqlite_report.last_hash, "H") == pg_report.summary().replace(
        pg_report.last_hash, "H"
    )
