"""Within-message rules of the allocation message JW301: contacts, addresses, changes.

RULES.md §3.2. The allocation is the only message with contact details; the rules make
sure a provider can actually reach the client and the client's relations, and that a
change to an allocation is told with a reason the standard still allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ijw_gateway.elements import Element, child, date_at, find, find_all, has, text
from ijw_gateway.rules._detail import detail, exactly_when
from ijw_gateway.rules.base import Fault, RuleContext, rule

_CONTACTS = ("Client/Contactgegevens/Contact", "Client/Relaties/Relatie/Contact")
_ALLOCATIONS = "Client/ToegewezenProducten/ToegewezenProduct"
_DUTCH_POSTCODE = re.compile(r"[1-9][0-9]{3}[a-zA-Z]{2}")


def contacts(ctx: RuleContext) -> Iterator[Element]:
    """Every Contact of the client and of the client's relations."""
    for path in _CONTACTS:
        yield from find_all(ctx.message.root, path)


def addresses(ctx: RuleContext) -> Iterator[Element]:
    """Every Adres of every Contact."""
    for contact in contacts(ctx):
        adres = child(contact, "Adres")
        if adres is not None:
            yield adres


@rule("TR006")
def contact_is_reachable(ctx: RuleContext) -> Iterator[Fault]:
    """Every contact has a phone number or a house number with a postcode (or both)."""
    for contact in contacts(ctx):
        addressable = has(contact, "Adres/Huis") and has(contact, "Adres/Postcode")
        if not addressable and child(contact, "Telefoon") is None:
            yield Fault(contact)


@rule("TR061")
def client_has_home_contact(ctx: RuleContext) -> Iterator[Fault]:
    """The client has a BRP, correspondence or residence address among the contacts."""
    gegevens = find(ctx.message.root, "Client/Contactgegevens")
    if gegevens is None:
        return
    soorten = {text(child(c, "Soort")) for c in find_all(gegevens, "Contact")}
    if not soorten & {"01", "02", "03"}:
        yield Fault(gegevens)


@rule("CS335")
def deletion_has_empty_period(ctx: RuleContext) -> Iterator[Fault]:
    """RedenWijziging 13 (deleted) only with Einddatum equal to Ingangsdatum."""
    for allocation in find_all(ctx.message.root, _ALLOCATIONS):
        reden = child(allocation, "RedenWijziging")
        start, end = date_at(allocation, "Ingangsdatum"), date_at(allocation, "Einddatum")
        if reden is not None and text(reden) == "13" and (end is None or end != start):
            yield Fault(reden)


@rule("CS336")
def no_withdrawn_reason(ctx: RuleContext) -> Iterator[Fault]:
    """RedenWijziging 01 was withdrawn from the code list and may not be sent."""
    for reden in find_all(ctx.message.root, f"{_ALLOCATIONS}/RedenWijziging"):
        if text(reden) == "01":
            yield Fault(reden)


@rule("CD007")
def language_for_interpreter(ctx: RuleContext) -> Iterator[Fault]:
    """A language is given exactly when the client needs a language interpreter (Vorm 1)."""
    communicatie = find(ctx.message.root, "Client/Communicatie")
    if communicatie is None:
        return
    interpreter = text(child(communicatie, "Vorm")) == "1"
    yield from exactly_when(ctx, communicatie, "Taal", child(communicatie, "Taal"), interpreter)


@rule("CD009")
def period_only_for_temporary_address(ctx: RuleContext) -> Iterator[Fault]:
    """Only a temporary address (Soort 04) has a Periode."""
    for contact in contacts(ctx):
        periode = child(contact, "Periode")
        if periode is not None and text(child(contact, "Soort")) != "04":
            yield Fault(periode)


@rule("CD034")
def address_for_home_contact(ctx: RuleContext) -> Iterator[Fault]:
    """A BRP or residence contact (Soort 01, 03) comes with an Adres. Provisional reading."""
    for contact in contacts(ctx):
        if text(child(contact, "Soort")) in {"01", "03"} and child(contact, "Adres") is None:
            yield Fault(contact, detail(ctx, "missing", "Adres"))


@rule("CD005")
def country_with_postcode(ctx: RuleContext) -> Iterator[Fault]:
    """LandCode is given exactly when a Postcode is. Provisional reading of a Gap."""
    for adres in addresses(ctx):
        postcode = child(adres, "Postcode") is not None
        yield from exactly_when(ctx, adres, "LandCode", child(adres, "LandCode"), postcode)


@rule("CD025")
def postcode_for_dutch_address(ctx: RuleContext) -> Iterator[Fault]:
    """A Dutch address (LandCode NL) has a Postcode. Provisional reading of a Gap."""
    for adres in addresses(ctx):
        if text(child(adres, "LandCode")) == "NL" and child(adres, "Postcode") is None:
            yield Fault(adres, detail(ctx, "missing", "Postcode"))


@rule("CS089")
def dutch_postcode_format(ctx: RuleContext) -> Iterator[Fault]:
    """A Dutch postcode is four digits (not starting with 0) and two letters, no space."""
    for adres in addresses(ctx):
        postcode = child(adres, "Postcode")
        if text(child(adres, "LandCode")) != "NL" or postcode is None:
            continue
        if not _DUTCH_POSTCODE.fullmatch(text(postcode) or ""):
            yield Fault(postcode)
