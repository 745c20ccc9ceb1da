"""A cluster's figures per indicator: sum, mean and shares of additive figures; the mean of rates."""

from __future__ import annotations

from decimal import Decimal

from app.domain.indicators import cluster_indicators
from app.domain.sheet_scoring import round_points
from tests.unit.builders import HA_TINH, NGHE_AN, THANH_HOA, a_pact, result_recorded, target_set


def test_an_amount_is_summed_averaged_and_shared_out():
    exports = target_set("XK", title="Kim ngạch xuất khẩu", measure="tỷ USD", value=3.5)
    pact = a_pact(
        exports,
        result_recorded(THANH_HOA, "XK", 6.1),
        result_recorded(NGHE_AN, "XK", 2.9),
        result_recorded(HA_TINH, "XK", 2.28),
    )

    [indicator] = cluster_indicators(pact)

    assert indicator.total == Decimal("11.28")  # the region's 11.28 tỷ USD of 2021, no float noise
    assert round_points(indicator.mean) == Decimal("3.76")
    assert list(indicator.values) == [THANH_HOA, NGHE_AN, HA_TINH]
    assert round_points(indicator.shares[THANH_HOA]) == Decimal("54.08")  # 6.1 / 11.28
    assert sum(indicator.shares.values()) == Decimal(100)


def test_a_rate_gets_its_mean_and_no_sum():
    growth = target_set("IIP", measure="%", value=8.0)
    pact = a_pact(growth, result_recorded(THANH_HOA, "IIP", 9.2), result_recorded(NGHE_AN, "IIP", 7.0))

    [indicator] = cluster_indicators(pact)

    assert not indicator.additive and indicator.total is None and indicator.shares == {}
    assert indicator.mean == Decimal("8.1")


def test_an_indicator_nobody_reported_has_no_mean_and_qualitative_targets_are_no_indicators():
    pact = a_pact(target_set("XK", measure="tỷ USD"), target_set("Q", kind="qualitative", value=None))

    [indicator] = cluster_indicators(pact)

    assert indicator.code == "XK" and indicator.mean is None and indicator.total == Decimal(0)
    assert indicator.shares == {}
