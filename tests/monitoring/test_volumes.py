"""Allocated volume per month, written as deltas: the sum over a month's days must equal
what the allocation allows day by day."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ijw_gateway.monitoring.volumes import (
    Version,
    allocated,
    contributions,
    days_in,
    month_of,
    negated,
    next_month,
)


def _months(rows: dict[date, dict[str, float]], first: date, last: date) -> dict[date, float]:
    """Allocated volume per month by the formula of the module docstring."""
    out, day_rate, month_rate, month = {}, 0.0, 0.0, first
    while month <= last:
        row = rows.get(month, {})
        day_rate += row.get("alloc_day", 0.0)
        month_rate += row.get("alloc_month", 0.0)
        out[month] = allocated(row.get("alloc_fixed", 0.0), day_rate, month_rate, month)
        month = next_month(month)
    return out


def _daily(version: Version, month: date) -> float:
    """What the version allows in ``month``, walked day by day."""
    total = 0.0
    for i in range(days_in(month)):
        day = month + timedelta(days=i)
        if day < version.ingangsdatum or (version.einddatum and day > version.einddatum):
            continue
        assert version.volume is not None
        per_day = {"1": 1, "2": 1 / 7, "4": 1 / days_in(month)}[str(version.frequentie)]
        total += version.volume * per_day
    return total


@given(
    st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    st.one_of(st.none(), st.integers(0, 500)),
    st.sampled_from(["1", "2", "4"]),
    st.integers(1, 100),
)
def test_per_month_equals_day_by_day(
    start: date, length: int | None, frequentie: str, volume: int
) -> None:
    end = start + timedelta(days=length) if length is not None else None
    version = Version(start, end, volume, "04", frequentie, None)
    last = month_of(date(2028, 1, 1))
    got = _months(contributions(version), month_of(date(2024, 12, 1)), last)
    for month, value in got.items():
        assert abs(value - _daily(version, month)) < 1e-6, month


def test_minutes_count_as_hours_and_a_total_is_spread() -> None:
    minutes = Version(date(2026, 3, 1), date(2026, 3, 31), 120, "01", "4", None)
    assert _months(contributions(minutes), date(2026, 3, 1), date(2026, 3, 1)) == {
        date(2026, 3, 1): 2.0
    }
    total = Version(date(2026, 3, 17), date(2026, 4, 15), 300, "04", "6", None)
    got = _months(contributions(total), date(2026, 3, 1), date(2026, 4, 1))
    assert [round(v, 6) for v in got.values()] == [150.0, 150.0]  # 15 days each
    open_total = Version(date(2026, 3, 17), None, 300, "04", "6", None)
    assert contributions(open_total) == {date(2026, 3, 1): {"alloc_fixed": 300.0}}


def test_a_new_version_takes_back_the_old_one() -> None:
    old = contributions(Version(date(2026, 1, 10), None, 2, "04", "1", None))
    new = contributions(Version(date(2026, 1, 10), date(2026, 2, 28), 2, "04", "1", None))
    merged: dict[date, dict[str, float]] = {}
    for rows in (old, negated(old), new):  # stored, taken back, replaced
        for month, values in rows.items():
            for name, value in values.items():
                merged.setdefault(month, {})[name] = merged.get(month, {}).get(name, 0) + value
    got = _months(merged, date(2026, 1, 1), date(2026, 6, 1))
    assert [round(v, 6) for v in got.values()] == [44.0, 56.0, 0, 0, 0, 0]
    assert monthrange(2026, 2)[1] * 2 == 56


def test_a_budget_is_spread_over_the_days() -> None:
    budget = Version(date(2026, 1, 1), date(2026, 3, 31), None, None, None, 9_000)
    rows = contributions(budget)
    per_day = 9_000 / 90
    assert rows[date(2026, 1, 1)] == {"budget_fixed": per_day * 31}
    assert rows[date(2026, 2, 1)] == {"budget_day": per_day}
