"""Scores and ranks (bảng chấm điểm): pure functions of a pact's state.

Quantitative target: attainment = actual / value (at_least) or value / actual
(at_most; an actual of 0 or less earns the cap); points = weight x attainment,
clamped to [0, cap]. Qualitative target: the result is the points given,
0..weight. Score = 100 x sum(points) / sum(weights) over the targets that apply
to the unit, rounded half-up to 2 decimals; a missing result earns 0 and is
listed under ``missing``. Equal scores share a rank ("1224"), ties by unit id.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.pact import Pact, Target

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class UnitScore:
    unit_id: str
    score: float
    points: Mapping[str, float]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    unit_id: str
    score: float
    missing: tuple[str, ...]


def attainment(target: Target, actual: float) -> float:
    value = target.value or 0.0
    if target.direction == "at_most":
        return float("inf") if actual <= 0 else value / actual
    return actual / value


def target_points(target: Target, actual: float, cap: float) -> float:
    if target.kind == "qualitative":
        return min(max(actual, 0.0), target.weight)
    return target.weight * min(max(attainment(target, actual), 0.0), cap)


def _decimal(value: float) -> Decimal:
    """The decimal a float was written as (its shortest repr): 1.2345 stays 1.2345."""
    return Decimal(repr(value))


def round_score(value: float | Decimal) -> float:
    exact = value if isinstance(value, Decimal) else _decimal(value)
    return float(exact.quantize(_CENT, rounding=ROUND_HALF_UP))


def unit_score(pact: Pact, unit_id: str) -> UnitScore:
    results = pact.results
    actuals = {code: r.value for code in pact.targets if (r := results.get((unit_id, code))) is not None}
    return score_targets(unit_id, pact.targets.values(), actuals, pact.attainment_cap)


def score_targets(
    unit_id: str, targets: Iterable[Target], actuals: Mapping[str, float], cap: float
) -> UnitScore:
    """A unit's score from the targets in order and its latest result per target code."""
    points: dict[str, float] = {}
    missing: list[str] = []
    weights: list[float] = []
    for target in targets:
        if not target.applies(unit_id):
            continue
        code = target.code
        weights.append(target.weight)
        actual = actuals.get(code)
        if actual is None:
            missing.append(code)
            points[code] = 0.0
        else:
            points[code] = target_points(target, actual, cap)
    if not weights:
        return UnitScore(unit_id, 0.0, points, ())
    return UnitScore(unit_id, _score(points.values(), weights), points, tuple(sorted(missing)))


# How far (in hundredths) a float score must be from a rounding tie for float
# arithmetic to round it as decimal arithmetic would. The float sums differ
# from the decimal ones by a few units in the last place (about 1e-16 of the
# value); scores stay far below 1e6, so their error in hundredths stays below 1e-8.
_TIE_MARGIN = 1e-6


def _score(points: Collection[float], weights: list[float]) -> float:
    """100 x sum(points) / sum(weights), rounded half-up to 2 decimals, each float
    counting as the decimal it was written as.

    In floats 100 x 1.2345 / 10 is 12.344999..., which rounds down: the rule is
    decimal. Decimal arithmetic costs 9 us a unit, half a rebuild's scoring, so
    the float result is used when it is clearly away from a tie (x.xx5), which
    is where the two could round differently; near a tie it is done in decimal.
    """
    # Only for normal weights (> 0, so points >= 0: no cancellation): a subnormal's
    # shortest repr can be far from its binary value (9 x 5e-324 prints as 4.4e-323).
    if min(weights) >= sys.float_info.min:
        try:
            hundredths = 100 * 100 * math.fsum(points) / math.fsum(weights)
        except OverflowError:  # sums past 1.8e308: only Decimal holds them
            hundredths = math.nan
        if 0 <= hundredths < 1e8:
            below = math.floor(hundredths)
            if abs(hundredths - below - 0.5) > _TIE_MARGIN:
                return (below + (hundredths - below > 0.5)) / 100
    exact_weight = sum(map(Decimal, map(repr, weights)), Decimal(0))
    exact_points = sum(map(Decimal, map(repr, points)), Decimal(0))
    return round_score(100 * exact_points / exact_weight) if exact_weight else 0.0


def pact_scores(pact: Pact) -> list[UnitScore]:
    return [unit_score(pact, unit_id) for unit_id in pact.parties]


def rank(scores: Iterable[UnitScore | Standing]) -> list[Standing]:
    """Standard competition ranking: 1, 2, 2, 4; ties listed by unit id."""
    ordered = sorted(scores, key=lambda s: (-s.score, s.unit_id))
    standings: list[Standing] = []
    for index, s in enumerate(ordered):
        same_as_previous = standings and standings[-1].score == s.score
        position = standings[-1].rank if same_as_previous else index + 1
        standings.append(Standing(position, s.unit_id, s.score, s.missing))
    return standings
