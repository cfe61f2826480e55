"""From a message to history records: pure, and shared by the rules and every store.

The rules read the *current* message through the same functions that record it, so a
rule compares like with like (a ``CareClass`` in the message against the ``CareClass``es
received before). ``Located`` keeps the element a record came from, because findings
point at the class in which the fault sits.

``facts`` decides what an accepted message adds to the history. A message with any
finding counts as never sent (OP286) and adds nothing, with one exception: a JW323
whose findings all sit inside Clients is processed per Prestatie (IV087), so it is
recorded with the refused Prestaties marked ``rejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Generic, Literal, TypeVar

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.elements import Element, Fields, date_at, find, find_all, parse_date, text_at
from ijw_gateway.errors import IjwGatewayError
from ijw_gateway.findings import Report
from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Facts,
    MessageId,
    Omvang,
    Prestatie,
    Rejection,
    Request,
)
from ijw_gateway.validation import ParsedMessage, per_message

T = TypeVar("T")

GRANTED_CODES = frozenset({"0200", "8001"})
"""JW325 codes on the header and DeclaratieAntwoord that do not refuse the declaration."""
COUNTED_LEVELS = frozenset({"history", "contract"})
"""Finding levels that refuse single Prestaties of a JW323 instead of the message."""


class ExtractError(IjwGatewayError):
    """A message lacks an element its schema makes mandatory (it was not schema-valid)."""


@dataclass(frozen=True)
class Located(Generic[T]):
    """A record together with the element (class) it was read from."""

    element: Element
    record: T


@dataclass(frozen=True)
class Parties:
    """Who a message is between, whatever its direction, and how it identifies itself."""

    gemeente: str
    agb: str
    sender: str
    berichtcode: str
    identificatie: str
    dagtekening: date


def _need(element: Element | None, path: str) -> str:
    value = text_at(element, path)
    if value is None:
        raise ExtractError(f"missing {path}")
    return value.strip()


def _opt(element: Element | None, path: str) -> str | None:
    value = text_at(element, path)
    return value.strip() if value is not None else None


def _need_date(element: Element, path: str) -> date:
    value = date_at(element, path)
    if value is None:
        raise ExtractError(f"missing or invalid date {path}")
    return value


class _Facts(Fields):
    """A class's texts (``Fields``) as the facts of a record: stripped, parsed, required."""

    def opt(self, path: str) -> str | None:
        value = self.text(path)
        return value.strip() if value is not None else None

    def need(self, path: str) -> str:
        value = self.opt(path)
        if value is None:
            raise ExtractError(f"missing {path}")
        return value

    def day(self, path: str) -> date | None:
        return parse_date(self.text(path))

    def need_day(self, path: str) -> date:
        value = self.day(path)
        if value is None:
            raise ExtractError(f"missing or invalid date {path}")
        return value

    def opt_int(self, path: str) -> int | None:
        value = self.opt(path)
        return int(value) if value is not None else None


@per_message
def parties(message: ParsedMessage) -> Parties:
    """The municipality and provider of a message, read from its header."""
    header = find(message.root, "Header")
    structure = MESSAGES[message.type]
    sender, receiver = _need(header, "Afzender"), _need(header, "Ontvanger")
    municipal = structure.sender_type == "LDT_Gemeente"
    dagtekening = date_at(header, "BerichtIdentificatie/Dagtekening")
    if dagtekening is None:
        raise ExtractError("missing Dagtekening")
    return Parties(
        gemeente=sender if municipal else receiver,
        agb=receiver if municipal else sender,
        sender=sender,
        berichtcode=_need(header, "BerichtCode"),
        identificatie=_need(header, "BerichtIdentificatie/Identificatie"),
        dagtekening=dagtekening,
    )


def _omvang(fields: _Facts) -> Omvang | None:
    if not fields.has("Omvang"):
        return None
    volume = int(fields.need("Omvang/Volume"))
    return Omvang(volume, fields.need("Omvang/Eenheid"), fields.need("Omvang/Frequentie"))


def _allocation(tp: Element, who: Parties, bsn: str) -> Allocation:
    fields = _Facts(tp)
    stamp = datetime.combine(
        fields.need_day("Toewijzingsdatum"), time.fromisoformat(fields.need("Toewijzingstijd"))
    )
    return Allocation(
        gemeente=who.gemeente,
        nummer=int(fields.need("ToewijzingNummer")),
        agb=who.agb,
        bsn=bsn,
        categorie=fields.opt("Product/Categorie"),
        code=fields.opt("Product/Code"),
        ingangsdatum=fields.need_day("Ingangsdatum"),
        einddatum=fields.day("Einddatum"),
        reden_wijziging=fields.opt("RedenWijziging"),
        omvang=_omvang(fields),
        budget=fields.opt_int("Budget"),
        toegewezen_op=stamp,
        referentie_aanbieder=fields.opt("ReferentieAanbieder"),
    )


@per_message
def allocations(message: ParsedMessage) -> list[Located[Allocation]]:
    """The ToegewezenProducten of a JW301."""
    if message.type != "JW301":
        return []
    who, bsn = parties(message), _need(message.root, "Client/Bsn")
    products = find_all(message.root, "Client/ToegewezenProducten/ToegewezenProduct")
    return [Located(tp, _allocation(tp, who, bsn)) for tp in products]


_REQUEST_PATHS = {
    "JW315": "Client/AangevraagdeProducten/AangevraagdProduct",
    "JW317": "Client/Verzoek",
}


@per_message
def requests(message: ParsedMessage) -> list[Located[Request]]:
    """The request references of a JW315 (per AangevraagdProduct) or JW317 (the Verzoek)."""
    if message.type not in _REQUEST_PATHS:
        return []
    kind: Literal["JW315", "JW317"] = "JW315" if message.type == "JW315" else "JW317"
    who, bsn = parties(message), _need(message.root, "Client/Bsn")
    found = []
    for node in find_all(message.root, _REQUEST_PATHS[kind]):
        ref = _need(node, "ReferentieAanbieder")
        product = (_opt(node, "Product/Categorie"), _opt(node, "Product/Code"))
        request = Request(
            kind, who.gemeente, who.agb, bsn, ref, who.identificatie, who.dagtekening, *product
        )
        found.append(Located(node, request))
    return found


@per_message
def answers(message: ParsedMessage) -> list[Located[Answer]]:
    """A JW319 Antwoord, or the JW301 products that carry a ReferentieAanbieder."""
    if message.type not in ("JW319", "JW301"):
        return []
    who = parties(message)
    if message.type == "JW319":
        node = find(message.root, "Antwoord")
        if node is None:
            return []
        ref, verdict = _need(node, "ReferentieAanbieder"), _need(node, "VerzoekAntwoord")
        reden = _opt(node, "RedenAfwijzingVerzoek")
        answer = Answer("JW319", who.gemeente, who.agb, ref, verdict, who.dagtekening, reden)
        return [Located(node, answer)]
    found = []
    for located in allocations(message):
        ref_or_none = located.record.referentie_aanbieder
        if ref_or_none is not None:
            answer = Answer("JW301", who.gemeente, who.agb, ref_or_none, None, who.dagtekening)
            found.append(Located(located.element, answer))
    return found


def _care(node: Element, kind: str, who: Parties, bsn: str) -> CareClass:
    fields = _Facts(node)
    return CareClass(
        kind="start" if kind == "JW305" else "stop",
        gemeente=who.gemeente,
        agb=who.agb,
        bsn=bsn,
        nummer=fields.opt_int("ToewijzingNummer"),
        categorie=fields.opt("Product/Categorie"),
        code=fields.opt("Product/Code"),
        begindatum=fields.need_day("Begindatum"),
        einddatum=fields.day("Einddatum"),
        reden=fields.opt("RedenBeeindiging"),
        status=fields.need("StatusAanlevering"),
    )


@per_message
def care(message: ParsedMessage) -> list[Located[CareClass]]:
    """The StartProducten of a JW305 or StopProducten of a JW307, in document order."""
    paths = {
        "JW305": "Client/StartProducten/StartProduct",
        "JW307": "Client/StopProducten/StopProduct",
    }
    if message.type not in paths:
        return []
    who, bsn = parties(message), _need(message.root, "Client/Bsn")
    nodes = find_all(message.root, paths[message.type])
    return [Located(node, _care(node, message.type, who, bsn)) for node in nodes]


@per_message
def declaration(message: ParsedMessage) -> Located[Declaration] | None:
    """The Declaratie class of a JW323."""
    node = find(message.root, "Declaratie")
    if message.type != "JW323" or node is None:
        return None
    who = parties(message)
    record = Declaration(
        gemeente=who.gemeente,
        agb=who.agb,
        identificatie=who.identificatie,
        dagtekening=who.dagtekening,
        nummer=_need(node, "DeclaratieNummer"),
        periode_begin=_need_date(node, "DeclaratiePeriode/Begindatum"),
        periode_eind=_need_date(node, "DeclaratiePeriode/Einddatum"),
        xsd_versie=xsd_versie(message.root, "Header/XsdVersie"),
    )
    return Located(node, record)


def xsd_versie(root: Element, path: str) -> tuple[str, str]:
    """(BasisschemaXsdVersie, BerichtXsdVersie) at ``path``."""
    node = find(root, path)
    return (_need(node, "BasisschemaXsdVersie"), _need(node, "BerichtXsdVersie"))


def _prestatie(node: Element, who: Parties, bsn: str, declaratie: str) -> Prestatie:
    fields = _Facts(node)
    return Prestatie(
        gemeente=who.gemeente,
        agb=who.agb,
        bsn=bsn,
        declaratie=declaratie,
        referentie=fields.need("ProductReferentie/ReferentieNummer"),
        vorig_referentie=fields.opt("ProductReferentie/VorigReferentieNummer"),
        nummer=int(fields.need("ToewijzingNummer")),
        categorie=fields.need("ProductCategorie"),
        code=fields.need("ProductCode"),
        begindatum=fields.need_day("ProductPeriode/Begindatum"),
        einddatum=fields.need_day("ProductPeriode/Einddatum"),
        volume=int(fields.need("GeleverdVolume")),
        eenheid=fields.need("Eenheid"),
        tarief=fields.opt_int("ProductTarief"),
        bedrag=int(fields.need("IngediendBedrag/Bedrag")),
        debet_credit=fields.need("IngediendBedrag/DebetCredit"),
    )


@per_message
def prestaties(message: ParsedMessage) -> list[Located[Prestatie]]:
    """The Prestaties of a JW323, or those a JW325 lists, in document order."""
    if message.type == "JW323":
        clients_path, declaratie_path = "Declaratie/Clienten/Client", "Header/BerichtIdentificatie"
    elif message.type == "JW325":
        clients_path = "DeclaratieAntwoord/Clienten/Client"
        declaratie_path = "Header/DeclaratieIdentificatie"
    else:
        return []
    who = parties(message)
    declaratie = _need(message.root, f"{declaratie_path}/Identificatie")
    found = []
    for client in find_all(message.root, clients_path):
        bsn = _need(client, "Bsn")
        for node in find_all(client, "Prestaties/Prestatie"):
            found.append(Located(node, _prestatie(node, who, bsn, declaratie)))
    return found


def message_id(message: ParsedMessage) -> MessageId:
    who = parties(message)
    return MessageId(who.sender, who.berichtcode, who.identificatie, who.dagtekening)


def _ancestors(path: str) -> list[str]:
    """``/Bericht/Declaratie/Clienten`` -> ``/Bericht``, ``/Bericht/Declaratie``."""
    return [path[:i] for i, char in enumerate(path) if char == "/" and i > 0]


def _refused(report: Report) -> Callable[[str], bool]:
    """Whether a finding sits on the class at a path, inside it or on an ancestor.

    Sets of the findings' paths and their ancestors, built once: asking every finding
    about every Prestatie cost n² for a declaration with a finding on each of n lines.
    """
    on = {f.path for f in report.findings}
    below = {ancestor for path in on for ancestor in _ancestors(path)}

    def refused(path: str) -> bool:
        return path in on or path in below or any(a in on for a in _ancestors(path))

    return refused


def _counts_per_prestatie(report: Report) -> bool:
    """A JW323 report whose findings all refuse Prestaties or Clients, not the message."""
    return all(f.level in COUNTED_LEVELS and "/Clienten/Client" in f.path for f in report.findings)


def _declaration_facts(message: ParsedMessage, report: Report) -> Facts | None:
    if not _counts_per_prestatie(report):  # refused as a whole: nothing to read (or readable)
        return None
    located = declaration(message)
    if located is None:
        return None
    refused = _refused(report)
    marked = tuple(
        _with_rejected(p.record, refused(message.path(p.element))) for p in prestaties(message)
    )
    return Facts(message_id(message), declaration=located.record, prestaties=marked)


def _with_rejected(prestatie: Prestatie, rejected: bool) -> Prestatie:
    return replace(prestatie, rejected=True) if rejected else prestatie


def _codes(element: Element | None) -> set[str]:
    if element is None:
        return set()
    return {(c.text or "").strip() for c in find_all(element, "RetourCodes/RetourCode")}


def _answer_facts(message: ParsedMessage) -> Facts:
    """A JW325 refuses the whole declaration, or the Prestaties it lists (TR342)."""
    who = parties(message)
    declaratie = _need(message.root, "Header/DeclaratieIdentificatie/Identificatie")
    body = find(message.root, "DeclaratieAntwoord")
    header_codes = _codes(find(message.root, "Header"))
    if body is None or not (header_codes | _codes(body)) <= GRANTED_CODES:
        whole = (Rejection(who.gemeente, who.agb, declaratie, None),)
        return Facts(message_id(message), rejections=whole)
    listed = tuple(
        Rejection(who.gemeente, who.agb, declaratie, p.record.referentie)
        for p in prestaties(message)
    )
    return Facts(message_id(message), rejections=listed)


def facts(message: ParsedMessage, report: Report) -> Facts | None:
    """What ``message`` adds to the history given its report; None when it counts as unsent."""
    if not report.schema_valid:
        return None
    if message.type == "JW323":
        return _declaration_facts(message, report)
    if report.findings:
        return None
    if message.type == "JW325":
        return _answer_facts(message)
    return Facts(
        message_id(message),
        allocations=tuple(a.record for a in allocations(message)),
        requests=tuple(r.record for r in requests(message)),
        answers=tuple(a.record for a in answers(message)),
        care=tuple(c.record for c in care(message)),
    )
