"""Every mutation of every message type, through the intake: a verdict or a refusal,
never a crash, and every return message the gateway composes passes its own schema.

The mutations are the differential schema test's (``tests/variants.py``): removed,
duplicated, swapped, foreign and misplaced elements, and values just inside and just
outside their datatype's facets, applied to messages the fixture builders make for parties
of the ZHZ example. Each variant is sent by the party it travels from (or, when that is
no party, by the municipality, as a caller that cannot prove otherwise would), one after
the other, so the history grows as the variants are accepted. This is how the odd values
of ``test_service_odd_values.py`` were found.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial

import pytest
from lxml import etree

from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import RequestRefused
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.retour import compose
from ijw_gateway.routing import envelope_of
from ijw_gateway.runtime import build_validator
from tests.support.service import GEMEENTE
from tests.support.variants import mutations

HEEN: dict[str, Callable[[], JsonObject]] = {
    "JW301": b.jw301,
    "JW305": b.jw305,
    "JW307": b.jw307,
    "JW315": lambda: b.jw315("V-1"),
    "JW317": lambda: b.jw317("V-2"),
    "JW319": lambda: b.jw319("A-1", referentie="REF-1"),
    "JW323": b.jw323,
}
VALIDATOR = build_validator()


def _heen(message: str) -> bytes:
    return b.to_bytes(HEEN[message]())


def _answer_to(heen: str) -> bytes:
    outcome = VALIDATOR.run(b.to_bytes(HEEN[heen]()))
    assert outcome.message is not None
    return compose(outcome.message, outcome.report).to_bytes()


BASES: dict[str, Callable[[], bytes]] = {
    **{m: partial(_heen, m) for m in HEEN},
    **{
        answer: partial(_answer_to, heen)
        for heen, answer in (
            ("JW301", "JW302"),
            ("JW305", "JW306"),
            ("JW307", "JW308"),
            ("JW315", "JW316"),
            ("JW317", "JW318"),
            ("JW319", "JW320"),
            ("JW323", "JW325"),
        )
    },
}


def _sender(gateway: Gateway, root: etree._Element) -> str:
    detected = detect(root)
    envelope = envelope_of(root, detected.message) if isinstance(detected, Detected) else None
    if envelope is not None and gateway.is_known(envelope.from_party):
        return envelope.from_party
    return GEMEENTE


@pytest.mark.parametrize("message", sorted(BASES))
def test_every_mutation_gets_a_verdict_or_a_refusal(gateway: Gateway, message: str) -> None:
    root = etree.fromstring(BASES[message]())
    crashed: list[str] = []
    sent = 0
    for index, description, mutate in mutations(message, root, set()):
        mutated = copy.deepcopy(root)
        target = next(e for i, e in enumerate(mutated.iter(tag=etree.Element)) if i == index)
        mutate(target)
        data = etree.tostring(mutated, xml_declaration=True, encoding="UTF-8")
        try:
            party = _sender(gateway, etree.fromstring(data))
        except etree.XMLSyntaxError:
            party = GEMEENTE
        sent += 1
        try:
            results = gateway.intake.submit(party, data, "mutations")
        except RequestRefused:
            continue
        except Exception as error:
            crashed.append(f"{description}: {type(error).__name__}: {error}")
            continue
        for result in results:
            if result.retour is not None and not VALIDATOR.validate(result.retour.raw).schema_valid:
                crashed.append(f"{description}: the composed {result.retour.type} is invalid")
    assert sent > 50
    assert not crashed, "\n".join(crashed[:20])


def test_the_bases_are_schema_valid() -> None:
    """So the mutations start from messages that reach the rules, not the schema's error."""
    for message, base in BASES.items():
        assert VALIDATOR.validate(base()).schema_valid, message
