"""The JW325 Declaratie-antwoord on a JW323 (IV087, TR342).

Unlike a retour, the JW325 travels under its own header — the municipality is the sender —
and says how much of the claim is granted. Its five shapes:

* nothing wrong: header ``0200``, ``DeclaratieAntwoord`` ``8001``, granted = claimed;
* a within-message rule failed: the header alone, with ``0001``;
* a fault in the header: the header alone, with the rule's code(s);
* a fault in the class ``Declaratie``: header ``0200``, ``DeclaratieAntwoord`` with the
  code(s), granted 0 and no clients (the declaration counts as not sent);
* faults below ``Declaratie``: header and ``DeclaratieAntwoord`` ``0200`` with the granted
  total; only refused Prestaties come back, under their Client (``0200``); a refused
  Client comes back with its code(s) and all its Prestaties, which get ``0233`` unless
  they have codes of their own.

Totals obey TR342: the signed sum of the refused Prestaties equals the signed claimed total
minus the signed granted total; an amount of 0 is always debit.
"""

from __future__ import annotations

from lxml import etree

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue, ModelError, class_to_json
from ijw_gateway.retour.build import (
    FULLY_GRANTED,
    NO_REMARK,
    NOT_ASSESSED,
    REJECTED,
    Stamp,
    coded,
    items,
    obj,
    text,
)
from ijw_gateway.retour.placing import HEADER, ClassPath, Verdict

_JW325 = MESSAGES["JW325"]
_JW323 = MESSAGES["JW323"]
_ANTWOORD = _JW325.classes["Root"][1].name  # "DeclaratieAntwoord"
_DECLARATIE = _JW323.classes["Root"][1].name  # "Declaratie"
_CLIENT = (_DECLARATIE, "Clienten", "Client")
_TOTALS = ("DeclaratieNummer", "TotaalIngediendBedrag")
_NS = f"{{{_JW323.namespace}}}"
ANTWOORD: ClassPath = ((_ANTWOORD, 1),)
CLIENTS: ClassPath = (*ANTWOORD, ("Clienten", 1))


def signed(amount: JsonValue, field: str) -> int:
    """A ``CDT_(Totaal)BedragMetDC`` as a signed number of cents: debit +, credit −."""
    data = obj(amount)
    value = int(text(data[field]))
    return -value if text(data["DebetCredit"]) == "C" else value


def total(cents: int) -> JsonObject:
    """A signed total as ``CDT_TotaalBedragMetDC``; zero is debit (CS325)."""
    return {"TotaalBedrag": str(abs(cents)), "DebetCredit": "C" if cents < 0 else "D"}


def _header(heen: JsonObject, stamp: Stamp) -> JsonObject:
    """Our own header: municipality to provider, pointing at the JW323 it answers."""
    header: JsonObject = {
        "BerichtCode": _JW325.berichtcode,
        "BerichtVersie": heen["BerichtVersie"],
        "BerichtSubversie": heen["BerichtSubversie"],
        "Afzender": heen["Ontvanger"],
        "Ontvanger": heen["Afzender"],
        "BerichtIdentificatie": {
            "Identificatie": stamp.identificatie,
            "Dagtekening": stamp.dagtekening,
        },
        "XsdVersie": dict(stamp.xsd_versie),
        "DeclaratieIdentificatie": heen["BerichtIdentificatie"],
        "XsdVersieDeclaratie": heen["XsdVersie"],
    }
    if stamp.xslt_versie:
        header["XsltVersie"] = stamp.xslt_versie
    return header


def _prestatie(data: JsonValue, codes: tuple[str, ...]) -> JsonObject:
    return {**obj(data), "RetourCodes": coded(codes)}


def _refused_client(client: JsonObject, here: ClassPath, found: Verdict) -> JsonObject | None:
    """The JW325 copy of one Client, or None when nothing of it is refused."""
    prestaties = items(obj(client["Prestaties"])["Prestatie"])
    own = found.codes(here)
    kept = []
    for j, prestatie in enumerate(prestaties, 1):
        codes = found.codes((*here, ("Prestaties", 1), ("Prestatie", j)))
        if own or codes:
            kept.append(_prestatie(prestatie, codes or (NOT_ASSESSED,)))
    if not kept:
        return None
    return {
        "Bsn": client["Bsn"],
        "Prestaties": {"Prestatie": list(kept)},
        "RetourCodes": coded(own or (NO_REMARK,)),
    }


def _refused_clients(declaratie: etree._Element, found: Verdict) -> list[JsonObject]:
    """The copies of the clients with a code of their own or on a Prestatie, each
    converted only when it is one of them (a valid 25 MB JW323 copies none)."""
    depth = len(CLIENTS)
    wanted = {w[depth][1] for w in found.placed if len(w) > depth and w[:depth] == CLIENTS}
    refused = []
    clienten = declaratie.find(f"{_NS}Clienten")
    for i, node in enumerate(() if clienten is None else clienten.iterfind(f"{_NS}Client"), 1):
        if i in wanted:
            client = class_to_json(node, _JW323.message, _CLIENT)
            copy = _refused_client(client, (*CLIENTS, ("Client", i)), found)
            if copy is not None:
                refused.append(copy)
    return refused


def _refused_sum(clients: list[JsonObject]) -> int:
    return sum(
        signed(obj(p)["IngediendBedrag"], "Bedrag")
        for c in clients
        for p in items(obj(c["Prestaties"])["Prestatie"])
    )


def _antwoord(declaratie: etree._Element, found: Verdict) -> JsonObject:
    """``DeclaratieAntwoord``: claimed and granted totals, refused clients, its codes."""
    totals = class_to_json(declaratie, _JW323.message, (_DECLARATIE,), _TOTALS)
    claimed = totals["TotaalIngediendBedrag"]
    antwoord: JsonObject = {
        "DeclaratieNummer": totals["DeclaratieNummer"],
        "TotaalIngediendBedrag": claimed,
    }
    if found.codes(ANTWOORD):
        antwoord["TotaalToegekendBedrag"] = total(0)
        antwoord["RetourCodes"] = coded(found.codes(ANTWOORD))
        return antwoord
    refused = _refused_clients(declaratie, found)
    granted = signed(claimed, "TotaalBedrag") - _refused_sum(refused)
    antwoord["TotaalToegekendBedrag"] = total(granted)
    if refused:
        antwoord["Clienten"] = {"Client": list(refused)}
    antwoord["RetourCodes"] = coded([NO_REMARK] if refused else [FULLY_GRANTED])
    return antwoord


def declaratie_antwoord(original: etree._Element, found: Verdict, stamp: Stamp) -> JsonObject:
    """The JSON model of the JW325 that answers the JW323 whose root is ``original``."""
    head = original.find(f"{_NS}Header")
    if head is None:
        raise ModelError("a JW323 without a Header")
    header = _header(class_to_json(head, _JW323.message, ("Header",)), stamp)
    model: JsonObject = {"message": _JW325.message, "release": _JW325.release, "Header": header}
    if found.refused:
        header["RetourCodes"] = coded([REJECTED])
    elif found.codes(HEADER):
        header["RetourCodes"] = coded(found.codes(HEADER))
    else:
        header["RetourCodes"] = coded([NO_REMARK])
        declaratie = original.find(f"{_NS}{_DECLARATIE}")
        if declaratie is None:
            raise ModelError("a JW323 without a Declaratie")
        model[_ANTWOORD] = _antwoord(declaratie, found)
    return model
