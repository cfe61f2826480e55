"""The value logic under the rules: period coverage, shapes, amounts (IV081 rounding)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ijw_gateway.contracts.model import Period, Variant, covered, merged
from ijw_gateway.contracts.shapes import (
    amount,
    aspecific_variant,
    frequency_fits_unit,
    unit_fits_variant,
)

JAN, MAR, JUN, DEC = date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 30), date(2026, 12, 31)


def test_coverage_by_one_two_or_no_periods() -> None:
    year = Period(JAN, DEC)
    assert covered((year,), MAR, JUN) and covered((year,), MAR, None)
    assert not covered((year,), MAR, date(2027, 1, 1))
    halves = (Period(date(2026, 7, 1), DEC), Period(JAN, JUN))
    assert covered(halves, MAR, date(2026, 9, 1))
    gap = (Period(JAN, date(2026, 5, 31)), Period(date(2026, 7, 1), DEC))
    assert not covered(gap, MAR, date(2026, 9, 1))
    assert covered((Period(JAN),), MAR, date(2030, 1, 1))
    assert not covered((), MAR, None)


def test_merged_joins_adjacent_and_open_periods() -> None:
    assert merged((Period(date(2026, 7, 1), DEC), Period(JAN, JUN))) == (Period(JAN, DEC),)
    assert merged((Period(JAN, MAR), Period(date(2026, 2, 1)))) == (Period(JAN),)
    apart = (Period(JAN, MAR), Period(JUN, DEC))
    assert merged(apart) == apart


def test_units_and_frequencies_per_variant() -> None:
    assert unit_fits_variant("01", Variant.EFFORT) and unit_fits_variant("84", Variant.EFFORT)
    assert not unit_fits_variant("82", Variant.EFFORT) and unit_fits_variant("83", Variant.OUTPUT)
    assert not unit_fits_variant("01", Variant.TASK)
    assert frequency_fits_unit("01", "1") and not frequency_fits_unit("16", "1")
    assert not frequency_fits_unit("83", "1") and frequency_fits_unit("82", "1")
    assert aspecific_variant("55") is Variant.OUTPUT and aspecific_variant("45") is Variant.EFFORT


def test_amount_rounds_hours_in_minutes_half_up() -> None:
    assert amount(240, 150, False) == 36000
    assert amount(50, 9001, True) == 7501  # 7500.83
    assert amount(30, 9001, True) == 4501  # 4500.5
    assert amount(1, 59, True) == 1  # 0.98


@given(st.integers(0, 100_000), st.integers(0, 1_000_000))
def test_hours_in_minutes_never_differs_more_than_half_a_cent(minutes: int, tariff: int) -> None:
    exact = minutes * tariff / 60
    assert abs(amount(minutes, tariff, True) - exact) <= 0.5
