"""The answers to a received envelope: a Fo01 (refused), a Bv03 (received) or a Du01
(the return message the gateway composed). Pure: the clock and our party come in.

An answer travels back: its receiver is the envelope's sender, its ``crossRefnummer`` the
envelope's ``referentienummer``. What a sender wrote is only repeated when it fits where it
goes (a reference of at most 40 printable characters, an organisation of at most 200), so
an answer to a broken envelope is still a valid answer.
"""

from __future__ import annotations

from datetime import datetime

from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.stuf.codec import Received
from ijw_gateway.stuf.faults import fault_code
from ijw_gateway.stuf.model import (
    APPLICATION,
    RECEIVING_APPLICATION,
    Envelope,
    Fault,
    Receipt,
    Routing,
    System,
    application_versions,
    new_reference,
    tijdstip,
    versions_of,
)

NO_REFERENCE = "00000000-0000-0000-0000-000000000000"  # answers what had no usable one


def _fits(value: str | None, limit: int) -> str | None:
    if value is None or not value or len(value) > limit or not value.isprintable():
        return None
    return value


def answer_routing(
    incoming: Routing | None,
    now: datetime,
    us: str | None = None,
    reference: str | None = None,
    functie: str | None = None,
) -> Routing:
    """Routing of an answer from ``us`` (our organisation; default: the one the envelope
    was addressed to) back to the sender of ``incoming``."""
    ours = (
        us if us is not None else _fits(incoming.ontvanger.organisatie if incoming else None, 200)
    )
    theirs = _fits(incoming.zender.organisatie, 200) if incoming else None
    cross = _fits(incoming.referentienummer, 40) if incoming else None
    return Routing(
        System(ours, APPLICATION),
        System(theirs, RECEIVING_APPLICATION),
        reference or new_reference(),
        tijdstip(now),
        cross or NO_REFERENCE,
        functie,
    )


def fault_for(
    received: Received, code: str, now: datetime, detail: str = "", us: str | None = None
) -> Fault:
    """The Fo01 for a refused envelope; ``details`` names what was sent as the chain does
    (functie, then the application's version and subversion: ``JW315-00020010``)."""
    spec = fault_code(code)
    details = None
    routing = received.routing
    if routing is not None and routing.functie and received.versions:
        details = _fits(f"{routing.functie}-{received.versions[0]}{received.versions[1]}", 1000)
    return Fault(
        answer_routing(routing, now, us), code, spec.plek, spec.omschrijving(detail), details
    )


def receipt_for(received: Received, now: datetime, us: str | None = None) -> Receipt:
    return Receipt(answer_routing(received.routing, now, us))


def du01_for(
    received: Received,
    payload: bytes,
    message_type: str,
    now: datetime,
    us: str,
    reference: str,
    release: str = DEFAULT.name,
) -> Envelope:
    """The Du01 that carries ``payload`` (a return message) back to the Di01's sender."""
    version, subversion = application_versions()
    functie_version, functie_subversion = versions_of(release)
    routing = answer_routing(received.routing, now, us, reference, message_type)
    return Envelope(
        "Du01", routing, version, subversion, functie_version, functie_subversion, payload
    )
