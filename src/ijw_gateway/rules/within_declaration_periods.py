"""Within-message rules on the periods of a declaration (JW323) and its answer (JW325).

RULES.md §5.1. A declaration covers one calendar month, each Prestatie covers (part of)
one calendar month, nothing is declared from before the 2021 funding rules, and nothing
is declared for days after the message was written or more than five years back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ijw_gateway.elements import Element, child, date_at, date_of, find, find_all, message_date
from ijw_gateway.rules._dates import month_end, years_before
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules.base import Fault, RuleContext, rule
from ijw_gateway.rules.within_declaration import body, prestaties

FIRST_DECLARABLE_DAY = date(2021, 1, 1)


def product_periods(ctx: RuleContext) -> list[Element]:
    """The ProductPeriode of every Prestatie."""
    return [p for prestatie in prestaties(ctx) for p in find_all(prestatie, "ProductPeriode")]


def declaration_period(ctx: RuleContext) -> Element | None:
    """The DeclaratiePeriode of a JW323 (a JW325 has none)."""
    return find(body(ctx), "DeclaratiePeriode")


def closed_periods(ctx: RuleContext) -> list[Element]:
    """The declaration period (if any) followed by every product period."""
    first = declaration_period(ctx)
    return ([first] if first is not None else []) + product_periods(ctx)


def _at(periode: Element, name: str) -> Element:
    """The named date of a period, or the period itself when that date is missing."""
    found = child(periode, name)
    return found if found is not None else periode


@rule("TR335")
def not_older_than_five_years(ctx: RuleContext) -> Iterator[Fault]:
    """A Prestatie ends at most five years before the DeclaratieDagtekening."""
    written = date_at(body(ctx), "DeclaratieDagtekening")
    if written is None:
        return
    limit = years_before(written, 5)
    for periode in product_periods(ctx):
        einddatum = child(periode, "Einddatum")
        end = date_of(einddatum)
        if einddatum is not None and end is not None and end < limit:
            yield Fault(einddatum, detail(ctx, "earliest_end", limit.isoformat()))


def _period_end_fault(ctx: RuleContext, periode: Element, today: date) -> str | None:
    start, end = date_at(periode, "Begindatum"), date_at(periode, "Einddatum")
    if start is not None and end is not None and end < start:
        return detail(ctx, "before", "Begindatum")
    if end is not None and end > today:
        return detail(ctx, "after_dagtekening", today.isoformat())
    return None


@rule("TR137")
def period_closed_before_message(ctx: RuleContext) -> Iterator[Fault]:
    """A declared period ends on or after its start and not after the message date."""
    today = message_date(ctx.message.root)
    if today is None:
        return
    for periode in closed_periods(ctx):
        fault = _period_end_fault(ctx, periode, today)
        einddatum = child(periode, "Einddatum")
        if fault is not None and einddatum is not None:
            yield Fault(einddatum, fault)


@rule("CS340")
def declaration_is_one_month(ctx: RuleContext) -> Iterator[Fault]:
    """The DeclaratiePeriode runs from the first to the last day of one calendar month."""
    periode = declaration_period(ctx)
    start = date_at(periode, "Begindatum")
    if periode is None or start is None:
        return
    if start.day != 1:
        yield Fault(_at(periode, "Begindatum"))
    elif date_at(periode, "Einddatum") != month_end(start):
        yield Fault(_at(periode, "Einddatum"))


@rule("CS337")
def prestatie_within_one_month(ctx: RuleContext) -> Iterator[Fault]:
    """A ProductPeriode starts and ends in the same calendar month."""
    for periode in product_periods(ctx):
        start, end = date_at(periode, "Begindatum"), date_at(periode, "Einddatum")
        if start is None or end is None:
            continue
        if (start.year, start.month) != (end.year, end.month):
            yield Fault(_at(periode, "Einddatum"))


@rule("CS100")
def not_before_2021(ctx: RuleContext) -> Iterator[Fault]:
    """Declared periods start and end on or after 1 January 2021."""
    for periode in closed_periods(ctx):
        for name in ("Begindatum", "Einddatum"):
            element = child(periode, name)
            day = date_of(element)
            if element is not None and day is not None and day < FIRST_DECLARABLE_DAY:
                yield Fault(element)
