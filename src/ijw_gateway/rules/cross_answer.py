"""JW325 (declaratie-antwoord) against the JW323 it answers.

A JW325 names its declaration by ``Header/DeclaratieIdentificatie`` and may list only
Prestaties of that declaration, unchanged. TR337, TR371 and TR376 have no retourcode in
the standard (a JW325 gets no return message), so their findings carry none.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import date_at, find, text_at
from ijw_gateway.history import extract
from ijw_gateway.history.model import Declaration, History, Prestatie
from ijw_gateway.rules._cross import header, parties_of
from ijw_gateway.rules.base import Fault, RuleContext, rule

DECLARATIE_ID = "Header/DeclaratieIdentificatie"


def _identification(ctx: RuleContext) -> str:
    return (text_at(ctx.message.root, f"{DECLARATIE_ID}/Identificatie") or "").strip()


def _answered(ctx: RuleContext) -> tuple[History, Declaration | None] | None:
    """The history and the declaration the JW325 names (None when it names none)."""
    history = ctx.lookups.history
    if history is None or ctx.message.type != "JW325":
        return None
    who = parties_of(ctx)
    found = history.declaration(who.gemeente, who.agb, _identification(ctx))
    dagtekening = date_at(ctx.message.root, f"{DECLARATIE_ID}/Dagtekening")
    if found is not None and found.dagtekening != dagtekening:
        found = None
    return history, found


def _declaration(ctx: RuleContext) -> Declaration | None:
    answered = _answered(ctx)
    return answered[1] if answered is not None else None


@rule("TR337")
def answers_known_declaration(ctx: RuleContext) -> Iterator[Fault]:
    """DeclaratieIdentificatie names a JW323 this provider sent to this municipality."""
    answered = _answered(ctx)
    if answered is not None and answered[1] is None:
        yield Fault(header(ctx))


@rule("TR376")
def same_declaration_number(ctx: RuleContext) -> Iterator[Fault]:
    """DeclaratieNummer equals that of the answered JW323."""
    declaration, body = _declaration(ctx), find(ctx.message.root, "DeclaratieAntwoord")
    if declaration is None or body is None:
        return
    if (text_at(body, "DeclaratieNummer") or "").strip() != declaration.nummer:
        yield Fault(body)


@rule("TR371")
def same_xsd_version(ctx: RuleContext) -> Iterator[Fault]:
    """XsdVersieDeclaratie repeats the XsdVersie of the answered JW323."""
    declaration = _declaration(ctx)
    if declaration is None:
        return
    if extract.xsd_versie(ctx.message.root, "Header/XsdVersieDeclaratie") != declaration.xsd_versie:
        yield Fault(header(ctx))


def _values(p: Prestatie) -> tuple[object, ...]:
    """Everything a returned Prestatie must repeat unchanged (the client is TR304)."""
    return (
        p.referentie,
        p.vorig_referentie,
        p.nummer,
        p.categorie,
        p.code,
        p.begindatum,
        p.einddatum,
        p.volume,
        p.eenheid,
        p.tarief,
        p.bedrag,
        p.debet_credit,
    )


def _returned(ctx: RuleContext) -> Iterator[tuple[extract.Located[Prestatie], list[Prestatie]]]:
    """Each returned Prestatie with the declared ones of the same ProductReferentie."""
    answered = _answered(ctx)
    if answered is None or answered[1] is None:
        return
    history, declaration = answered[0], answered[1]
    declared = history.prestaties_of(
        declaration.gemeente, declaration.agb, declaration.identificatie
    )
    for located in extract.prestaties(ctx.message):
        ref = (located.record.referentie, located.record.vorig_referentie)
        yield located, [p for p in declared if (p.referentie, p.vorig_referentie) == ref]


@rule("TR366")
def returned_was_declared(ctx: RuleContext) -> Iterator[Fault]:
    """Each returned ProductReferentie occurs in the answered JW323."""
    for located, matches in _returned(ctx):
        if not matches:
            yield Fault(located.element)


@rule("TR367")
def returned_unchanged(ctx: RuleContext) -> Iterator[Fault]:
    """A returned Prestatie repeats the declared values."""
    for located, matches in _returned(ctx):
        if matches and all(_values(m) != _values(located.record) for m in matches):
            yield Fault(located.element)


def answer_other_client(ctx: RuleContext) -> Iterator[Fault]:
    """TR304 in a JW325: the Prestatie is returned under another client than declared."""
    for located, matches in _returned(ctx):
        if matches and all(m.bsn != located.record.bsn for m in matches):
            yield Fault(located.element)
