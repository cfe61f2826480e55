"""How much may be declared: per period (TR321), in total (TR322) and within a budget (TR369).

Allocated volumes are "so much per day / week / month / in total". A period's share
follows IV077 for weeks: effort-based units count every ISO week the period touches;
output-based units (82, 83) count the Sundays in the period, and the trailing part-week
of an allocation that does not end on a Sunday is added to the period holding the
allocation's last Sunday. Hours allocated may be declared in minutes, so volumes are
compared in minutes then. Only debits are checked; credits cancel earlier debits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from ijw_gateway.elements import Element
from ijw_gateway.history.model import Allocation, Omvang, Prestatie
from ijw_gateway.history.state import standing_debits
from ijw_gateway.rules._cross import claims, claims_on_allocation
from ijw_gateway.rules.base import Fault, RuleContext, rule

PER_DAY, PER_WEEK, PER_MONTH, TOTAL = "1", "2", "4", "6"
OUTPUT_UNITS = frozenset({"82", "83"})
HOURS, MINUTES = "04", "01"
SUNDAY = 6  # date.weekday()


def _sundays(begin: date, end: date) -> int:
    first = begin + timedelta(days=(SUNDAY - begin.weekday()) % 7)
    return 0 if first > end else (end - first).days // 7 + 1


def _iso_weeks(begin: date, end: date) -> int:
    monday = begin - timedelta(days=begin.weekday())
    return (end - monday).days // 7 + 1


def _months(begin: date, end: date) -> int:
    return (end.year * 12 + end.month) - (begin.year * 12 + begin.month) + 1


def _tail_anchor(allocation: Allocation) -> date | None:
    """Where an output-based allocation's trailing part-week is counted (IV077), if any."""
    end = allocation.einddatum
    if end is None or end.weekday() == SUNDAY:
        return None
    last_sunday = end - timedelta(days=(end.weekday() - SUNDAY) % 7)
    return last_sunday if last_sunday >= allocation.ingangsdatum else end


def _weeks(allocation: Allocation, omvang: Omvang, begin: date, end: date) -> int:
    if omvang.eenheid not in OUTPUT_UNITS:
        return _iso_weeks(begin, end)
    anchor = _tail_anchor(allocation)
    return _sundays(begin, end) + (1 if anchor is not None and begin <= anchor <= end else 0)


def periods_in(allocation: Allocation, begin: date, end: date) -> int | None:
    """How many times the allocated volume applies to ``begin``–``end``."""
    omvang = allocation.omvang
    if omvang is None:
        return None
    if omvang.frequentie == PER_DAY:
        return (end - begin).days + 1
    if omvang.frequentie == PER_WEEK:
        return _weeks(allocation, omvang, begin, end)
    if omvang.frequentie == PER_MONTH:
        return _months(begin, end)
    return 1 if omvang.frequentie == TOTAL else None


def in_base(volume: int, unit: str, allocated: str) -> int | None:
    """A volume in the unit of comparison (minutes for hour allocations); None if unrelated."""
    if unit == allocated:
        return volume * (60 if allocated == HOURS else 1)
    return volume if (allocated, unit) == (HOURS, MINUTES) else None


def _cap(allocation: Allocation, begin: date, end: date | None) -> int | None:
    """The allocated volume for ``begin``–``end`` in the unit of comparison."""
    omvang = allocation.omvang
    if omvang is None:
        return None
    if omvang.frequentie == TOTAL:
        times: int | None = 1
    elif end is None:
        return None  # an open-ended allocation has no total for per-period volumes
    else:
        times = periods_in(allocation, begin, end)
    return None if times is None else in_base(omvang.volume * times, omvang.eenheid, omvang.eenheid)


@rule("TR321")
def volume_fits_period(ctx: RuleContext) -> Iterator[Fault]:
    """A debit declares no more than allocated for the length of its ProductPeriode."""
    for located, allocation in claims_on_allocation(ctx):
        claim = located.record
        if claim.is_credit or allocation.omvang is None:
            continue
        cap = _cap(allocation, claim.begindatum, claim.einddatum)
        declared = in_base(claim.volume, claim.eenheid, allocation.omvang.eenheid)
        if cap is not None and declared is not None and declared > cap:
            yield Fault(located.element)


Measure = Callable[[Prestatie, Allocation], int | None]


def _volume(claim: Prestatie, allocation: Allocation) -> int | None:
    omvang = allocation.omvang
    return in_base(claim.volume, claim.eenheid, omvang.eenheid) if omvang is not None else None


def _amount(claim: Prestatie, allocation: Allocation) -> int | None:
    return claim.bedrag


def _total_cap(allocation: Allocation) -> int | None:
    return _cap(allocation, allocation.ingangsdatum, allocation.einddatum)


def _budget_cap(allocation: Allocation) -> int | None:
    return allocation.budget


def _over(
    ctx: RuleContext, cap_of: Callable[[Allocation], int | None], measure: Measure
) -> Iterator[Element]:
    """Debits that take their allocation's running total (history, then message) over its cap."""
    history = ctx.history
    # Credits are processed before debits (OP366): a credit here frees its debit.
    credited_here = {c.record.vorig_referentie or "" for c in claims(ctx) if c.record.is_credit}
    totals: dict[tuple[str, int], int] = {}
    for located, allocation in claims_on_allocation(ctx):
        cap, claim = cap_of(allocation), located.record
        if claim.is_credit or cap is None:
            continue
        key = (allocation.gemeente, allocation.nummer)
        if key not in totals:
            earlier = standing_debits(history.prestaties_on(*key), credited_here)
            totals[key] = sum(measure(p, allocation) or 0 for p in earlier)
        totals[key] += measure(claim, allocation) or 0
        if totals[key] > cap:
            yield located.element


@rule("TR322")
def total_volume_fits(ctx: RuleContext) -> Iterator[Fault]:
    """All granted debits on an allocation stay within its volume over its whole period."""
    for element in _over(ctx, _total_cap, _volume):
        yield Fault(element)


@rule("TR369")
def within_budget(ctx: RuleContext) -> Iterator[Fault]:
    """All granted debits on a budget allocation stay within the budget (amounts in cents)."""
    for element in _over(ctx, _budget_cap, _amount):
        yield Fault(element)
