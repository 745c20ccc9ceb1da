"""An import on both stores: checked first, then written in one transaction, or not at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from app.domain import commands as c
from app.domain import errors
from app.domain.pact import PACT
from app.projections import tables as t
from app.services import imports
from app.services.bus import Meta

UNITS = ("thanh-hoa", "nghe-an", "ha-tinh")
TARGETS = ("KH", "XK")


@pytest.fixture
def pact(ledger):
    ledger.bus.handle_many(
        [
            *(c.RegisterUnit(id=u, name=f"Sở Công Thương {u}", province=u) for u in UNITS),
            c.FormCluster(
                id="btb", name="Cụm Bắc Trung Bộ", region="BTB", members=UNITS, formed_on=date(2022, 1, 1)
            ),
            c.ProposePact(
                id="btb-2022",
                cluster_id="btb",
                title="Giao ước thi đua năm 2022",
                theme="",
                year=2022,
                period_start=None,
                period_end=None,
                content_items=(),
                proposed_on=date(2022, 5, 13),
            ),
            *(
                c.SetTarget(
                    pact_id="btb-2022",
                    code=code,
                    title=code,
                    kind="quantitative",
                    measure="%",
                    direction="at_least",
                    value=100.0,
                    weight=10.0,
                )
                for code in TARGETS
            ),
        ]
    )
    return "btb-2022"


def rows(pact_id: str) -> list[tuple[int, c.RecordResult]]:
    return [
        (
            n,
            c.RecordResult(
                pact_id=pact_id,
                unit_id=u,
                target_code=code,
                value=90.0 + n,
                reported_on=date(2022, 12, 31),
                source="Báo cáo tổng kết",
            ),
        )
        for n, (u, code) in enumerate(((u, code) for u in UNITS for code in TARGETS), 1)
    ]


def written(ledger) -> tuple[int, int]:
    with ledger.engine.connect() as conn:
        results = conn.execute(sa.select(sa.func.count()).select_from(t.pact_results)).scalar_one()
        return ledger.store.last_position(conn), results


def record(ledger):
    """What the API passes as ``record``: the bus's handle_many (looked up when called)."""
    return lambda commands: ledger.bus.handle_many(commands, Meta())


def test_every_row_is_recorded_in_one_commit(ledger, pact):
    position, _ = written(ledger)

    acks = imports.import_results(record(ledger), ledger.unit_of_work, pact, rows(pact), total=6)

    assert [(a.id, a.version, a.position) for a in acks][-1] == (pact, 3 + 6, position + 6) and len(acks) == 6
    assert written(ledger) == (position + 6, 6)
    with ledger.engine.connect() as conn:
        stored = ledger.store.read_stream(conn, PACT.stream_id(pact))
    assert len({s.recorded_at for s in stored if s.type == "ResultRecorded"}) == 1


def test_a_change_landing_just_before_the_import_refuses_it_as_a_whole(ledger, pact, monkeypatch):
    """Another writer closes the pact just before the import's transaction takes the
    lock: one problem (pact-closed), and not one row written."""
    handle_many = ledger.bus.handle_many

    def closed_first(commands, meta):
        ledger.bus.handle(c.ClosePact(pact_id=pact, closed_on=date(2023, 1, 5)))
        return handle_many(commands, meta)

    monkeypatch.setattr(ledger.bus, "handle_many", closed_first)
    position, _ = written(ledger)

    with pytest.raises(errors.PactIsClosed):
        imports.import_results(record(ledger), ledger.unit_of_work, pact, rows(pact), total=6)

    assert written(ledger) == (position + 1, 0)  # the close, and nothing of the import


def test_a_refused_row_makes_every_bad_row_named(ledger, pact):
    position = written(ledger)
    good = rows(pact)
    bad = [
        (2, replace(good[1][1], target_code="GDP")),
        (5, replace(good[4][1], reported_on=date(2099, 1, 1))),
    ]

    with pytest.raises(errors.InvalidRows) as refused:
        imports.import_results(
            record(ledger),
            ledger.unit_of_work,
            pact,
            [good[0], bad[0], *good[2:4], bad[1], good[5]],
            total=6,
        )

    assert [(r.row, r.field) for r in refused.value.rows] == [(2, "target_code"), (5, "reported_on")]
    assert written(ledger) == position


def test_rows_already_found_bad_are_answered_with_the_rules_failures(ledger, pact):
    position = written(ledger)
    late = c.RecordResult(
        pact_id=pact,
        unit_id="ha-tinh",
        target_code="GDP",
        value=1.0,
        reported_on=date(2022, 12, 31),
        source="x",
    )
    unreadable = [errors.RowError(2, "value", "not a number")]

    with pytest.raises(errors.InvalidRows) as refused:
        imports.dry_run(ledger.unit_of_work, pact, [(1, late)], total=2, bad=unreadable)

    assert [(r.row, r.field) for r in refused.value.rows] == [(1, "target_code"), (2, "value")]
    assert refused.value.detail == "2 of 2 rows are invalid; nothing was recorded"
    assert written(ledger) == position
