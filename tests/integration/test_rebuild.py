"""Replaying the log rebuilds exactly the read models the projector kept command by command.

A seeded random life of the ledger (tests/integration/scenario.py) runs through
the message bus, refused commands included; then the read models are compared
row by row with a rebuild from the log, on both stores.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.domain import commands as c
from app.events.schema import projection_checkpoints
from app.projections import tables as t
from app.projections.projector import CHECKPOINT
from app.projections.rebuild import rebuild
from app.services.handlers import HANDLERS
from tests.conftest import make_ledger
from tests.integration.scenario import Scenario

STEPS = 300  # the scenario also issues keys and withdraws results: enough steps for every read model
INVALID_EVERY = 6


def snapshot(engine) -> dict[str, list[dict]]:
    """Every read-model row, in a stable order; JSON columns come back parsed."""
    with engine.connect() as conn:
        return {
            table.name: sorted(
                (dict(row) for row in conn.execute(sa.select(table)).mappings()),
                key=lambda row: json.dumps(row, sort_keys=True, default=str),
            )
            for table in t.ALL
        }


def log_end(ledger) -> tuple[int, int | None]:
    """Where the log ends, and the position of the last rebuild (None before any).

    Commands update the read models in the append's transaction, so they are
    always at the log end; the checkpoint row is written by rebuilds.
    """
    with ledger.engine.connect() as conn:
        checkpoint = conn.execute(
            sa.select(projection_checkpoints.c.position).where(projection_checkpoints.c.name == CHECKPOINT)
        ).scalar_one_or_none()
        return ledger.store.last_position(conn), checkpoint


def live(ledger, seed: int, steps: int = STEPS) -> Scenario:
    """Run the scenario; every refused command must raise its error and leave no trace."""
    scenario = Scenario(ledger.bus, seed)
    refused: dict[str, int] = {}
    for step in range(steps):
        if step < 40 or step % INVALID_EVERY:
            scenario.step()
            continue
        command, error = scenario.invalid()
        before = (log_end(ledger), snapshot(ledger.engine))
        with pytest.raises(error):
            ledger.bus.handle(command)
        assert (log_end(ledger), snapshot(ledger.engine)) == before, command
        refused[type(command).__name__] = refused.get(type(command).__name__, 0) + 1
    scenario.refused = refused
    return scenario


def assert_rich(rows: dict[str, list[dict]]) -> None:
    """The scenario must exercise every read model, or the comparison proves little."""
    at_least = {
        "rm_units": 12,
        "rm_clusters": 2,
        "rm_cluster_members": 20,
        "rm_leadership": 5,
        "rm_host_handovers": 5,
        "rm_pacts": 5,
        "rm_pact_signatures": 10,
        "rm_pact_targets": 15,
        "rm_pact_results": 20,
        "rm_pact_awards": 5,
        "rm_pact_scores": 15,
        "rm_api_keys": 3,
        "rm_unit_names": 14,
        "rm_cluster_repartitions": 1,
        "rm_search": 20,
        "rm_score_sheets": 3,
        "rm_pact_score_sheets": 3,
        "rm_assessments": 5,
    }
    short = {name: len(rows[name]) for name, n in at_least.items() if len(rows[name]) < n}
    assert short == {}
    statuses = {p["status"] for p in rows["rm_pacts"]}
    assert "closed" in statuses and len(statuses) >= 2, statuses
    assert any(u["merged_into"] for u in rows["rm_units"])
    assert any(m["left_on"] for m in rows["rm_cluster_members"])
    assert {r["kind"] for r in rows["rm_pact_targets"]} == {"quantitative", "qualitative"}
    assert any(r["applies_to"] for r in rows["rm_pact_targets"])
    assert any(s["score"] > 0 for s in rows["rm_pact_scores"])
    assert any(k["revoked_on"] for k in rows["rm_api_keys"])
    assert any(r["decided_on"] for r in rows["rm_cluster_repartitions"])
    assert {r["kind"] for r in rows["rm_search"]} == {"unit", "cluster", "pact", "award"}
    assert {stage for a in rows["rm_assessments"] for stage in a["stages"]} >= {"self", "final"}


def test_the_scenario_exercises_every_command_and_refusal(sqlite_ledger):
    scenario = live(sqlite_ledger, seed=7)
    assert set(scenario.counts) == {cls.__name__ for cls in HANDLERS}
    assert len(scenario.refused) >= 6
    position, checkpoint = log_end(sqlite_ledger)
    assert checkpoint is None
    assert position >= sum(scenario.counts.values()) > STEPS * 0.7


@pytest.mark.parametrize("seed", [1, 2])
def test_rebuild_equals_the_read_model_built_command_by_command(ledger, seed):
    live(ledger, seed)
    incremental = snapshot(ledger.engine)
    assert_rich(incremental)
    position, _ = log_end(ledger)

    report = rebuild(ledger.engine, ledger.store)

    assert snapshot(ledger.engine) == incremental
    assert (report.position, report.events) == (position, position)
    assert log_end(ledger) == (position, position)


def test_rebuild_restores_a_wiped_read_model(ledger):
    live(ledger, seed=3, steps=150)
    expected = snapshot(ledger.engine)
    with ledger.engine.begin() as conn:
        for table in t.ALL:
            conn.execute(table.delete())
        conn.execute(projection_checkpoints.delete())
    assert all(rows == [] for rows in snapshot(ledger.engine).values())

    rebuild(ledger.engine, ledger.store)

    assert snapshot(ledger.engine) == expected
    assert log_end(ledger)[1] == log_end(ledger)[0]


def test_commands_after_a_rebuild_keep_the_read_model_in_step(ledger):
    scenario = live(ledger, seed=4, steps=120)
    rebuild(ledger.engine, ledger.store)
    for _ in range(60):
        scenario.step()
    incremental = snapshot(ledger.engine)
    rebuild(ledger.engine, ledger.store)
    assert snapshot(ledger.engine) == incremental


def test_a_batch_of_commands_projects_like_its_replay(ledger):
    """handle_many: one transaction, several commands on the same streams, a merger among them."""
    live(ledger, seed=6, steps=60)
    formed, merged = date(2024, 1, 10), date(2024, 6, 1)
    ledger.bus.handle_many(
        [
            *(
                c.RegisterUnit(id=u, name=f"Sở {u}", province="Quảng Trị", registered_on=formed)
                for u in ("bx", "by", "bz")
            ),
            c.FormCluster(
                id="kb", name="Cụm B", region="Bắc Trung Bộ", members=("bx", "by"), formed_on=formed
            ),
            c.ProposePact(
                id="pb",
                cluster_id="kb",
                title="GƯ",
                theme="th",
                year=2024,
                period_start=None,
                period_end=None,
                content_items=(),
                proposed_on=formed,
            ),
            c.SetTarget(
                pact_id="pb",
                code="T1",
                title="Thu ngân sách",
                kind="quantitative",
                measure="%",
                direction="at_least",
                value=100,
                weight=10,
            ),
            c.RecordResult(
                pact_id="pb", unit_id="bx", target_code="T1", value=80, reported_on=formed, source="quý 1"
            ),
            c.MergeUnit(unit_id="bx", into="bz", effective_on=merged, legal_basis="NQ 1211/2016"),
            c.RecordResult(
                pact_id="pb", unit_id="bx", target_code="T1", value=120, reported_on=merged, source="cả năm"
            ),
        ]
    )
    incremental = snapshot(ledger.engine)
    seats = [
        (m["unit_id"], m["left_on"]) for m in incremental["rm_cluster_members"] if m["cluster_id"] == "kb"
    ]
    # The successor is not seated silently: the cluster waits for a decision.
    assert sorted(seats) == [("bx", merged), ("by", None)]
    pending = [
        (r["unit_id"], r["successor"], r["decided_on"])
        for r in incremental["rm_cluster_repartitions"]
        if r["cluster_id"] == "kb"
    ]
    assert pending == [("bx", "bz", None)]
    scores = {(s["pact_id"], s["unit_id"]): s["score"] for s in incremental["rm_pact_scores"]}
    assert (scores["pb", "bx"], scores["pb", "by"]) == (100.0, 0.0)

    rebuild(ledger.engine, ledger.store)

    assert snapshot(ledger.engine) == incremental


def test_several_awards_in_one_batch_are_numbered_after_the_earlier_ones(ledger):
    day = date(2031, 1, 10)
    ledger.bus.handle_many(
        [
            *(
                c.RegisterUnit(id=u, name=f"Sở {u}", province="Hà Tĩnh", registered_on=day)
                for u in ("ax", "ay")
            ),
            c.FormCluster(id="ka", name="Cụm A", region="Bắc Trung Bộ", members=("ax", "ay"), formed_on=day),
            c.ProposePact(
                id="pa",
                cluster_id="ka",
                title="GƯ",
                theme="th",
                year=2031,
                period_start=None,
                period_end=None,
                content_items=(),
                proposed_on=day,
            ),
            c.GrantAward(
                pact_id="pa",
                recipient_unit="ax",
                title="Cờ thi đua",
                conferred_by="Bộ Công Thương",
                granted_on=day,
            ),
        ]
    )
    ledger.bus.handle_many(
        [
            c.GrantAward(
                pact_id="pa",
                recipient_unit="ay",
                title="Bằng khen",
                conferred_by="Bộ trưởng",
                granted_on=day,
                recipient_person="Nguyễn Văn A",
            ),
            c.GrantAward(
                pact_id="pa", recipient_unit="ax", title="Bằng khen", conferred_by="Bộ trưởng", granted_on=day
            ),
        ]
    )
    incremental = snapshot(ledger.engine)
    awards = [(a["seq"], a["recipient_unit"], a["title"]) for a in incremental["rm_pact_awards"]]
    assert sorted(awards) == [(1, "ax", "Cờ thi đua"), (2, "ay", "Bằng khen"), (3, "ax", "Bằng khen")]

    rebuild(ledger.engine, ledger.store)

    assert snapshot(ledger.engine) == incremental


def test_both_stores_build_the_same_read_model_from_the_same_commands(sqlite_url, pg_url):
    snapshots = []
    for url in (sqlite_url, pg_url):
        ledger = make_ledger(url)
        try:
            live(ledger, seed=5, steps=150)
            snapshots.append(snapshot(ledger.engine))
        finally:
            ledger.close()
    assert snapshots[0] == snapshots[1]
