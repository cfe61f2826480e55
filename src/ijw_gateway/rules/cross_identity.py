"""Identity of a message against the outside world: unique Identificatie, clock, CBS codes.

TR056 needs the history (has this sender used the Identificatie before?); TR135 and
TR378 are level-4 checks against external sources (the system clock and the CBS list).
All three fault the Header, except a Woonplaatsbeginsel code in a JW319.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ijw_gateway.catalogue.gemeenten import is_valid_code
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.elements import Element, date_at, date_of, find, find_all, text_at
from ijw_gateway.rules._cross import header, parties_of
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules.base import Fault, RuleContext, rule

# Dates on which an older CBS list may still apply (TR378): the start of what was allocated
# or requested.
_REFERENCE_DATES = {
    "JW301": "Client/ToegewezenProducten/ToegewezenProduct/Ingangsdatum",
    "JW315": "Client/AangevraagdeProducten/AangevraagdProduct/ToewijzingIngangsdatum",
}


@rule("TR056")
def identification_unique(ctx: RuleContext) -> Iterator[Fault]:
    """A sender never reuses an Identificatie for the same message type."""
    history = ctx.history
    who = parties_of(ctx)
    if history.identification_used(who.sender, who.berichtcode, who.identificatie):
        yield Fault(header(ctx))


@rule("TR135")
def dagtekening_not_future(ctx: RuleContext) -> Iterator[Fault]:
    """The message date may not lie after the receiver's system date."""
    written = date_at(ctx.message.root, "Header/BerichtIdentificatie/Dagtekening")
    if written is not None and written > ctx.today:
        yield Fault(header(ctx))


def _reference_dates(ctx: RuleContext) -> list[date]:
    path = _REFERENCE_DATES.get(ctx.message.type)
    if path is None:
        return []
    found = (date_of(node) for node in find_all(ctx.message.root, path))
    return [day for day in found if day is not None]


def _municipal_codes(ctx: RuleContext) -> Iterator[tuple[Element, str, str]]:
    """(class, element name, code) of every municipality code in the message."""
    head = header(ctx)
    structure = MESSAGES[ctx.message.type]
    for name, kind in (("Afzender", structure.sender_type), ("Ontvanger", structure.receiver_type)):
        code = text_at(head, name)
        if kind == "LDT_Gemeente" and code is not None:
            yield head, name, code.strip()
    woonplaats = find(ctx.message.root, "Antwoord/Woonplaatsbeginsel")
    code = text_at(woonplaats, "Gemeente")
    if woonplaats is not None and code is not None:
        yield woonplaats, "Gemeente", code.strip()


@rule("TR378")
def municipality_code_known(ctx: RuleContext) -> Iterator[Fault]:
    """Every municipality code is in the CBS list (or an older one during a merger)."""
    dates = _reference_dates(ctx)
    for element, name, code in _municipal_codes(ctx):
        if not is_valid_code(code, dates):
            yield Fault(element, detail(ctx, "value", name, code))
