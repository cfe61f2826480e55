"""Envelopes for the StUF-GGk tests, built with the codec around synthetic iJw messages."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from ijw_gateway.fixtures import builders as b
from ijw_gateway.stuf.model import (
    APPLICATION,
    RECEIVING_APPLICATION,
    Envelope,
    Routing,
    System,
    new_reference,
    tijdstip,
)
from tests.support.shared_paths import ROOT, require

STUF_GGK = ROOT.parent / "shared" / "exchange" / "stuf-ggk"
REFERENCE_ENTRY = Path("xsd") / "ggk0210" / "ggkberichten" / "ggk0210_msg_ggkberichten.xsd"
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
GEMEENTE, AGB = "0505", "12345678"


def envelope(
    payload: bytes,
    functie: str,
    zender: str,
    ontvanger: str,
    *,
    kind: str = "Di01",
    reference: str | None = None,
    cross: str | None = None,
    versions: tuple[str, str] = ("0003", "0002"),
    bestandsnaam: str | None = None,
) -> Envelope:
    routing = Routing(
        System(zender, APPLICATION),
        System(ontvanger, RECEIVING_APPLICATION),
        reference or new_reference(),
        tijdstip(NOW),
        cross,
        functie,
    )
    return Envelope(
        "Du01" if kind == "Du01" else "Di01",
        routing,
        "0001",
        "0000",
        *versions,
        payload,
        bestandsnaam,
    )


def jw301_envelope(**options: object) -> Envelope:
    """A Di01 with a valid JW301 from municipality 0505 to provider 12345678."""
    return envelope(b.to_bytes(b.jw301()), "JW301", GEMEENTE, AGB, **options)  # type: ignore[arg-type]


@cache
def published_schema() -> etree.XMLSchema:
    """The published envelope schema, read in place (it includes StUF 03.01, so Fo01 and
    Bv03 too); skips the test without ``../shared`` unless ``IJW_REQUIRE_SHARED=1``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(require(STUF_GGK) / REFERENCE_ENTRY), parser))
