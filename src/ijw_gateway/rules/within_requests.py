"""Within-message rules of the requests JW315 (for allocation) and JW317 (for change).

RULES.md §3.4 and §3.5. A request must say who referred the client in a form the
municipality can check, must be answerable per requested product (unique references),
and a request for change must describe an actual change of the current package.
The product conditions shared with JW301 live in ``within_products``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import child, date_of, find, find_all, has, message_date, text
from ijw_gateway.rules._detail import detail, exactly_when
from ijw_gateway.rules._overlap import repeats
from ijw_gateway.rules.base import Fault, RuleContext, rule

_REQUESTED = "Client/AangevraagdeProducten/AangevraagdProduct"
_VERZOEK = "Client/Verzoek"
_MEDICAL_REFERRERS = frozenset({"02", "03", "04", "05"})


@rule("TR383")
def unique_request_references(ctx: RuleContext) -> Iterator[Fault]:
    """Every requested product has its own ReferentieAanbieder within the message."""
    referenties = find_all(ctx.message.root, f"{_REQUESTED}/ReferentieAanbieder")
    for referentie, first in repeats((text(r) or "", r) for r in referenties):
        yield Fault(referentie, detail(ctx, "also_in", ctx.message.path(first)))


@rule("CD043")
def decision_number_with_date(ctx: RuleContext) -> Iterator[Fault]:
    """BeschikkingNummer and BeschikkingIngangsdatum are given together or not at all."""
    for product in find_all(ctx.message.root, _REQUESTED):
        ingang = child(product, "BeschikkingIngangsdatum")
        nummer = child(product, "BeschikkingNummer") is not None
        yield from exactly_when(ctx, product, "BeschikkingIngangsdatum", ingang, nummer)


@rule("CD066")
def referrer_name_not_with_agb(ctx: RuleContext) -> Iterator[Fault]:
    """A medical referrer identified by AGB code is not named as well."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        naam = child(verwijzer, "Naam")
        medical = text(child(verwijzer, "Type")) in _MEDICAL_REFERRERS
        if medical and has(verwijzer, "ZorgverlenerCode") and naam is not None:
            yield Fault(naam)


@rule("CD067")
def referrer_name_without_agb(ctx: RuleContext) -> Iterator[Fault]:
    """A medical referrer without AGB code is named instead."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        medical = text(child(verwijzer, "Type")) in _MEDICAL_REFERRERS
        if medical and not has(verwijzer, "ZorgverlenerCode") and not has(verwijzer, "Naam"):
            yield Fault(verwijzer, detail(ctx, "missing", "Naam"))


@rule("CD068")
def agb_only_for_medical_referrer(ctx: RuleContext) -> Iterator[Fault]:
    """Only a medical referrer (Type 02–05) has an AGB code (ZorgverlenerCode)."""
    for verwijzer in find_all(ctx.message.root, f"{_REQUESTED}/Verwijzer"):
        code = child(verwijzer, "ZorgverlenerCode")
        if code is not None and text(child(verwijzer, "Type")) not in _MEDICAL_REFERRERS:
            yield Fault(code)


_UNCHANGED = "OngewijzigdeProducten/OngewijzigdProduct"
_TO_CHANGE = "TeWijzigenProducten/TeWijzigenProduct"
_NEW = "NieuweProducten/NieuwProduct"


@rule("TR352", any_of=(_UNCHANGED, _TO_CHANGE))
@rule("TR353", any_of=(_TO_CHANGE, _NEW))
def change_lists_products(ctx: RuleContext, any_of: tuple[str, ...]) -> Iterator[Fault]:
    """A request for change lists at least one current allocation, unchanged or to change
    (TR352), and changes an allocation or asks for a new product (TR353)."""
    verzoek = find(ctx.message.root, _VERZOEK)
    if verzoek is not None and not any(has(verzoek, p) for p in any_of):
        yield Fault(verzoek)


@rule("TR380")
def new_product_starts_after_message(ctx: RuleContext) -> Iterator[Fault]:
    """A new product is asked for from a day after the message date. Provisional reading."""
    today = message_date(ctx.message.root)
    if today is None:
        return
    path = f"{_VERZOEK}/NieuweProducten/NieuwProduct/GewensteIngangsdatum"
    for ingang in find_all(ctx.message.root, path):
        day = date_of(ingang)
        if day is not None and day <= today:
            yield Fault(ingang, detail(ctx, "dagtekening", today.isoformat()))
