"""Within-message rules of the declaration (JW323) and its answer (JW325): amounts, references.

RULES.md §5.1 and the small XSD gap of §3.8. A declaration must add up, each debit and
credit must be unambiguous (a credit names the debit it reverses, exactly once), and the
answer's totals must account for every rejected Prestatie. Period rules are in
``within_declaration_periods``. Amounts are whole euro cents throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ijw_gateway.elements import Element, child, find, find_all, text, text_at
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._overlap import repeats
from ijw_gateway.rules.base import Fault, RuleContext, rule

BODY: Mapping[str, str] = {"JW323": "Declaratie", "JW325": "DeclaratieAntwoord"}
_ALNUM = re.compile(r"[a-zA-Z0-9]+")
# Codes on DeclaratieAntwoord that do not reject the declaration as a whole: no remark,
# granted, not assessed. Any other code there is a rejection of the whole (RULES.md §5.3).
_NOT_REJECTING = frozenset({"0200", "8001", "0233"})


def body(ctx: RuleContext) -> Element | None:
    """The Declaratie (323) or DeclaratieAntwoord (325) element."""
    name = BODY.get(ctx.message.type)
    return find(ctx.message.root, name) if name else None


def prestaties(ctx: RuleContext) -> list[Element]:
    """Every Prestatie of every Client, in document order."""
    declaratie = body(ctx)
    if declaratie is None:
        return []
    return find_all(declaratie, "Clienten/Client/Prestaties/Prestatie")


def whole(value: str | None) -> int | None:
    """A non-negative integer written in an element, or None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def signed(amount: Element | None, value: str = "Bedrag") -> int | None:
    """An amount with its DebetCredit as a signed number of cents (credit negative)."""
    cents = whole(text_at(amount, value))
    if cents is None:
        return None
    return -cents if text_at(amount, "DebetCredit") == "C" else cents


def _cents(value: int) -> str:
    return f"{'C' if value < 0 else 'D'} {abs(value)}"


def prestatie_sum(items: list[Element]) -> int | None:
    """The signed sum of the IngediendBedrag of ``items``; None if one is unreadable."""
    total = 0
    for prestatie in items:
        amount = signed(child(prestatie, "IngediendBedrag"))
        if amount is None:
            return None
        total += amount
    return total


@rule("TR358")
def total_matches_prestaties(ctx: RuleContext) -> Iterator[Fault]:
    """TotaalIngediendBedrag is the signed sum of all Prestaties (debit minus credit)."""
    totaal = find(body(ctx), "TotaalIngediendBedrag")
    declared = signed(totaal, "TotaalBedrag")
    computed = prestatie_sum(prestaties(ctx))
    if totaal is None or declared is None or computed is None or declared == computed:
        return
    yield Fault(totaal, detail(ctx, "sum", _cents(computed)))


def _vorige(ctx: RuleContext) -> list[Element]:
    return [
        v for p in prestaties(ctx) for v in find_all(p, "ProductReferentie/VorigReferentieNummer")
    ]


@rule("TR315")
def credit_once_per_debit(ctx: RuleContext) -> Iterator[Fault]:
    """A debit is credited at most once in one declaration."""
    for vorig, first in repeats((text(v) or "", v) for v in _vorige(ctx)):
        yield Fault(vorig, detail(ctx, "also_in", ctx.message.path(first)))


@rule("TR316")
def no_credit_of_same_message(ctx: RuleContext) -> Iterator[Fault]:
    """A credit does not reverse a debit that is sent in the same declaration."""
    own = {text_at(p, "ProductReferentie/ReferentieNummer") for p in prestaties(ctx)}
    for vorig in _vorige(ctx):
        if text(vorig) in own:
            yield Fault(vorig)


def _debit_key(prestatie: Element) -> tuple[str | None, ...]:
    nummer = (text(child(prestatie, "ToewijzingNummer")) or "").strip()
    return (
        text_at(prestatie, "ProductPeriode/Begindatum"),
        text_at(prestatie, "ProductPeriode/Einddatum"),
        text(child(prestatie, "ProductCategorie")),
        text(child(prestatie, "ProductCode")),
        str(int(nummer)) if nummer.isdigit() else nummer,
    )


@rule("TR416")
def one_debit_per_product_period(ctx: RuleContext) -> Iterator[Fault]:
    """One debit per allocation, product and period in a declaration."""
    debits = (p for p in prestaties(ctx) if text_at(p, "IngediendBedrag/DebetCredit") == "D")
    for prestatie, first in repeats((_debit_key(p), p) for p in debits):
        yield Fault(prestatie, detail(ctx, "same_key", ctx.message.path(first)))


@rule("CS339")
def euro_amount_equals_volume(ctx: RuleContext) -> Iterator[Fault]:
    """For Eenheid 83 (euro's) the declared amount equals the delivered volume in cents."""
    for prestatie in prestaties(ctx):
        bedrag = find(prestatie, "IngediendBedrag/Bedrag")
        if text(child(prestatie, "Eenheid")) != "83" or bedrag is None:
            continue
        volume, amount = whole(text(child(prestatie, "GeleverdVolume"))), whole(text(bedrag))
        if volume is not None and amount is not None and volume != amount:
            yield Fault(bedrag)


@rule("CD087")
def tariff_unless_euros(ctx: RuleContext) -> Iterator[Fault]:
    """A ProductTarief is given for every unit except euro's (83), and never for euro's."""
    for prestatie in prestaties(ctx):
        tarief = child(prestatie, "ProductTarief")
        euros = text(child(prestatie, "Eenheid")) == "83"
        if euros and tarief is not None:
            yield Fault(tarief)
        elif not euros and tarief is None:
            yield Fault(prestatie, detail(ctx, "missing", "ProductTarief"))


@rule("CD060")
def credit_names_its_debit(ctx: RuleContext) -> Iterator[Fault]:
    """A credit has a VorigReferentieNummer and a debit has none."""
    for prestatie in prestaties(ctx):
        referentie = child(prestatie, "ProductReferentie")
        vorig = find(referentie, "VorigReferentieNummer")
        credit = text_at(prestatie, "IngediendBedrag/DebetCredit") == "C"
        if credit and vorig is None and referentie is not None:
            yield Fault(referentie, detail(ctx, "missing", "VorigReferentieNummer"))
        elif not credit and vorig is not None:
            yield Fault(vorig)


_TOTALS: Mapping[str, tuple[str, ...]] = {
    "JW323": ("TotaalIngediendBedrag",),
    "JW325": ("TotaalIngediendBedrag", "TotaalToegekendBedrag"),
}


def _amounts(ctx: RuleContext) -> Iterator[tuple[Element, str]]:
    """(amount element, name of its value) for every total and every Prestatie amount."""
    declaratie = body(ctx)
    if declaratie is None:
        return
    for name in _TOTALS.get(ctx.message.type, ()):
        yield from ((a, "TotaalBedrag") for a in find_all(declaratie, name))
    for prestatie in prestaties(ctx):
        yield from ((a, "Bedrag") for a in find_all(prestatie, "IngediendBedrag"))


@rule("CS325")
def zero_is_debit(ctx: RuleContext) -> Iterator[Fault]:
    """An amount of zero is always marked D (debit), never C."""
    for amount, value in _amounts(ctx):
        dc = child(amount, "DebetCredit")
        if whole(text(child(amount, value))) == 0 and dc is not None and text(dc) != "D":
            yield Fault(dc)


@rule("CS319")
def declaration_number_alphanumeric(ctx: RuleContext) -> Iterator[Fault]:
    """DeclaratieNummer holds only letters and digits (blank values are RS033's)."""
    nummer = find(body(ctx), "DeclaratieNummer")
    value = text(nummer) or ""
    if nummer is not None and value.strip() and not _ALNUM.fullmatch(value):
        yield Fault(nummer)


# The XSD gap of RULES.md §3.8: these types have a minimum length but no non-blank pattern.
_REFERENCES = ("ProductReferentie/ReferentieNummer", "ProductReferentie/VorigReferentieNummer")


@rule("RS033")
def references_not_blank(ctx: RuleContext) -> Iterator[Fault]:
    """References and the JW325 DeclaratieNummer contain more than spaces."""
    candidates: list[Element] = []
    if ctx.message.type == "JW325":
        candidates += find_all(ctx.message.root, "DeclaratieAntwoord/DeclaratieNummer")
    for prestatie in prestaties(ctx):
        for path in _REFERENCES:
            candidates += find_all(prestatie, path)
    for element in candidates:
        if not (text(element) or "").strip():
            yield Fault(element)


def answer_rejected(antwoord: Element) -> bool:
    """Whether the DeclaratieAntwoord itself carries a rejecting retourcode."""
    codes = {text(c) for c in find_all(antwoord, "RetourCodes/RetourCode")}
    return bool(codes - _NOT_REJECTING)


@rule("TR342")
def answer_accounts_for_rejections(ctx: RuleContext) -> Iterator[Fault]:
    """The answer's totals match the Prestaties it returns as rejected."""
    antwoord = body(ctx)
    if antwoord is None:
        return
    toegekend = child(antwoord, "TotaalToegekendBedrag")
    granted = signed(toegekend, "TotaalBedrag")
    if answer_rejected(antwoord):
        clienten = child(antwoord, "Clienten")
        if clienten is not None:
            yield Fault(clienten, detail(ctx, "whole_rejected"))
        if toegekend is not None and granted not in (None, 0):
            yield Fault(toegekend, detail(ctx, "whole_rejected"))
        return
    submitted = signed(child(antwoord, "TotaalIngediendBedrag"), "TotaalBedrag")
    returned = prestatie_sum(prestaties(ctx))
    if toegekend is None or submitted is None or granted is None or returned is None:
        return
    if submitted - granted != returned:
        why = detail(ctx, "answer_sum", _cents(submitted), _cents(returned))
        yield Fault(toegekend, why)
