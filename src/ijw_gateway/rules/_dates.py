"""Dates and periods for rules: open-ended periods, overlap, month and year steps.

Reading a date is ``elements``' work (``date_at``, ``parse_date``). Rules compare against
the message's own Dagtekening, never the clock: whether a date lies in the future is
relative to when the sender wrote the message (the clock rule TR135 is a separate,
external check).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ijw_gateway.elements import Element, date_at

OPEN_END = date.max
"""Stand-in for a missing end date: an open period runs on forever."""

NEW_FUNDING_CUTOFF = date(2020, 12, 31)
"""Several 2021 rules (CD080, CS338 …) only bind allocations that end after this day."""


@dataclass(frozen=True)
class Period:
    """A period from ``start`` to ``end`` inclusive; ``end`` None means open-ended."""

    start: date
    end: date | None = None

    @property
    def last(self) -> date:
        """The last day, or OPEN_END for an open period."""
        return self.end if self.end is not None else OPEN_END

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day (both ends inclusive)."""
        return self.start <= other.last and other.start <= self.last

    def ends_after(self, day: date) -> bool:
        """Whether the period is open or ends after ``day``."""
        return self.end is None or self.end > day


def period_at(element: Element, start_path: str, end_path: str) -> Period | None:
    """The period between two date elements below ``element``; None without a start."""
    start = date_at(element, start_path)
    if start is None:
        return None
    return Period(start, date_at(element, end_path))


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February becomes 28 February."""
    target = day.year - years
    if target < date.min.year:
        return date.min
    if day.month == 2 and day.day == 29 and not calendar.isleap(target):
        return date(target, 2, 28)
    return day.replace(year=target)
