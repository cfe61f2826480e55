"""What an allocation allows per month, written as deltas so open-ended ones fit.

An allocation of so much per day, week or month runs from its Ingangsdatum to its
Einddatum, or on without end. Its volume in month m is

    allocated(m) = fixed(m) + days(m) · Σ_{k ≤ m} day_rate(k) + Σ_{k ≤ m} month_rate(k)

so a version contributes at most four rows (the partial first and last months as
``fixed``, a rate switched on after the first month and off in the last), whatever its
length. A new version of the same allocation takes back its predecessor's rows (the same
rows negated) and adds its own; a withdrawn one only takes back. Time units are counted
in hours (minutes / 60), so hours allocated and minutes declared add up (TR341's
exception). A budget (cents) is spread evenly over the allocation's days.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

MINUTES, HOURS = "01", "04"
PER_DAY, PER_WEEK, PER_MONTH, TOTAL = "1", "2", "4", "6"


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def days_in(month: date) -> int:
    return monthrange(month.year, month.month)[1]


def in_hours(volume: float, eenheid: str | None) -> float:
    """Minutes become hours; every other unit stays as it is."""
    return volume / 60 if eenheid == MINUTES else volume


def unit_of(eenheid: str | None) -> str | None:
    return HOURS if eenheid == MINUTES else eenheid


@dataclass(frozen=True)
class Version:
    """The part of an allocation version that decides its volume and budget."""

    ingangsdatum: date
    einddatum: date | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None


Rows = dict[date, dict[str, float]]


def _put(rows: Rows, month: date, name: str, value: float) -> None:
    if value:
        row = rows.setdefault(month, {})
        row[name] = row.get(name, 0.0) + value


def _spread(rows: Rows, start: date, end: date | None, rate: float, kind: str) -> None:
    """``rate`` per day (kind ``day``) or per month (``month``) from ``start`` to ``end``."""
    first = month_of(start)
    last = month_of(end) if end is not None else None
    fixed = "budget_fixed" if kind == "budget" else "alloc_fixed"
    rated = "budget_day" if kind == "budget" else f"alloc_{kind}"
    per_day = kind != "month"

    def part(month: date, a: date, b: date) -> float:
        days = (b - a).days + 1
        return rate * days if per_day else rate * days / days_in(month)

    if last == first:
        assert end is not None
        _put(rows, first, fixed, part(first, start, end))
        return
    first_end = next_month(first) - timedelta(days=1)
    _put(rows, first, fixed, part(first, start, first_end))
    _put(rows, next_month(first), rated, rate)
    if last is not None and end is not None:
        _put(rows, last, rated, -rate)
        _put(rows, last, fixed, part(last, last, end))


def contributions(version: Version) -> Rows:
    """Month -> the figures this version adds (see the module docstring)."""
    rows: Rows = {}
    start, end = version.ingangsdatum, version.einddatum
    if end is not None and end < start:
        return rows
    if version.budget is not None:
        if end is None:
            _put(rows, month_of(start), "budget_fixed", float(version.budget))
        else:
            _spread(rows, start, end, version.budget / ((end - start).days + 1), "budget")
    if version.volume is None:
        return rows
    amount = in_hours(version.volume, version.eenheid)
    if version.frequentie == PER_DAY:
        _spread(rows, start, end, amount, "day")
    elif version.frequentie == PER_WEEK:
        _spread(rows, start, end, amount / 7, "day")
    elif version.frequentie == PER_MONTH:
        _spread(rows, start, end, amount, "month")
    elif end is not None:  # a total within the allocation's validity, spread over its days
        _spread(rows, start, end, amount / ((end - start).days + 1), "day")
    else:
        _put(rows, month_of(start), "alloc_fixed", amount)
    return rows


def negated(rows: Rows) -> Rows:
    return {month: {k: -v for k, v in row.items()} for month, row in rows.items()}


def allocated(fixed: float, day_rate: float, month_rate: float, month: date) -> float:
    """A month's allocated volume from its fixed part and the rates summed up to it."""
    return fixed + days_in(month) * day_rate + month_rate
