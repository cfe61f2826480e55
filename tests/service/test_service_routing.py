"""Envelopes: who a message travels from and to, and what it answers (the routing trap)."""

from __future__ import annotations

import pytest
from lxml import etree

from ijw_gateway.fixtures import builders as b
from ijw_gateway.retour import compose
from ijw_gateway.routing import Envelope, Key, envelope_of
from ijw_gateway.runtime import build_validator

GEMEENTE, AGB = b.GEMEENTE, b.AGB


def _envelope(data: bytes, type_: str) -> Envelope:
    envelope = envelope_of(etree.fromstring(data), type_)
    assert envelope is not None
    return envelope


@pytest.mark.parametrize(
    ("model", "sender", "receiver"),
    [
        (b.jw301(), GEMEENTE, AGB),
        (b.jw305(), AGB, GEMEENTE),
        (b.jw307(), AGB, GEMEENTE),
        (b.jw315(), AGB, GEMEENTE),
        (b.jw317(), AGB, GEMEENTE),
        (b.jw319(), GEMEENTE, AGB),
        (b.jw323(), AGB, GEMEENTE),
    ],
)
def test_heen_messages_travel_from_their_afzender(
    model: dict[str, object], sender: str, receiver: str
) -> None:
    envelope = _envelope(b.to_bytes(model), str(model["message"]))  # type: ignore[arg-type]
    assert envelope.kind == "heen"
    assert (envelope.from_party, envelope.to_party) == (sender, receiver)
    assert envelope.own_key == Key(sender, str(model["message"]), envelope.identificatie)
    assert envelope.answers is None


@pytest.mark.parametrize("model", [b.jw301("H-1"), b.jw305("H-1"), b.jw319("H-1")])
def test_a_retour_travels_back_although_its_header_points_forward(model: dict[str, object]) -> None:
    data = b.to_bytes(model)  # type: ignore[arg-type]
    outcome = build_validator().run(data)
    assert outcome.message is not None
    answer = compose(outcome.message, outcome.report)
    original = _envelope(data, answer.answers)
    retour = _envelope(answer.to_bytes(), answer.message)
    assert retour.kind == "retour"
    assert (retour.afzender, retour.ontvanger) == (original.afzender, original.ontvanger)
    assert (retour.from_party, retour.to_party) == (original.to_party, original.from_party)
    assert retour.answers == original.own_key and retour.own_key is None


def test_a_jw325_answers_its_jw323_by_declaratie_identificatie() -> None:
    data = b.to_bytes(b.jw323("D-1"))
    outcome = build_validator().run(data)
    assert outcome.message is not None
    answer = _envelope(compose(outcome.message, outcome.report).to_bytes(), "JW325")
    assert answer.kind == "antwoord"
    assert (answer.from_party, answer.to_party) == (GEMEENTE, AGB)
    assert answer.answers == Key(AGB, "JW323", "D-1")


def test_references_are_scoped_to_provider_and_municipality() -> None:
    vot = _envelope(b.to_bytes(b.jw315(products=[b.aangevraagd_product("R-9")])), "JW315")
    answer = _envelope(b.to_bytes(b.jw319(referentie="R-9")), "JW319")
    assert vot.references == answer.references == (f"ra:{AGB}:{GEMEENTE}:R-9",)
    other = _envelope(b.to_bytes(b.jw319(referentie="R-9", gemeente="0512")), "JW319")
    assert other.references != vot.references


def test_a_header_without_routing_facts_has_no_envelope() -> None:
    root = etree.fromstring(b.to_bytes(b.jw301()))
    header = root[0]
    header.remove(header[3])  # Afzender
    assert envelope_of(root, "JW301") is None
