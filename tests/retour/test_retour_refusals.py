"""What gets no answer, and what stamps an answer."""

from __future__ import annotations

import re

import pytest

from ijw_gateway.errors import IjwGatewayError, UsageError
from ijw_gateway.findings import Report
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import from_json
from ijw_gateway.retour import (
    IsReturnMessage,
    NoReturnMessage,
    compose,
    compose_outcome,
    new_identificatie,
)
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.retour_support import DAY, answer, finding, only


def _retour_302() -> bytes:
    return answer(b.jw301()).to_bytes()


def test_a_schema_invalid_message_gets_no_answer(registry: SchemaRegistry) -> None:
    xml = b.to_bytes(b.jw301()).replace(b"<jw301:Geslacht>0", b"<jw301:Geslacht>7")
    outcome = Validator(registry).run(xml)
    with pytest.raises(NoReturnMessage, match="rejects schema-invalid messages") as caught:
        compose_outcome(outcome)
    assert caught.value.exit_code == 1 and caught.value.http_status == 422
    assert b.BSN not in str(caught.value)


def test_a_report_without_schema_validity_gets_no_answer_either() -> None:
    report = Report("t", "JW301", "3.2", False, (finding("/Bericht/Client", None, "schema"),))
    with pytest.raises(NoReturnMessage, match="schema-invalid"):
        compose(from_json(b.jw301()), report)


@pytest.mark.parametrize("data", [b"not xml at all", b"<Bericht/>", b"<a xmlns='urn:x'/>"])
def test_something_that_is_no_message_gets_no_answer(registry: SchemaRegistry, data: bytes) -> None:
    with pytest.raises(NoReturnMessage) as caught:
        compose_outcome(Validator(registry).run(data))
    assert not isinstance(caught.value, IsReturnMessage)


def test_an_answer_is_never_answered(registry: SchemaRegistry) -> None:
    with pytest.raises(IsReturnMessage, match="itself a return message") as caught:
        compose_outcome(Validator(registry).run(_retour_302()))
    assert caught.value.exit_code == 2
    jw325 = answer(b.jw323())
    with pytest.raises(IsReturnMessage):
        compose(jw325.element(), Report("t", "JW325", "3.2", True))


def test_the_report_must_be_about_the_same_message() -> None:
    with pytest.raises(UsageError, match="JW305"):
        compose(from_json(b.jw301()), Report("t", "JW305", "3.2", True))


@pytest.mark.parametrize("bad", ["", "   ", "1234567890123"])
def test_an_unusable_identification_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError):
        answer(b.jw305(), ident=bad)


def test_identification_can_come_from_a_generator_called_once() -> None:
    issued: list[str] = []

    def next_id() -> str:
        issued.append(f"G{len(issued) + 1}")
        return issued[-1]

    report = Report("t", "JW305", "3.2", True)
    result = compose(from_json(b.jw305()), report, identificatie=next_id, dagtekening=DAY)
    assert issued == ["G1"]
    assert only(result.element(), "*:Header/*:IdentificatieRetour").text == "G1"


def test_default_identifications_fit_the_standard_and_do_not_repeat() -> None:
    made = {new_identificatie() for _ in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch(r"[0-9a-f]{12}", m) for m in made)


def test_the_refusals_declare_their_outcome() -> None:
    for cls in (NoReturnMessage, IsReturnMessage):
        assert issubclass(cls, IjwGatewayError)
        assert cls.exit_code in (1, 2) and cls.http_status == 422 and cls.code
