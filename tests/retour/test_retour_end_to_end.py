"""Answers to messages judged by the real rules, with and without a history of earlier traffic.

Each test needs its rules in the catalogue and skips (naming them) while they are missing,
so the file runs against whatever the rule engineers have delivered.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.fixtures import builders as b
from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.history.service import validate_and_record
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.retour import ReturnMessage, compose_outcome
from ijw_gateway.runtime import build_validator
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.retour_support import DAY, assert_valid, codes_of, only


def _needs(*codes: str) -> None:
    missing = [c for c in codes if c not in rules()]
    if missing:
        pytest.skip(f"rule(s) {', '.join(missing)} not in the catalogue yet")


@pytest.fixture
def registries(
    registry: SchemaRegistry, official_registry: SchemaRegistry
) -> tuple[SchemaRegistry, ...]:
    return registry, official_registry


@pytest.fixture
def world(tmp_cwd: object) -> Iterator[tuple[Validator, InMemoryHistory]]:
    """A validator with every level, judging against an in-memory history."""
    history = InMemoryHistory()
    yield build_validator(history=history), history


def _answer(validator: Validator, model: JsonObject, ident: str = "E2E") -> ReturnMessage:
    outcome = validator.run(b.to_bytes(model))
    return compose_outcome(outcome, identificatie=ident, dagtekening=DAY)


def test_a_valid_message_gets_a_bare_header(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    validator, _history = world
    result = _answer(validator, b.jw301())
    root = assert_valid(result, registries)
    assert codes_of(only(root, "*:Header")) == [] and len(root) == 1
    assert result.accepted and not result.unexpressed


def test_an_invalid_bsn_refuses_the_whole_message_with_0001(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    _needs("CS002")
    validator, _history = world
    outcome = validator.run(b.to_bytes(b.jw305(bsn="123456789")))  # fails the eleven-test
    assert "CS002" in {f.rule for f in outcome.report.findings}
    assert all("123456789" not in f.text for f in outcome.report.findings)
    result = compose_outcome(outcome, identificatie="E2E", dagtekening=DAY)
    root = assert_valid(result, registries)
    assert result.message == "JW306" and codes_of(only(root, "*:Header")) == ["0001"]
    assert len(root) == 1


def test_a_declaration_with_a_wrong_total_gets_the_header_with_0001(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    _needs("TR358")
    validator, _history = world
    model = b.jw323()
    declaratie = model["Declaratie"]
    assert isinstance(declaratie, dict)
    declaratie["TotaalIngediendBedrag"] = {"TotaalBedrag": "1", "DebetCredit": "D"}
    root = assert_valid(_answer(validator, model), registries)
    assert codes_of(only(root, "*:Header")) == ["0001"] and len(root) == 1


def test_a_reused_identification_puts_9056_on_the_header(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    _needs("TR056")
    validator, history = world
    assert validate_and_record(validator, history, b.to_bytes(b.jw301())).accepted
    again = b.jw301(products=[b.toegewezen_product(1002)])  # same identification T301-1
    result = _answer(validator, again)
    root = assert_valid(result, registries)
    assert result.message == "JW302"
    assert codes_of(only(root, "*:Header")) == ["9056"] and len(root) == 1


def test_deleting_what_was_never_delivered_codes_the_start_product(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    _needs("TR063")
    validator, history = world
    assert validate_and_record(validator, history, b.to_bytes(b.jw301())).accepted
    model = b.jw305("T305-9", starts=[b.start_product(status="3")])
    result = _answer(validator, model)
    root = assert_valid(result, registries)
    assert codes_of(only(root, "*:Header")) == ["0200"]
    assert codes_of(only(root, "*:Client")) == ["0200"]
    assert codes_of(only(root, "*:Client/*:StartProducten/*:StartProduct")) == ["9063"]


def test_a_prestatie_on_an_unknown_allocation_is_refused_alone(
    world: tuple[Validator, InMemoryHistory], registries: tuple[SchemaRegistry, ...]
) -> None:
    _needs("TR338")
    validator, history = world
    assert validate_and_record(validator, history, b.to_bytes(b.jw301())).accepted
    claim = b.jw323(clients={b.BSN: [b.prestatie("P-1"), b.prestatie("P-2", nummer=9999)]})
    result = _answer(validator, claim)
    root = assert_valid(result, registries)
    assert result.message == "JW325" and not result.accepted
    antwoord = only(root, "*:DeclaratieAntwoord")
    assert codes_of(antwoord) == ["0200"]
    (prestatie,) = root.iter("{*}Prestatie")
    assert only(prestatie, "*:ToewijzingNummer").text == "9999"
    assert codes_of(prestatie) == ["9338"]
    granted = only(antwoord, "*:TotaalToegekendBedrag/*:TotaalBedrag").text
    assert granted == "36000"  # 720.00 claimed, the refused 360.00 taken off
