"""Does an envelope agree with the iJw message it carries? Pure.

The exchange routes on the envelope alone, so an envelope that names another message type,
sender or receiver than its payload would deliver the payload where it does not belong. A
Di01 carries a first message, a Du01 an answer (a retour or a JW325); ``functie`` names
the payload's type and ``functieVersie``/``functieSubversie`` its release; the envelope's
sender and receiver are the organisations the message travels from and to. The first
disagreement is returned with the Fo01 code that answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.releases import EXCHANGED
from ijw_gateway.catalogue.structure import ORIGINAL_OF
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding
from ijw_gateway.routing import DECLARATION_ANSWER, envelope_of
from ijw_gateway.routing import Envelope as Route
from ijw_gateway.stuf.faults import fault_code
from ijw_gateway.stuf.model import Envelope, versions_of


def kind_for(message_type: str) -> Literal["Di01", "Du01"]:
    """The envelope a message travels in: Du01 for an answer, Di01 for a first message."""
    return "Du01" if message_type in ORIGINAL_OF or message_type == DECLARATION_ANSWER else "Di01"


def shown(value: str | None) -> str:
    """A party code from an envelope as findings and Fo01 texts repeat it: only when it looks
    like one (4 or 8 digits), so no other text a sender wrote is echoed."""
    if value is not None and value.isdigit() and len(value) in (4, 8):
        return value
    return "(no party code)"


@dataclass(frozen=True)
class Disagreement:
    code: str  # the Fo01 code
    detail: str  # what disagrees, in codes only: "(functie JW301, message JW315)"

    def finding(self) -> Finding:
        return Finding(
            "schema", self.code, None, "/", 1, f"{fault_code(self.code).en} {self.detail}"
        )


def disagreement(
    envelope: Envelope, message_type: str, release: str, route: Route | None
) -> Disagreement | None:
    """The first way the envelope contradicts its payload, or None."""
    functie = envelope.routing.functie or ""
    if functie != message_type:
        named = functie if functie.isalnum() and len(functie) <= 10 else "(no message type)"
        return Disagreement("IB240", f"(functie {named}, message {message_type})")
    expected = kind_for(message_type)
    if envelope.kind != expected:
        return Disagreement(
            "IB240", f"({message_type} travels in a {expected}, not a {envelope.kind})"
        )
    versions = (envelope.functie_versie, envelope.functie_subversie)
    if versions != versions_of(release):
        wanted = "/".join(versions_of(release))
        return Disagreement(
            "IB240", f"(functie version {'/'.join(versions)}, release {release} is {wanted})"
        )
    if route is None:
        return None
    if envelope.routing.zender.organisatie != route.from_party:
        sender = shown(envelope.routing.zender.organisatie)
        return Disagreement("IB234", f"(zender {sender}, message from {shown(route.from_party)})")
    if envelope.routing.ontvanger.organisatie != route.to_party:
        receiver = shown(envelope.routing.ontvanger.organisatie)
        return Disagreement("IB102", f"(ontvanger {receiver}, message to {shown(route.to_party)})")
    return None


def payload_disagreement(envelope: Envelope) -> Disagreement | None:
    """``disagreement`` with the payload read here; None when the payload is no iJw
    message of the exchange's release to compare (the validator then says why: StUF055)."""
    try:
        root = xmlparse.parse(envelope.payload).getroot()
    except InputRejected:
        return None
    detected = detect(root)
    if not isinstance(detected, Detected) or detected.release not in EXCHANGED:
        return None
    route = envelope_of(root, detected.message)
    return disagreement(envelope, detected.message, detected.release, route)
