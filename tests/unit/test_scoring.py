"""Scores and ranks (bảng chấm điểm). Every expected value is worked out by hand."""

from __future__ import annotations

import pytest

from app.domain import scoring
from tests.unit.builders import (
    HA_TINH,
    HUE,
    NGHE_AN,
    NORTH_CENTRAL,
    QUANG_BINH,
    QUANG_TRI,
    THANH_HOA,
    a_pact,
    pact_proposed,
    result_recorded,
    target_set,
)


def score_of(actual, cap=1.0, **target):
    """Ha Tinh's score on a pact holding one target and one result."""
    proposed = pact_proposed(attainment_cap=cap)
    state = a_pact(target_set("T", **target), result_recorded(HA_TINH, "T", actual), proposed=proposed)
    return scoring.unit_score(state, HA_TINH).score


# --- one quantitative target -----------------------------------------------------


@pytest.mark.parametrize(
    "actual, expected",
    [
        (90.0, 90.0),  # 90 / 100 = 0.9; 10 x 0.9 = 9 points; 100 x 9 / 10 = 90
        (100.0, 100.0),  # exactly on plan
        (120.0, 100.0),  # 1.2 capped at the default 1.0
        (0.0, 0.0),
        (-11.64, 0.0),  # -0.1164 floored at 0
    ],
)
def test_at_least_target_with_the_default_cap(actual, expected):
    assert score_of(actual, value=100.0, weight=10.0) == expected


@pytest.mark.parametrize(
    "actual, expected",
    [
        (120.0, 120.0),  # 1.2 <= 1.5: 10 x 1.2 = 12 points; 100 x 12 / 10 = 120
        (150.0, 150.0),
        (180.0, 150.0),  # 1.8 capped at 1.5
    ],
)
def test_at_least_target_with_a_cap_of_1_5(actual, expected):
    assert score_of(actual, cap=1.5, value=100.0, weight=10.0) == expected


@pytest.mark.parametrize(
    "actual, cap, expected",
    [
        (10.0, 1.0, 50.0),  # 5 / 10 = 0.5
        (5.0, 1.0, 100.0),  # on target
        (4.0, 1.0, 100.0),  # 5 / 4 = 1.25 capped at 1.0
        (4.0, 1.5, 125.0),  # 1.25 within 1.5
        (2.0, 1.5, 150.0),  # 5 / 2 = 2.5 capped at 1.5
        (0.0, 1.0, 100.0),  # an actual of 0 earns the cap
        (0.0, 1.5, 150.0),
        (-2.0, 1.5, 150.0),  # so does a negative actual
    ],
)
def test_at_most_target(actual, cap, expected):
    # e.g. at most 5 days to settle a business request
    assert score_of(actual, cap=cap, direction="at_most", value=5.0, weight=4.0) == expected


def test_an_at_most_target_of_zero_met_earns_the_cap_and_missed_earns_nothing():
    assert score_of(0.0, direction="at_most", value=0.0) == 100.0
    assert score_of(1.0, direction="at_most", value=0.0) == 0.0  # 0 / 1 = 0


def test_qualitative_points_are_the_result():
    # 3.5 of 5 points: 100 x 3.5 / 5 = 70
    assert score_of(3.5, kind="qualitative", value=None, weight=5.0) == 70.0


def test_qualitative_points_are_not_raised_by_the_cap():
    # the full 5 of 5 points is 100, even with a cap of 1.5
    assert score_of(5.0, cap=1.5, kind="qualitative", value=None, weight=5.0) == 100.0


# --- rounding half-up to 2 decimals ----------------------------------------------


@pytest.mark.parametrize(
    "points, weight, expected",
    [
        (1.2345, 10.0, 12.35),  # 100 x 1.2345 / 10 = 12.345 -> 12.35 (half-up, not to even)
        (24.69, 200.0, 12.35),  # 100 x 24.69 / 200 = 12.345 -> 12.35
        (0.0125, 1.0, 1.25),  # 1.25 exactly
        (1.2344, 10.0, 12.34),  # 12.344 -> 12.34
        (1.0, 3.0, 33.33),  # 33.333...
        (2.0, 3.0, 66.67),  # 66.666...
    ],
)
def test_the_score_is_rounded_half_up_to_2_decimals(points, weight, expected):
    assert score_of(points, kind="qualitative", value=None, weight=weight) == expected


def test_a_quantitative_score_ending_in_5_rounds_up():
    # at least 8 (%): actual 0.9876 -> 0.12345; weight 1 -> 0.12345 points;
    # 100 x 0.12345 / 1 = 12.345 -> 12.35
    assert score_of(0.9876, value=8.0, weight=1.0) == 12.35


# --- several targets -------------------------------------------------------------


def test_score_is_the_weighted_share_of_points():
    state = a_pact(
        target_set("KH", value=100.0, weight=3.0),
        target_set("HT", kind="qualitative", value=None, weight=2.0),
        target_set("TG", direction="at_most", value=10.0, weight=5.0),
        result_recorded(NGHE_AN, "KH", 90.0),  # 3 x 0.9 = 2.7
        result_recorded(NGHE_AN, "HT", 1.5),  # 1.5
        result_recorded(NGHE_AN, "TG", 20.0),  # 5 x 10 / 20 = 2.5
    )

    # 100 x (2.7 + 1.5 + 2.5) / (3 + 2 + 5) = 100 x 6.7 / 10 = 67
    assert scoring.unit_score(state, NGHE_AN) == scoring.UnitScore(
        NGHE_AN, 67.0, {"KH": pytest.approx(2.7), "HT": 1.5, "TG": 2.5}, ()
    )


def test_a_missing_result_counts_zero_and_is_listed():
    state = a_pact(
        target_set("KH", value=100.0, weight=6.0),
        target_set("HT", kind="qualitative", value=None, weight=2.0),
        target_set("XK", value=2.0, weight=2.0),
        result_recorded(HUE, "HT", 2.0),
    )

    result = scoring.unit_score(state, HUE)

    # 100 x (0 + 2 + 0) / (6 + 2 + 2) = 20
    assert result.score == 20.0
    assert result.missing == ("KH", "XK")
    assert result.points == {"KH": 0.0, "HT": 2.0, "XK": 0.0}


def test_only_targets_that_apply_to_the_unit_count():
    state = a_pact(
        target_set("KH", value=100.0, weight=5.0),
        target_set("XK", value=2.0, weight=5.0, applies_to=(HA_TINH,)),
        result_recorded(HA_TINH, "KH", 100.0),  # 5 points
        result_recorded(HA_TINH, "XK", 1.0),  # 5 x 1 / 2 = 2.5 points
        result_recorded(NGHE_AN, "KH", 80.0),  # 5 x 0.8 = 4 points
    )

    # Hà Tĩnh: 100 x (5 + 2.5) / 10 = 75; Nghệ An: 100 x 4 / 5 = 80 (XK not counted)
    assert scoring.unit_score(state, HA_TINH).score == 75.0
    assert scoring.unit_score(state, NGHE_AN).score == 80.0
    assert scoring.unit_score(state, NGHE_AN).missing == ()


def test_the_latest_result_is_the_one_scored():
    state = a_pact(
        target_set("KH", value=100.0, weight=10.0),
        result_recorded(HA_TINH, "KH", 40.0),
        result_recorded(HA_TINH, "KH", 95.0),
    )

    assert scoring.unit_score(state, HA_TINH).score == 95.0


def test_a_unit_without_targets_scores_zero():
    assert scoring.unit_score(a_pact(), HA_TINH) == scoring.UnitScore(HA_TINH, 0.0, {}, ())


# --- ranking ("1224") ------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    state = a_pact(
        target_set("KH", value=100.0, weight=10.0),
        result_recorded(THANH_HOA, "KH", 90.0),  # 90
        result_recorded(NGHE_AN, "KH", 95.0),  # 95
        result_recorded(HA_TINH, "KH", 90.0),  # 90
        result_recorded(QUANG_BINH, "KH", 80.0),  # 80
        result_recorded(QUANG_TRI, "KH", 100.0),  # 100
        # Thừa Thiên Huế reports nothing: 0
    )

    standings = scoring.rank(scoring.pact_scores(state))

    assert [(s.rank, s.unit_id, s.score) for s in standings] == [
        (1, QUANG_TRI, 100.0),
        (2, NGHE_AN, 95.0),
        (3, HA_TINH, 90.0),  # tie with Thanh Hóa, listed by unit id
        (3, THANH_HOA, 90.0),
        (5, QUANG_BINH, 80.0),
        (6, HUE, 0.0),
    ]
    assert standings[-1].missing == ("KH",)


def test_1224_ranking():
    scores = [
        scoring.UnitScore("d", 70.0, {}, ()),
        scoring.UnitScore("c", 85.5, {}, ()),
        scoring.UnitScore("a", 99.0, {}, ()),
        scoring.UnitScore("b", 85.5, {}, ()),
    ]

    standings = scoring.rank(scores)

    assert [(s.rank, s.unit_id) for s in standings] == [(1, "a"), (2, "b"), (2, "c"), (4, "d")]


def test_pact_scores_cover_every_party_in_order():
    assert [s.unit_id for s in scoring.pact_scores(a_pact())] == list(NORTH_CENTRAL)
