"""The StUF-GGk envelopes as values: what a Di01, Du01, Fo01 and Bv03 say.

Reference numbers are UUIDs of version 4 in lower case (the exchange refuses any other
spelling). Our message ids are ``uuid4().hex``, the same number in another spelling, so a
message's envelope reference is ``reference_of(message id)`` and back (``id_of``): a Du01
names the Di01 it answers by the id of the message that Di01 carried.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ijw_gateway import __version__
from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.errors import UsageError

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
STUF = "http://www.egem.nl/StUF/StUF0301"
GGK = "http://www.stufstandaarden.nl/koppelvlak/ggk0210"

Kind = Literal["Di01", "Du01", "Fo01", "Bv03"]
TAGS: dict[Kind, str] = {
    "Di01": f"{{{GGK}}}envelopHeenbericht-ggk_Di01",
    "Du01": f"{{{GGK}}}envelopRetourbericht-ggk_Du01",
    "Fo01": f"{{{STUF}}}Fo01Bericht",
    "Bv03": f"{{{STUF}}}Bv03Bericht",
}
KIND_OF_TAG: dict[str, Kind] = {tag: kind for kind, tag in TAGS.items()}

APPLICATION = "ijw-gateway"
RECEIVING_APPLICATION = "GGk"  # what an envelope names as the receiving application
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_VERSIENR = re.compile(r"^[0-9]{4}$")


def is_uuid4(text: str) -> bool:
    """A reference number as the exchange writes it: a version 4 UUID in lower case."""
    return bool(_UUID4.match(text))


def reference_of(message_id: str) -> str:
    """``uuid4().hex`` -> the UUID spelling an envelope carries."""
    return str(uuid.UUID(hex=message_id))


def id_of(reference: str) -> str:
    """A reference number -> the message id it stands for (``uuid4().hex`` spelling)."""
    return uuid.UUID(reference).hex


def new_reference() -> str:
    return str(uuid.uuid4())


def versions_of(release: str) -> tuple[str, str]:
    """``functieVersie``/``functieSubversie`` of a message of ``release``: "3.2" is 0003, 0002."""
    major, _, minor = release.partition(".")
    return f"{int(major):04d}", f"{int(minor or 0):04d}"


def application_versions(version: str = __version__) -> tuple[str, str]:
    """``applicatieVersie``/``applicatieSubversie`` of a version: 1.4.2 -> 0104, 0002."""
    parts = [int(p) if p.isdigit() else 0 for p in version.split(".")[:3]] + [0, 0, 0]
    return f"{parts[0] % 100:02d}{parts[1] % 100:02d}", f"{parts[2] % 10000:04d}"


def tijdstip(moment: datetime) -> str:
    """A StUF ``Tijdstip``: yyyymmddhhmmss and milliseconds, in Dutch time."""
    try:
        local = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
    except ZoneInfoNotFoundError:  # a system without time zone data: UTC says the same
        local = moment.astimezone(UTC)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


@dataclass(frozen=True)
class System:
    """A sending or receiving system: organisation (CBS or AGB code) and application."""

    organisatie: str | None
    applicatie: str
    administratie: str | None = None
    gebruiker: str | None = None


@dataclass(frozen=True)
class Routing:
    """The ``stuurgegevens`` every envelope and answer carries."""

    zender: System
    ontvanger: System
    referentienummer: str
    tijdstip: str
    cross_refnummer: str | None = None  # a Du01, Fo01 or Bv03: the message it answers
    functie: str | None = None  # a Di01 or Du01: the carried message type (JW301 …)


@dataclass(frozen=True)
class Envelope:
    """A Di01 or Du01: routing, versions and the payload bytes."""

    kind: Literal["Di01", "Du01"]
    routing: Routing
    applicatie_versie: str
    applicatie_subversie: str
    functie_versie: str
    functie_subversie: str
    payload: bytes
    bestandsnaam: str | None = None  # a tekstBestand (not an XML message) has a file name

    def check(self) -> None:
        """Refuse to write what the exchange would refuse to read (UsageError says why)."""
        references = [self.routing.referentienummer]
        if self.kind == "Du01":
            if self.routing.cross_refnummer is None:
                raise UsageError("a Du01 needs the reference number of the Di01 it answers")
            references.append(self.routing.cross_refnummer)
        for reference in references:
            if not is_uuid4(reference):
                raise UsageError(f"reference number {reference!r} is not a version 4 UUID")
        versions = (self.applicatie_versie, self.applicatie_subversie)
        for version in (*versions, self.functie_versie, self.functie_subversie):
            if not _VERSIENR.match(version):
                raise UsageError(f"version {version!r} is not four digits")
        if not self.routing.functie:
            raise UsageError("an envelope needs the message type it carries (functie)")


@dataclass(frozen=True)
class Fault:
    """A Fo01: which message was refused (``cross_refnummer``), with which code and why."""

    routing: Routing
    code: str
    plek: Literal["client", "server"]
    omschrijving: str
    details: str | None = None


@dataclass(frozen=True)
class Receipt:
    """A Bv03: the message ``cross_refnummer`` arrived."""

    routing: Routing


def outgoing(
    payload: bytes,
    functie: str,
    sender: str,
    receiver: str,
    moment: datetime,
    *,
    kind: Literal["Di01", "Du01"],
    reference: str,
    cross: str | None = None,
    application: tuple[str, str, str] = (APPLICATION, *application_versions()),
    release: str = DEFAULT.name,
) -> Envelope:
    """An envelope we send: from ``sender`` (by ``application``: name, version, subversion)
    to ``receiver`` at the GGk, carrying a ``functie`` message of ``release``."""
    routing = Routing(
        System(sender, application[0]),
        System(receiver, RECEIVING_APPLICATION),
        reference,
        tijdstip(moment),
        cross,
        functie,
    )
    return Envelope(kind, routing, application[1], application[2], *versions_of(release), payload)
