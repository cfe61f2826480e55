"""Working days in the Netherlands: weekdays that are not public holidays.

The standard counts its answer times in working days (RULES.md §1.2: a return message
within 3, a decision within 5, a JW325 within 10). Holidays come from the maintained
``holidays`` package (its Netherlands calendar: New Year, Good Friday, Easter Monday,
King's Day, Liberation Day in lustrum years, Ascension Day, Whit Monday, Christmas), never
from a table of our own. Counting is arithmetic on weeks plus a bisect over the year's
weekday holidays, so a span of years costs the same as a span of days.

Moments the gateway records are UTC; a day is the day in Europe/Amsterdam, where the
parties work.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_day(moment: datetime) -> date:
    """The day in Amsterdam of an aware moment (a naive one is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(AMSTERDAM).date()


@cache
def _holidays(year: int) -> tuple[date, ...]:
    """The weekday public holidays of ``year``, sorted (a Sunday holiday changes nothing)."""
    import holidays  # late: only what counts working days pays for the import

    found = holidays.country_holidays("NL", years=year)
    return tuple(sorted(d for d in found if d.weekday() < 5))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _weekdays_through(day: date) -> int:
    """Weekdays from a fixed Monday up to and including ``day`` (a running count)."""
    ordinal = day.toordinal() - 1  # 0001-01-01 is a Monday: ordinal 1
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest + 1, 5)


def _holidays_through(day: date, since: date) -> int:
    """Weekday holidays in (``since``, ``day``]."""
    count = 0
    for year in range(since.year, day.year + 1):
        days = _holidays(year)
        count += bisect_right(days, day) - bisect_right(days, since)
    return count


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not
    later): how many working days an answer on ``end`` took for a message of ``start``."""
    if end <= start:
        return 0
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    return weekdays - _holidays_through(end, start)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start``: the last day an answer is on time."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
