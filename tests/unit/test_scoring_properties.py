"""Properties of scores and ranks that hold for any targets and results."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import scoring
from tests.unit.builders import HA_TINH, a_pact, pact_proposed, result_recorded, target_set

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=0.01, max_value=100.0)


@st.composite
def target_and_result(draw, code: str):
    kind = draw(st.sampled_from(["quantitative", "qualitative"]))
    direction = draw(st.sampled_from(["at_least", "at_most"]))
    weight = draw(weights)
    if kind == "qualitative":
        target = target_set(code, kind=kind, direction=direction, value=None, weight=weight)
        actual = draw(st.floats(min_value=0.0, max_value=weight))
    else:
        low = 0.01 if direction == "at_least" else 0.0
        value = draw(st.floats(min_value=low, max_value=1e6))
        target = target_set(code, direction=direction, value=value, weight=weight)
        actual = draw(finite)
    reported = draw(st.booleans())
    return [target, result_recorded(HA_TINH, code, actual)] if reported else [target]


@st.composite
def pacts(draw):
    cap = draw(st.floats(min_value=1.0, max_value=2.0))
    count = draw(st.integers(min_value=1, max_value=6))
    events = [ev for i in range(count) for ev in draw(target_and_result(f"T{i}"))]
    return a_pact(*events, proposed=pact_proposed(attainment_cap=cap))


@given(pacts())
def test_score_lies_between_0_and_100_times_the_cap(state):
    score = scoring.unit_score(state, HA_TINH).score

    # Rounding half-up to 2 decimals may lift a score at the cap by up to 0.005.
    assert 0.0 <= score <= 100 * state.attainment_cap + 0.005


@given(pacts())
def test_every_applicable_target_without_a_result_is_listed_missing(state):
    result = scoring.unit_score(state, HA_TINH)

    unreported = tuple(sorted(code for code in state.targets if (HA_TINH, code) not in state.results))
    assert result.missing == unreported
    assert all(result.points[code] == 0.0 for code in unreported)


unit_scores = st.lists(
    st.builds(
        scoring.UnitScore,
        unit_id=st.text(alphabet="abcdefgh", min_size=1, max_size=3),
        score=st.sampled_from([0.0, 12.35, 50.0, 67.0, 99.99, 100.0, 150.0]),
        points=st.just({}),
        missing=st.just(()),
    ),
    unique_by=lambda s: s.unit_id,
    max_size=12,
)


@given(unit_scores)
def test_ranks_are_non_decreasing_and_follow_1224(scores):
    standings = scoring.rank(scores)

    assert sorted(s.unit_id for s in standings) == sorted(s.unit_id for s in scores)
    for position, (before, after) in enumerate(itertools.pairwise(standings), start=2):
        assert before.rank <= after.rank
        assert before.score >= after.score
        if before.score == after.score:
            assert after.rank == before.rank and before.unit_id < after.unit_id
        else:
            assert after.rank == position
    if standings:
        assert standings[0].rank == 1


def _decimal_score(points: list[float], weights: list[float]) -> float:
    """The rule itself, all in decimal: each float as the decimal it was written as."""
    from decimal import ROUND_HALF_UP, Decimal

    total = sum((Decimal(repr(p)) for p in points), Decimal(0))
    weight = sum((Decimal(repr(w)) for w in weights), Decimal(0))
    return float((100 * total / weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# Few decimal places make exact ties (x.xx5) common: the case floats get wrong.
short_decimals = st.decimals(min_value=0, max_value=1000, places=4).map(lambda d: float(str(d)))


round_weights = st.sampled_from([1.0, 2.0, 3.0, 5.0, 10.0, 0.3, 0.7]) | st.floats(
    min_value=0.01, max_value=100.0
)


@settings(max_examples=500)
@given(st.lists(st.tuples(short_decimals, round_weights), min_size=1, max_size=4))
def test_the_score_rounds_exactly_as_decimal_arithmetic_does(pairs):
    points, weights = [p for p, _ in pairs], [w for _, w in pairs]

    assert scoring._score(points, weights) == _decimal_score(points, weights)


def test_a_decimal_tie_rounds_up_where_floats_would_round_down():
    # 100 x 10.6025 / 10 is the tie 106.025 in decimal; in floats the sums land
    # just below it (10000 x 10.6025 / 10 = 10602.499999999998).
    assert 10000 * 10.6025 / 10 < 10602.5
    assert scoring._score([10.6025], [10.0]) == 106.03
    assert scoring._score([17.7431], [2.0]) == 887.16  # 887.155 exactly
    assert scoring._score([8.8827, 8.9203], [1.0, 3.0]) == 445.08  # 445.075 exactly


@st.composite
def exact_ties(draw):
    """(points, weights) whose decimal score is exactly some x.xx5: a tie by construction."""
    from decimal import Decimal

    score = Decimal(draw(st.integers(min_value=0, max_value=150_000)) * 10 + 5) / 1000
    weights = draw(st.lists(st.sampled_from([1, 2, 4, 5, 10, 20]), min_size=1, max_size=3))
    total = score * sum(weights) / 100  # the points needed, split over the targets
    share = (total / len(weights)).quantize(Decimal("0.000001"))
    points = [share] * (len(weights) - 1) + [total - share * (len(weights) - 1)]
    return [float(str(p)) for p in points], [float(w) for w in weights], float(score + Decimal("0.005"))


@settings(max_examples=300)
@given(exact_ties())
def test_an_exact_tie_always_rounds_half_up(case):
    points, weights, expected = case

    assert scoring._score(points, weights) == expected == _decimal_score(points, weights)


def test_subnormal_and_huge_values_take_the_exact_path():
    # 9 x 5e-324 prints as 4.4e-323 and 10 x 5e-324 as 5e-323: the rule reads the printed decimals.
    assert scoring._score([9 * 5e-324], [10 * 5e-324]) == _decimal_score([9 * 5e-324], [10 * 5e-324]) == 88.0
    # Sums past the float range overflow math.fsum; Decimal still holds them.
    assert scoring._score([1e308, 1e308], [1e308, 1e308]) == 100.0
