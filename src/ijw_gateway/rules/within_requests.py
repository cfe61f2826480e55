"""Within-message rules of the requests JW315 (for allocation) and JW317 (for change).

RULES.md §3.4 and §3.5. A request must say who referred the client in a form the
municipality can check, must be answerable per requested product (unique references),
and a request for change must describe an actual change of the current package.
The product conditions shared with JW301 live in ``within_products``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.findings import Finding
from ijw_gateway.rules._dates import date_of, message_date
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._xml import Element, child, find, find_all, has, text
from ijw_gateway.rules.base import RuleContext, finding, rule

_REQUESTED = "Client/AangevraagdeProducten/AangevraagdProduct"
_VERZOEK = "Client/Verzoek"
_MEDICAL_REFERRERS = frozenset({"02", "03", "04", "05"})


@rule("TR383")
def unique_request_references(ctx: RuleContext) -> Iterator[Finding]:
    """Every requested product has its own ReferentieAanbieder within the message."""
    seen: dict[str, Element] = {}
    for referentie in find_all(ctx.message.root, f"{_REQUESTED}/ReferentieAanbieder"):
        value = text(referentie) or ""
        if value in seen:
            also = ctx.message.path(seen[value])
            yield finding(ctx, "TR383", referentie, detail(ctx, "also_in", also))
        else:
            seen[value] = referentie


@rule("CD043")
def decision_number_with_date(ctx: RuleContext) -> Iterator[Finding]:
    """BeschikkingNummer and BeschikkingIngangsdatum are given together or not at all."""
    for product in find_all(ctx.message.root, _REQUESTED):
        ingang = child(product, "BeschikkingIngangsdatum")
        nummer = child(product, "BeschikkingNummer")
        if nummer is not None and ingang is None:
            yield finding(ctx, "CD043", product, detail(ctx, "missing", "BeschikkingIngangsdatum"))
        elif nummer is None and ingang is not None:
            yield finding(ctx, "CD043", ingang)


@rule("CD066")
def referrer_name_not_with_agb(ctx: RuleContext) -> Iterator[Finding]:
    """A medical referrer identified by AGB code is not named as well."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        naam = child(verwijzer, "Naam")
        medical = text(child(verwijzer, "Type")) in _MEDICAL_REFERRERS
        if medical and has(verwijzer, "ZorgverlenerCode") and naam is not None:
            yield finding(ctx, "CD066", naam)


@rule("CD067")
def referrer_name_without_agb(ctx: RuleContext) -> Iterator[Finding]:
    """A medical referrer without AGB code is named instead."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        medical = text(child(verwijzer, "Type")) in _MEDICAL_REFERRERS
        if medical and not has(verwijzer, "ZorgverlenerCode") and not has(verwijzer, "Naam"):
            yield finding(ctx, "CD067", verwijzer, detail(ctx, "missing", "Naam"))


@rule("CD068")
def agb_only_for_medical_referrer(ctx: RuleContext) -> Iterator[Finding]:
    """Only a medical referrer (Type 02–05) has an AGB code (ZorgverlenerCode)."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        code = child(verwijzer, "ZorgverlenerCode")
        if code is not None and text(child(verwijzer, "Type")) not in _MEDICAL_REFERRERS:
            yield finding(ctx, "CD068", code)


@rule("TR352")
def change_refers_to_current_package(ctx: RuleContext) -> Iterator[Finding]:
    """A request for change lists at least one current allocation (unchanged or to change)."""
    verzoek = find(ctx.message.root, _VERZOEK)
    current = ("OngewijzigdeProducten/OngewijzigdProduct", "TeWijzigenProducten/TeWijzigenProduct")
    if verzoek is not None and not any(has(verzoek, p) for p in current):
        yield finding(ctx, "TR352", verzoek)


@rule("TR353")
def change_changes_something(ctx: RuleContext) -> Iterator[Finding]:
    """A request for change changes an allocation or asks for a new product."""
    verzoek = find(ctx.message.root, _VERZOEK)
    changes = ("TeWijzigenProducten/TeWijzigenProduct", "NieuweProducten/NieuwProduct")
    if verzoek is not None and not any(has(verzoek, p) for p in changes):
        yield finding(ctx, "TR353", verzoek)


@rule("TR380")
def new_product_starts_after_message(ctx: RuleContext) -> Iterator[Finding]:
    """A new product is asked for from a day after the message date. Provisional reading."""
    today = message_date(ctx.message.root)
    if today is None:
        return
    path = f"{_VERZOEK}/NieuweProducten/NieuwProduct/GewensteIngangsdatum"
    for ingang in find_all(ctx.message.root, path):
        day = date_of(ingang)
        if day is not None and day <= today:
            yield finding(ctx, "TR380", ingang, detail(ctx, "dagtekening", today.isoformat()))
