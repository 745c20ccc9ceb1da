"""Period targets of average annual growth (tốc độ tăng trưởng bình quân/năm)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import errors
from app.domain.growth import average_growth, growth_attainment
from app.domain.sheet_scoring import round_points


def test_an_index_of_170_after_5_years_grows_11_20_a_year_and_attains_94_09_of_11_9():
    growth = average_growth({2020: 100, 2025: 170})

    assert (growth.first_year, growth.last_year, growth.mean) == (2020, 2025, "geometric")
    assert round_points(growth.rate) == Decimal("11.20")
    # From the unrounded rate (11.196...): 11.20 / 11.9 would say 94.12.
    assert round_points(growth_attainment(growth, 11.9)) == Decimal("94.09")


def test_the_geometric_mean_reads_only_the_first_and_last_years():
    assert (
        average_growth({2020: 100.0, 2022: 50.0, 2025: 170.0}).rate
        == average_growth({2020: 100, 2025: 170}).rate
    )


def test_the_arithmetic_mean_averages_the_yearly_rates():
    # +10 %, then +20 %: the arithmetic mean is 15 %, the compound 14.89 %.
    series = {2021: 100, 2022: 110, 2023: 132}

    assert average_growth(series, "arithmetic").rate == Decimal("15")
    assert round_points(average_growth(series).rate) == Decimal("14.89")
    with pytest.raises(errors.InvalidValue, match="every year"):
        average_growth({2021: 100, 2023: 132}, "arithmetic")


@pytest.mark.parametrize(
    "series, mean, field",
    [
        ({2020: 100}, "geometric", "series"),
        ({2020: 0, 2025: 170}, "geometric", "series.2020"),
        ({2020: 100, 2025: -1}, "geometric", "series.2025"),
        ({2020: 100, 2025: 170}, "median", "mean"),
    ],
)
def test_a_series_that_has_no_average_growth_is_refused(series, mean, field):
    with pytest.raises(errors.InvalidValue) as raised:
        average_growth(series, mean)

    assert raised.value.field == field


def test_a_growth_target_needs_a_rate_above_zero():
    with pytest.raises(errors.InvalidValue):
        growth_attainment(average_growth({2020: 100, 2025: 170}), 0.0)
