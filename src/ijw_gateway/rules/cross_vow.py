"""JW317 (verzoek om wijziging) against the allocations it refers to.

A VOW states the complete desired package: every current allocation of the client at
this provider appears as unchanged or to-be-changed product (by ToewijzingNummer), plus
new products. "Current" means not deleted and not ended before the message date
(allocations starting later count). Findings sit on the product class at fault, or on
the Verzoek when an allocation is missing from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ijw_gateway.elements import Element, date_at, find, find_all, has, text_at
from ijw_gateway.history.model import Allocation, History
from ijw_gateway.rules._cross import parties_of
from ijw_gateway.rules._dates import NEW_FUNDING_CUTOFF, Period
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._overlap import earlier_overlaps
from ijw_gateway.rules.base import Fault, RuleContext, rule

VERZOEK = "Client/Verzoek"
UNCHANGED = "OngewijzigdeProducten/OngewijzigdProduct"
TO_CHANGE = "TeWijzigenProducten/TeWijzigenProduct"
NEW = "NieuweProducten/NieuwProduct"
TOTAL = "6"  # Frequentie: total within the validity of the allocation


@dataclass(frozen=True)
class Reference:
    """A product class of the VOW that names an allocation by its ToewijzingNummer."""

    element: Element
    changed: bool  # TeWijzigenProduct (True) or OngewijzigdProduct (False)
    nummer: int
    allocation: Allocation | None  # of this municipality, any provider; None when unknown


def _references(ctx: RuleContext) -> list[Reference]:
    verzoek = find(ctx.message.root, VERZOEK)
    if ctx.message.type != "JW317" or verzoek is None:
        return []
    gemeente, history = parties_of(ctx).gemeente, ctx.history
    found = []
    for path, changed in ((UNCHANGED, False), (TO_CHANGE, True)):
        for node in find_all(verzoek, path):
            number = text_at(node, "ToewijzingNummer")
            if number is not None and number.strip().isdigit():
                nummer = int(number)
                found.append(Reference(node, changed, nummer, history.allocation(gemeente, nummer)))
    return found


def _bsn(ctx: RuleContext) -> str:
    return (text_at(ctx.message.root, "Client/Bsn") or "").strip()


def _of_client(ctx: RuleContext) -> Iterator[tuple[Reference, Allocation]]:
    """References resolved to an allocation of this provider for this client."""
    agb, bsn = parties_of(ctx).agb, _bsn(ctx)
    for ref in _references(ctx):
        if ref.allocation is not None and (ref.allocation.agb, ref.allocation.bsn) == (agb, bsn):
            yield ref, ref.allocation


def _not_current(ctx: RuleContext, changed: bool) -> Iterator[Reference]:
    """References that name no current allocation of this provider (a client mismatch is TR304)."""
    who, bsn = parties_of(ctx), _bsn(ctx)
    for ref in _references(ctx):
        found = ref.allocation
        if ref.changed != changed:
            continue
        if found is None or found.agb != who.agb:
            yield ref
            continue
        if found.bsn == bsn and not found.current_on(who.dagtekening):
            yield ref


@rule("TR349")
def package_complete(ctx: RuleContext) -> Iterator[Fault]:
    """Every current allocation of the client at this provider is in the VOW."""
    verzoek = find(ctx.message.root, VERZOEK)
    if verzoek is None or ctx.message.type != "JW317":
        return
    who = parties_of(ctx)
    named = {ref.nummer for ref in _references(ctx)}
    current = ctx.history.allocations_of(who.gemeente, who.agb, _bsn(ctx))
    missing = sorted(a.nummer for a in current if a.current_on(who.dagtekening))
    missing = [n for n in missing if n not in named]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        yield Fault(verzoek, detail(ctx, "value", "ToewijzingNummer", listed))


@rule("TR350", changed=False)
@rule("TR351", changed=True)
def named_allocation_is_current(ctx: RuleContext, changed: bool) -> Iterator[Fault]:
    """An OngewijzigdProduct (TR350) or a TeWijzigenProduct (TR351) names a current
    allocation of this client and provider."""
    for ref in _not_current(ctx, changed):
        yield Fault(ref.element, detail(ctx, "value", "ToewijzingNummer", ref.nummer))


def vow_other_client(ctx: RuleContext) -> Iterator[Fault]:
    """TR304 in a JW317: a named allocation of this provider belongs to another client."""
    who, bsn = parties_of(ctx), _bsn(ctx)
    for ref in _references(ctx):
        found = ref.allocation
        if found is not None and found.agb == who.agb and found.bsn != bsn:
            yield Fault(ref.element, detail(ctx, "value", "ToewijzingNummer", ref.nummer))


def _changes(ctx: RuleContext) -> Iterator[tuple[Element, Allocation]]:
    for ref, allocation in _of_client(ctx):
        if ref.changed:
            yield ref.element, allocation


@rule("TR357")
def past_change_starts_at_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """A change wished from a date not after the message date keeps the allocation's start."""
    dagtekening = parties_of(ctx).dagtekening
    for element, allocation in _changes(ctx):
        wished = date_at(element, "GewensteIngangsdatum")
        if wished is not None and wished <= dagtekening and wished != allocation.ingangsdatum:
            yield Fault(element)


def _changes_total(element: Element, allocation: Allocation) -> bool:
    """Whether the change alters the budget, or the volume of a total-volume allocation."""
    budget = text_at(element, "Budget")
    if budget is not None and int(budget) != allocation.budget:
        return True
    volume = text_at(element, "Omvang/Volume")
    omvang = allocation.omvang
    if volume is None or omvang is None or omvang.frequentie != TOTAL:
        return False
    return int(volume) != omvang.volume


@rule("TR373")
def total_change_starts_at_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """Changing a budget or a total volume applies from the allocation's own start."""
    for element, allocation in _changes(ctx):
        wished = date_at(element, "GewensteIngangsdatum")
        if _changes_total(element, allocation) and wished != allocation.ingangsdatum:
            yield Fault(element)


def _ends_after_cutoff(allocation: Allocation) -> bool:
    return allocation.einddatum is None or allocation.einddatum > NEW_FUNDING_CUTOFF


@rule("TR411")
def omvang_for_specific(ctx: RuleContext) -> Iterator[Fault]:
    """Changing a specific allocation (with a product code) states the new Omvang."""
    for element, allocation in _changes(ctx):
        if allocation.code is not None and not has(element, "Omvang"):
            yield Fault(element)


@rule("TR412")
def no_omvang_for_aspecific(ctx: RuleContext) -> Iterator[Fault]:
    """Changing an aspecific allocation (category, no code) states no Omvang."""
    for element, allocation in _changes(ctx):
        aspecific = allocation.categorie is not None and allocation.code is None
        if aspecific and _ends_after_cutoff(allocation) and has(element, "Omvang"):
            yield Fault(element)


@rule("TR375")
def no_omvang_for_generic(ctx: RuleContext) -> Iterator[Fault]:
    """Changing a generic allocation (no product) states no Omvang."""
    for element, allocation in _changes(ctx):
        generic = allocation.categorie is None
        if generic and _ends_after_cutoff(allocation) and has(element, "Omvang"):
            yield Fault(element)


@dataclass(frozen=True)
class _Wanted:
    """One product of the desired package with the period it is wanted for."""

    element: Element
    new: bool
    categorie: str | None
    code: str | None
    period: Period


def _package(ctx: RuleContext, history: History) -> list[_Wanted]:
    """Named allocations resolved to product and (desired) period, then the new products."""
    wanted = []
    for ref, alloc in _of_client(ctx):
        period = Period(alloc.ingangsdatum, alloc.einddatum)
        if ref.changed:
            start = date_at(ref.element, "GewensteIngangsdatum") or alloc.ingangsdatum
            period = Period(start, date_at(ref.element, "Einddatum") or alloc.einddatum)
        wanted.append(_Wanted(ref.element, False, alloc.categorie, alloc.code, period))
    for node in find_all(ctx.message.root, f"{VERZOEK}/{NEW}"):
        wished = date_at(node, "GewensteIngangsdatum")
        if wished is not None:
            period = Period(wished, date_at(node, "Einddatum"))
            categorie, code = text_at(node, "Product/Categorie"), text_at(node, "Product/Code")
            wanted.append(_Wanted(node, True, categorie, code, period))
    return wanted


def _groups(wanted: _Wanted) -> list[tuple[object, ...]]:
    """The groups an entry belongs to: by code, by category, without a product."""
    if wanted.categorie is None:
        own: list[tuple[object, ...]] = [("no product",)]
    elif wanted.code is not None:
        own = [("code", wanted.code), ("category", wanted.categorie)]
    else:
        own = [("category only", wanted.categorie), ("category", wanted.categorie)]
    return [(*group, wanted.new) for group in [("any",), *own]]


def _clashes_with(later: _Wanted) -> list[tuple[object, ...]]:
    """The groups of earlier entries that are the same product as ``later``: compared by
    code, else by category, and a product-less entry clashes with anything. Two new
    products are left to the within-message rule TR410."""
    if later.categorie is None:
        same: list[tuple[object, ...]] = [("any",)]
    elif later.code is not None:
        same = [("no product",), ("code", later.code), ("category only", later.categorie)]
    else:
        same = [("no product",), ("category", later.categorie)]
    news = (False,) if later.new else (False, True)
    return [(*group, new) for group in same for new in news]


@rule("TR361")
def package_without_overlap(ctx: RuleContext) -> Iterator[Fault]:
    """The desired package holds no product twice in overlapping periods."""
    if ctx.message.type != "JW317":
        return
    package = _package(ctx, ctx.history)
    periods = [w.period for w in package]
    groups, clashes = [_groups(w) for w in package], [_clashes_with(w) for w in package]
    for later, earlier in zip(package, earlier_overlaps(periods, groups, clashes), strict=True):
        if earlier is not None:
            yield Fault(later.element)
