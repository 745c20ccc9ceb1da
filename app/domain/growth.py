"""Average annual growth over a period (tốc độ tăng trưởng bình quân/năm), and its attainment.

A period target such as "industrial production value +11.9 %/năm, 2021-2025"
is met by the series' average annual growth. Two means are known, and every
answer says which it used:

- ``geometric`` (the default, how the plans compute it): the compound annual
  growth of the first and last values, (last / first) ** (1 / years) - 1;
  an index 2020 = 100, 2025 = 170 grows 11.20 %/năm;
- ``arithmetic``: the mean of the year-on-year growth rates of the series.

Exact decimals throughout; a rate is rounded (half-up, 2 places) only for
display, and attainment is taken from the unrounded rate: 11.196.../11.9 is
94.09 %, where 11.20/11.9 would say 94.12 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from app.domain import errors
from app.domain.sheet import points

MEANS = ("geometric", "arithmetic")
_EXACT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True, kw_only=True)
class AverageGrowth:
    first_year: int
    last_year: int
    mean: str
    rate: Decimal  # percent a year, unrounded


def average_growth(series: Mapping[int, float], mean: str = "geometric") -> AverageGrowth:
    """The average annual growth (percent) of values by year, from the first year to the last."""
    if mean not in MEANS:
        raise errors.InvalidValue("mean", f"must be one of {', '.join(MEANS)}")
    years = sorted(series)
    if len(years) < 2:
        raise errors.InvalidValue("series", "needs the values of at least two years")
    values = {year: points(series[year]) for year in years}
    for year in years:
        if not values[year] > 0:
            raise errors.InvalidValue(f"series.{year}", "a growth series needs values above 0")
    first, last = years[0], years[-1]
    with localcontext(_EXACT):
        if mean == "geometric":
            ratio = (values[last] / values[first]) ** (Decimal(1) / Decimal(last - first))
            rate = (ratio - 1) * _HUNDRED
        else:
            if years != list(range(first, last + 1)):
                raise errors.InvalidValue("series", "the arithmetic mean needs a value for every year")
            rates = [(values[y] / values[y - 1] - 1) * _HUNDRED for y in years[1:]]
            rate = sum(rates, Decimal(0)) / len(rates)
    return AverageGrowth(first_year=first, last_year=last, mean=mean, rate=rate)


def growth_attainment(growth: AverageGrowth, target_rate: float) -> Decimal:
    """The achieved share of the target rate, in percent and unrounded (94.085... for 11.196/11.9)."""
    target = points(target_rate)
    if not target > 0:
        raise errors.InvalidValue("value", "a growth target needs a rate above 0")
    with localcontext(_EXACT):
        return growth.rate / target * _HUNDRED
