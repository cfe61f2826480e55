"""Dates and times that no calendar holds, although their XML Schema type admits them.

``xs:date`` admits a minus sign and years of more than four digits, ``xs:time`` the time
24:00:00, and the iJw types restrict neither (RS032 and RS034 only rule out a time zone).
No rule can compare such a value with another date, so the gateway refuses the message at
level 2 instead of judging it in part: DATE-RANGE, its own (provisional) reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import time
from functools import cache
from types import MappingProxyType

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.elements import local_name, parse_date
from ijw_gateway.rules.base import Fault, RuleContext, rule

_KINDS = {"LDT_Datum": "date", "LDT_Tijd": "time"}


@cache
def temporal_elements(message: str) -> Mapping[str, str]:
    """Local name -> ``date`` or ``time``, for every date and time element ``message`` can
    hold. Within one message a name is a date (or a time) wherever it occurs, or nowhere
    (a test checks this), so a message is searched by name."""
    kinds = {e.name: _KINDS[e.type] for e in MESSAGES[message].leaves() if e.type in _KINDS}
    return MappingProxyType(kinds)


@cache
def _tags(message: str) -> tuple[str, ...]:
    return tuple("{*}" + name for name in temporal_elements(message))


def readable(kind: str, value: str) -> bool:
    """Whether the rules can read the value: a date from year 1 to 9999, a time before 24:00."""
    if kind == "date":
        return parse_date(value) is not None
    try:
        time.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


@rule("DATE-RANGE")
def dates_and_times_a_calendar_holds(ctx: RuleContext) -> Iterator[Fault]:
    """Every date lies in the years 1 to 9999 and every time before 24:00:00."""
    kinds = temporal_elements(ctx.message.type)
    for element in ctx.message.root.iter(*_tags(ctx.message.type)):
        if not readable(kinds[local_name(element)], element.text or ""):
            yield Fault(element)
