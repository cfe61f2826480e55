"""Envelope bytes <-> values: read a Di01, Du01, Fo01 or Bv03 (bare or in SOAP 1.1), write one.

Reading goes through ``xmlparse`` like every other input (no DTDs or entities, size and
depth limits, UTF-8 without BOM) and checks the envelope against our own schema; every
problem becomes a finding whose ``rule`` is the Fo01 code that answers it, never an
exception. The one text node that may be large (the base64 payload, up to 25 MB) is
decoded once; all other work is a walk over a few dozen elements.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from typing import Literal

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.elements import local_name
from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding
from ijw_gateway.stuf import schema
from ijw_gateway.stuf.model import (
    GGK,
    KIND_OF_TAG,
    SOAP,
    STUF,
    TAGS,
    Envelope,
    Fault,
    Kind,
    Receipt,
    Routing,
    System,
)
from ijw_gateway.xmlpath import line_of

MAX_ENVELOPE = xmlparse.MAX_BYTES + 64 * 1024  # 25 MB, and room for the SOAP wrapping
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_SYSTEM_FIELDS = ("organisatie", "applicatie", "administratie", "gebruiker")


@dataclass(frozen=True)
class Received:
    """What an envelope said, as far as it could be read, and what is wrong with it."""

    kind: Kind | None
    soap: bool
    findings: tuple[Finding, ...]
    routing: Routing | None = None
    envelope: Envelope | None = None  # a Di01 or Du01 that passed the schema
    fault: Fault | None = None  # a Fo01, as far as it could be read
    payload: bytes | None = None  # the carried bytes, also of an invalid envelope if readable
    versions: tuple[str, str, str, str] | None = None  # applicatie and functie (sub)versions

    @property
    def valid(self) -> bool:
        return not self.findings

    @property
    def code(self) -> str | None:
        """The Fo01 code that answers this envelope; None when it is valid."""
        return next((f.rule for f in self.findings if f.rule), None)


def _problem(code: str, text: str, path: str = "/", line: int = 1) -> Finding:
    return Finding("schema", code, None, path, line, text)


def read(data: bytes) -> Received:
    """Read untrusted envelope bytes; never raises for bad input."""
    if len(data) > MAX_ENVELOPE:
        size = f"{len(data) / 1_048_576:.1f} MB"
        return Received(
            None, False, (_problem("IB007", f"The envelope is {size}; at most 25 MB."),)
        )
    try:
        tree = xmlparse.parse(data, max_bytes=MAX_ENVELOPE, huge_text=True)
    except InputRejected as rejected:
        return Received(None, False, (replace(rejected.finding, level="schema", rule="RIN001"),))
    root = tree.getroot()
    soap = root.tag == f"{{{SOAP}}}Envelope"
    element, problem = _unwrap(root) if soap else (root, None)
    if element is None:
        assert problem is not None
        return Received(None, soap, (problem,))
    kind = KIND_OF_TAG.get(element.tag)
    if kind is None:
        return Received(None, soap, (_not_an_envelope(element),))
    return _fields(kind, soap, element, tuple(schema.check(element)))


def is_envelope_root(root: etree._Element) -> bool:
    """Does this document look like an envelope (or SOAP) rather than a bare message?"""
    return root.tag == f"{{{SOAP}}}Envelope" or root.tag in KIND_OF_TAG


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _unwrap(root: etree._Element) -> tuple[etree._Element | None, Finding | None]:
    """The one element in a SOAP 1.1 Body; a Header may come first and is not read, but a
    header the sender says must be understood is refused (SOAP 1.1, 4.2.3)."""
    parts = _children(root)
    if not parts or parts[-1].tag != f"{{{SOAP}}}Body" or len(parts) > 2:
        return None, _problem("RIN001", "A SOAP Envelope holds an optional Header and a Body.")
    if len(parts) == 2:
        if parts[0].tag != f"{{{SOAP}}}Header":
            return None, _problem("RIN001", "A SOAP Envelope holds an optional Header and a Body.")
        for header in _children(parts[0]):
            if header.get(f"{{{SOAP}}}mustUnderstand") in ("1", "true"):
                text = "The SOAP Header holds a block that must be understood; none is."
                return None, _problem("RIN001", text, "/Envelope/Header", line_of(header))
    body = _children(parts[-1])
    if len(body) != 1:
        text = f"The SOAP Body holds {len(body)} elements; it must hold one envelope."
        return None, _problem("RIN001", text, "/Envelope/Body", line_of(parts[-1]))
    return body[0], None


def _not_an_envelope(element: etree._Element) -> Finding:
    name, namespace = local_name(element), etree.QName(element).namespace or "no namespace"
    text = (
        f"<{name}> ({namespace}) is not a StUF-GGk envelope: expected a ggk0210 Di01 or Du01, "
        "or a StUF Fo01 or Bv03."
    )
    return _problem("RIN001", text, f"/{name}", line_of(element))


def _find(element: etree._Element | None, *steps: str) -> etree._Element | None:
    """Follow ``ns:name`` steps (ns is ``GGK`` or ``StUF``); None where one is missing."""
    for step in steps:
        if element is None:
            return None
        prefix, _, name = step.partition(":")
        element = element.find(f"{{{GGK if prefix == 'GGK' else STUF}}}{name}")
    return element


def _text(element: etree._Element | None, *steps: str) -> str | None:
    found = _find(element, *steps)
    return found.text if found is not None and found.text is not None else None


def _system(element: etree._Element | None) -> System:
    values = {name: _text(element, f"StUF:{name}") for name in _SYSTEM_FIELDS}
    return System(
        values["organisatie"],
        values["applicatie"] or "",
        values["administratie"],
        values["gebruiker"],
    )


def _routing(kind: Kind, element: etree._Element) -> Routing:
    block = _find(
        element, "GGK:stuurgegevens" if kind in ("Di01", "Du01") else "StUF:stuurgegevens"
    )
    return Routing(
        _system(_find(block, "StUF:zender")),
        _system(_find(block, "StUF:ontvanger")),
        _text(block, "StUF:referentienummer") or "",
        _text(block, "StUF:tijdstipBericht") or "",
        _text(block, "StUF:crossRefnummer"),
        _text(block, "StUF:functie"),
    )


def _decode(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _fields(
    kind: Kind, soap: bool, element: etree._Element, found: tuple[Finding, ...]
) -> Received:
    routing = _routing(kind, element)
    if kind in ("Fo01", "Bv03"):
        fault = _fault(routing, element) if kind == "Fo01" else None
        return Received(kind, soap, found, routing, fault=fault)
    parameters = _find(element, "GGK:parameters")
    names = ("applicatieVersie", "applicatieSubversie", "functieVersie", "functieSubversie")
    texts = [_text(parameters, f"GGK:{name}") or "" for name in names]
    versions = (texts[0], texts[1], texts[2], texts[3])
    xml = _find(parameters, "GGK:bericht", "GGK:xmlBestand")
    text_file = _find(parameters, "GGK:bericht", "GGK:tekstBestand")
    carrier = xml if xml is not None else text_file
    payload = _decode(carrier.text if carrier is not None else None)
    envelope = None
    if not found and payload is not None and kind in ("Di01", "Du01"):
        name = text_file.get("bestandsnaam") if text_file is not None else None
        envelope = Envelope(kind, routing, *versions, payload, name)
    return Received(kind, soap, found, routing, envelope, None, payload, versions)


def _fault(routing: Routing, element: etree._Element) -> Fault:
    body = _find(element, "StUF:body")
    plek: Literal["client", "server"] = (
        "server" if _text(body, "StUF:plek") == "server" else "client"
    )
    return Fault(
        routing,
        _text(body, "StUF:code") or "",
        plek,
        _text(body, "StUF:omschrijving") or "",
        _text(body, "StUF:details"),
    )


# Writing ------------------------------------------------------------------------------


def _add(
    parent: etree._Element, namespace: str, name: str, text: str | None = None
) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        child.text = text
    return child


def _add_system(parent: etree._Element, name: str, system: System) -> None:
    block = _add(parent, STUF, name)
    for field in _SYSTEM_FIELDS:
        value = getattr(system, field)
        if value is not None:
            _add(block, STUF, field, value)


def _add_routing(parent: etree._Element, code: str, routing: Routing, functie: bool) -> None:
    _add(parent, STUF, "berichtcode", code)
    _add_system(parent, "zender", routing.zender)
    _add_system(parent, "ontvanger", routing.ontvanger)
    _add(parent, STUF, "referentienummer", routing.referentienummer)
    _add(parent, STUF, "tijdstipBericht", routing.tijdstip)
    if routing.cross_refnummer is not None:
        _add(parent, STUF, "crossRefnummer", routing.cross_refnummer)
    if functie:
        _add(parent, STUF, "functie", routing.functie)


def _envelope_element(envelope: Envelope) -> etree._Element:
    envelope.check()
    root = etree.Element(TAGS[envelope.kind], nsmap={"GGK": GGK, "StUF": STUF})
    _add_routing(_add(root, GGK, "stuurgegevens"), envelope.kind, envelope.routing, True)
    parameters = _add(root, GGK, "parameters")
    _add(parameters, GGK, "applicatieVersie", envelope.applicatie_versie)
    _add(parameters, GGK, "applicatieSubversie", envelope.applicatie_subversie)
    _add(parameters, GGK, "functieVersie", envelope.functie_versie)
    _add(parameters, GGK, "functieSubversie", envelope.functie_subversie)
    bericht = _add(parameters, GGK, "bericht")
    encoded = base64.b64encode(envelope.payload).decode("ascii")
    if envelope.bestandsnaam is None:
        _add(bericht, GGK, "xmlBestand", encoded)
    else:
        _add(bericht, GGK, "tekstBestand", encoded).set("bestandsnaam", envelope.bestandsnaam)
    return root


def _fault_element(fault: Fault) -> etree._Element:
    root = etree.Element(TAGS["Fo01"], nsmap={"StUF": STUF})
    _add_routing(_add(root, STUF, "stuurgegevens"), "Fo01", fault.routing, False)
    body = _add(root, STUF, "body")
    _add(body, STUF, "code", fault.code)
    _add(body, STUF, "plek", fault.plek)
    _add(body, STUF, "omschrijving", fault.omschrijving)
    if fault.details is not None:
        _add(body, STUF, "details", fault.details)
    return root


def _receipt_element(receipt: Receipt) -> etree._Element:
    root = etree.Element(TAGS["Bv03"], nsmap={"StUF": STUF})
    _add_routing(_add(root, STUF, "stuurgegevens"), "Bv03", receipt.routing, False)
    return root


def write(message: Envelope | Fault | Receipt, soap: bool = False) -> bytes:
    """The bytes of an envelope or answer: UTF-8 without BOM, bare or in a SOAP 1.1 Envelope.
    An envelope the exchange would refuse (a reference that is not a UUID v4 …) raises
    ``UsageError`` instead of being written."""
    if isinstance(message, Envelope):
        element = _envelope_element(message)
    elif isinstance(message, Fault):
        element = _fault_element(message)
    else:
        element = _receipt_element(message)
    if soap:
        wrapper = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP})
        _add(wrapper, SOAP, "Body").append(element)
        element = wrapper
    return _DECLARATION + etree.tostring(element, encoding="UTF-8", xml_declaration=False)


def write_soap_fault(text: str) -> bytes:
    """A SOAP 1.1 Fault from the server: the sender should try again later."""
    wrapper = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP})
    fault = _add(_add(wrapper, SOAP, "Body"), SOAP, "Fault")
    etree.SubElement(fault, "faultcode").text = "soapenv:Server"
    etree.SubElement(fault, "faultstring").text = text
    return _DECLARATION + etree.tostring(wrapper, encoding="UTF-8", xml_declaration=False)
