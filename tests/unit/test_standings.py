"""Standings: ranked by the most advanced stage, or not_scoreable with the reason."""

from __future__ import annotations

from decimal import Decimal

from app.domain import events as e
from app.domain.standings import flat_standings, sheet_standings
from tests.unit.builders import (
    HA_TINH,
    NGHE_AN,
    NORTH_CENTRAL,
    THANH_HOA,
    a_pact,
    result_recorded,
    target_set,
)
from tests.unit.sheets import ON, a_scored_pact, a_sheet, assessments, self_assessed, the_example_entries

PACT = a_scored_pact()
SHEET = a_sheet()


def test_a_pact_with_no_targets_is_not_scoreable_instead_of_all_tied_first():
    standings = flat_standings(a_pact())

    assert standings.standings == ()
    assert standings.not_scoreable == "pact giao-uoc-2022 has no targets and no score sheet"


def test_a_pact_with_targets_but_no_result_is_not_scoreable():
    assert flat_standings(a_pact(target_set())).not_scoreable == "pact giao-uoc-2022 has no results yet"


def test_a_flat_pact_with_a_result_ranks_as_before_without_a_stage():
    standings = flat_standings(a_pact(target_set(), result_recorded(HA_TINH, "KH", 90.0)))

    assert standings.not_scoreable is None
    first, *rest = standings.standings
    assert (first.rank, first.unit_id, first.score, first.stage) == (1, HA_TINH, Decimal("90.0"), None)
    assert [r.rank for r in rest] == [2] * 5 and all(r.missing == ("KH",) for r in rest)


def test_a_sheet_pact_with_no_assessment_is_not_scoreable():
    standings = sheet_standings(PACT, SHEET, assessments())

    assert standings.standings == ()
    assert "has been assessed" in (standings.not_scoreable or "")
    assert standings.not_assessed == NORTH_CENTRAL


def test_each_unit_ranks_by_its_most_advanced_stage_and_says_which():
    final = e.FinalScoreRecorded(
        unit_id=NGHE_AN, entries=the_example_entries(on_time=10), reason="Hội đồng thống nhất", recorded_on=ON
    )
    cross = e.CrossGraded(
        unit_id=HA_TINH, grader_id=NGHE_AN, entries=the_example_entries(on_time=8), submitted_on=ON
    )
    given = assessments(
        self_assessed(HA_TINH),
        e.CrossGraderAssigned(unit_id=HA_TINH, grader_id=NGHE_AN, assigned_on=ON),
        cross,
        self_assessed(NGHE_AN),
        final,
        self_assessed(THANH_HOA, the_example_entries(iip=6.0)),
    )

    standings = sheet_standings(PACT, SHEET, given)

    assert [(r.rank, r.unit_id, str(r.score), r.stage) for r in standings.standings] == [
        (1, NGHE_AN, "80.00", "final"),  # 30 + 27 + 20 + 5 - 2
        (2, HA_TINH, "76.00", "cross"),  # the cross-grade's 16 points of reports, not its own 18
        (3, THANH_HOA, "70.50", "self"),  # 30 x 6 / 8 = 22.5 for IIP
    ]
    assert standings.not_assessed == ("quang-binh", "quang-tri", "thua-thien-hue")
    assert standings.not_scoreable is None
    assert {code: str(p) for code, p in standings.standings[1].points.items()} == {
        "I.1": "30.00",
        "I.2": "27.00",
        "II.1": "16.0",
        "III.1": "5.0",
        "IV.1": "-2.0",
    }


def test_equal_totals_share_a_rank():
    given = assessments(
        self_assessed(HA_TINH),
        self_assessed(NGHE_AN),
        self_assessed(THANH_HOA, the_example_entries(on_time=10)),
    )

    assert [(r.rank, r.unit_id) for r in sheet_standings(PACT, SHEET, given).standings] == [
        (1, THANH_HOA),
        (2, HA_TINH),
        (2, NGHE_AN),
    ]
