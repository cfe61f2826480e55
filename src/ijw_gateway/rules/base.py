"""What every rule shares: its context, its registration, and how it reports a finding."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, wraps
from typing import TypeVar, cast

from lxml import etree

from ijw_gateway.catalogue.rulecat import CatalogueError, RuleSpec, rules, rules_of
from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.errors import IjwGatewayError
from ijw_gateway.findings import Finding, Level
from ijw_gateway.history.model import History, TaskBased
from ijw_gateway.validation import ParsedMessage
from ijw_gateway.xmlpath import line_of


@dataclass(frozen=True)
class Lookups:
    """What a rule may ask beyond the message, each read-only and each optional: a rule
    whose lookup is missing stays silent, so a validator without a history (or without
    contracts) never rejects for the lack of one."""

    history: History | None = None
    """Earlier messages (levels 3 and 4, ``cross_message``)."""
    task_based: TaskBased | None = None
    """Whether the contracts finance a product task-based (TR019)."""
    contracts: ContractBook | None = None
    """The contract book the contract rules judge against (``contract_check``)."""


NO_LOOKUPS = Lookups()


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at: the message (and so its release), today's date, the
    language of finding texts, and the typed, read-only ``lookups``.

    ``shared`` holds what several rules of one stage work out from the message and the
    lookups alike (``shared_once``), so that it is worked out once per stage.
    """

    message: ParsedMessage
    today: date
    lang: str = "en"
    lookups: Lookups = NO_LOOKUPS
    shared: dict[Callable[[RuleContext], object], object] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def history(self) -> History:
        """The history, for a rule that needs one (``needs_history`` in the catalogue):
        ``run`` runs such a rule only in a stage that has one."""
        history = self.lookups.history
        if history is None:
            raise IjwGatewayError("a rule that needs a history ran without one")
        return history

    @property
    def release(self) -> str:
        """The release the message is of (its catalogue and rules are that release's)."""
        return self.message.release


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


@dataclass(frozen=True, slots=True)
class Fault:
    """Where a rule finds its rule broken: the element, a detail that pins the catalogue's
    text to this message, and a retourcode other than the catalogue's where the standard
    answers one case otherwise. No code: a rule states its code once, where it registers
    (``rule``), and ``run`` turns each fault into a finding of that code."""

    element: etree._Element
    detail: str = ""
    retourcode: str | None = None


RuleFunc = Callable[[RuleContext], Iterable[Fault]]
_IMPLEMENTATIONS: dict[str, RuleFunc] = {}
_F = TypeVar("_F", bound=Callable[..., Iterable[Fault]])


def rule(code: str, **bound: object) -> Callable[[_F], _F]:
    """Register the implementation of a catalogue rule; its faults are findings of ``code``.

    ``bound``: keyword arguments the registration gives the function, so that one function
    serves rules that differ only in what they look at (``@rule("CD080", spec=TP)`` and
    ``@rule("CD095", spec=AP)`` on one function); each code is still stated once, here."""

    def register(func: _F) -> _F:
        if code in _IMPLEMENTATIONS:
            raise CatalogueError(f"rule {code} is implemented twice")
        _IMPLEMENTATIONS[code] = _bind(func, bound) if bound else func
        return func

    return register


def _bind(func: Callable[..., Iterable[Fault]], bound: dict[str, object]) -> RuleFunc:
    @wraps(func)
    def bound_rule(ctx: RuleContext) -> Iterable[Fault]:
        return func(ctx, **bound)

    return bound_rule


def implementations() -> dict[str, RuleFunc]:
    return dict(_IMPLEMENTATIONS)


def finding(ctx: RuleContext, spec: RuleSpec, fault: Fault) -> Finding:
    """The finding of rule ``spec`` for ``fault``; the text is the catalogue's explanation."""
    text = spec.text(ctx.lang)
    if fault.detail:
        text = f"{text} {fault.detail}"
    return Finding(
        spec.level,
        spec.code,
        fault.retourcode or spec.retourcode,
        ctx.message.path(fault.element),
        line_of(fault.element),
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
    with_history = ctx.lookups.history is not None
    for spec, func in applicable(ctx.message.type, levels, with_history, ctx.message.release):
        found.extend(finding(ctx, spec, fault) for fault in func(ctx))
    return found
