"""Properties of scores and ranks that hold for any targets and results."""

from __future__ import annotations

from hypothesis import given
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
    for position, (before, after) in enumerate(zip(standings, standings[1:]), start=2):
        assert before.rank <= after.rank
        assert before.score >= after.score
        if before.score == after.score:
            assert after.rank == before.rank and before.unit_id < after.unit_id
        else:
            assert after.rank == position
    if standings:
        assert standings[0].rank == 1
