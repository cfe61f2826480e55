"""What every rule shares: its context, its registration, and how it reports a finding."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar, cast

from lxml import etree

from ijw_gateway.catalogue.rulecat import RuleSpec, rules, rules_of
from ijw_gateway.findings import Finding, Level
from ijw_gateway.validation import ParsedMessage
from ijw_gateway.xmlpath import line_of


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at: the message, today's date, and read-only lookups.

    ``shared`` holds what several rules of one stage work out from the message and the
    lookups alike (``shared_once``), so that it is worked out once per stage.
    """

    message: ParsedMessage
    today: date
    lang: str = "en"
    lookups: dict[str, object] = field(default_factory=dict)  # e.g. "history", "contracts"
    shared: dict[Callable[[RuleContext], object], object] = field(
        default_factory=dict, compare=False, repr=False
    )


_T = TypeVar("_T")


def shared_once(work: Callable[[RuleContext], _T]) -> Callable[[RuleContext], _T]:
    """Do ``work`` once per rule context (one stage of one message), for every rule of
    the stage that asks: facts a dozen rules need of every line, such as the allocation
    each Prestatie refers to, cost one pass instead of a dozen. The result is shared, so
    it must not be changed."""

    def once(ctx: RuleContext) -> _T:
        if work not in ctx.shared:
            ctx.shared[work] = work(ctx)
        return cast(_T, ctx.shared[work])

    once.__doc__ = work.__doc__
    return once


RuleFunc = Callable[[RuleContext], Iterable[Finding]]
_IMPLEMENTATIONS: dict[str, RuleFunc] = {}


def rule(code: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register the implementation of a catalogue rule."""

    def register(func: RuleFunc) -> RuleFunc:
        if code in _IMPLEMENTATIONS:
            raise ValueError(f"rule {code} is implemented twice")
        _IMPLEMENTATIONS[code] = func
        return func

    return register


def implementations() -> dict[str, RuleFunc]:
    return dict(_IMPLEMENTATIONS)


def finding(
    ctx: RuleContext,
    code: str,
    element: etree._Element,
    detail: str = "",
    retourcode: str | None = None,
) -> Finding:
    """A finding of rule ``code`` at ``element``; the text is the catalogue's explanation."""
    spec = rules()[code]
    text = spec.text(ctx.lang)
    if detail:
        text = f"{text} {detail}"
    return Finding(
        spec.level,
        code,
        retourcode or spec.retourcode,
        ctx.message.path(element),
        line_of(element),
        text,
    )


def applicable(
    message: str, levels: frozenset[Level], with_history: bool = True, release: str | None = None
) -> Iterator[tuple[RuleSpec, RuleFunc]]:
    """The implemented rules of the given levels that apply to a message type of a release
    (None: the exchange's).

    Without a history only the rules that do not need one qualify (the clock, the CBS list).
    """
    return iter(_applicable(message, levels, with_history, release, len(_IMPLEMENTATIONS)))


@lru_cache(maxsize=256)
def _applicable(
    message: str,
    levels: frozenset[Level],
    with_history: bool,
    release: str | None,
    _registered: int,
) -> tuple[tuple[RuleSpec, RuleFunc], ...]:
    # Every message asks this; the answer only changes when a rule registers (_registered).
    found = []
    for code, spec in (rules() if release is None else rules_of(release)).items():
        func = _IMPLEMENTATIONS.get(code)
        if func is None or message not in spec.messages or spec.level not in levels:
            continue
        if with_history or not spec.needs_history:
            found.append((spec, func))
    return tuple(found)


def run(ctx: RuleContext, levels: frozenset[Level]) -> list[Finding]:
    """Run every applicable rule; findings come back in catalogue order."""
    found: list[Finding] = []
    with_history = "history" in ctx.lookups
    for _spec, func in applicable(ctx.message.type, levels, with_history, ctx.message.release):
        found.extend(func(ctx))
    return found
