"""The runner's pieces: reading answers (adapters), comparing them, keys, party, selection."""

from __future__ import annotations

import json

import httpx
import pytest

from ijw_gateway.conformance.adapters import (
    AdapterError,
    auto_adapter,
    gateway_adapter,
    retour_adapter,
)
from ijw_gateway.conformance.observed import Observed, problems
from ijw_gateway.conformance.runner import select, without_answers
from ijw_gateway.conformance.targets import Keys, endpoint, sending_party
from ijw_gateway.errors import UsageError
from ijw_gateway.fixtures import answers as a
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.manifest import Entry, Manifest


def _entry(accepted: bool = False, **kw: object) -> Entry:
    values: dict[str, object] = {
        "file": "x.xml", "message": "JW301", "description": "", "schema_valid": True,
        "accepted": accepted, "rules": (), "retourcodes": (), "level": "",
    }  # fmt: skip
    values.update(kw)
    return Entry(**values)  # type: ignore[arg-type]


def _json(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/json"})  # fmt: skip


def _verdict(findings: list[dict[str, object]], accepted: bool = False) -> dict[str, object]:
    return {"verdict": {"schema_valid": True, "accepted": accepted, "findings": findings}}


def test_gateway_adapter_reads_rules_and_codes_and_keeps_contract_findings_as_notes() -> None:
    findings: list[dict[str, object]] = [
        {"level": "history", "rule": "TR019", "retourcode": "9019", "text": "no allocation"},
        {"level": "contract", "rule": "CONTRACT-MATCH", "retourcode": None, "text": "no line"},
    ]
    observed = gateway_adapter(_json(200, _verdict(findings)))
    assert (observed.accepted, observed.rules, observed.retourcodes) == (
        False,
        ("TR019",),
        ("9019",),
    )
    assert observed.notes and "CONTRACT-MATCH" in observed.notes[0]


def test_gateway_adapter_falls_back_to_the_return_message() -> None:
    retour = b.to_bytes(a.retour(b.jw301(), header_codes=["0001"])).decode()
    observed = gateway_adapter(_json(200, {"retour": {"xml": retour}}))
    assert (observed.accepted, observed.rejecting_codes, observed.rules) == (False, ("0001",), None)


def test_gateway_adapter_refuses_garbage() -> None:
    with pytest.raises(AdapterError):
        gateway_adapter(httpx.Response(200, text="not json"))
    with pytest.raises(AdapterError):
        gateway_adapter(_json(200, {"something": "else"}))


def test_an_http_error_is_a_refusal_naming_its_code() -> None:
    observed = gateway_adapter(_json(403, {"error": {"code": "forbidden", "reason": "no"}}))
    assert (observed.accepted, observed.refused) == (False, "HTTP 403 forbidden")
    assert retour_adapter(httpx.Response(400, text="schema")).refused == "HTTP 400 Bad Request"


def test_retour_adapter_reads_retourcodes_and_ignores_neutral_ones() -> None:
    granted = b.to_bytes(a.jw325(b.jw323()))
    observed = retour_adapter(httpx.Response(200, content=granted))
    assert observed.accepted and observed.rejecting_codes == ()
    refused = b.to_bytes(a.jw325(b.jw323(), rejected={"P-1": ["9338"]}))
    observed = retour_adapter(httpx.Response(200, content=refused))
    assert not observed.accepted and observed.rejecting_codes == ("9338",)


def test_an_empty_success_is_an_acceptance_and_auto_picks_by_content() -> None:
    assert retour_adapter(httpx.Response(204)).accepted
    assert auto_adapter(_json(200, _verdict([], accepted=True))).rules == ()
    assert auto_adapter(httpx.Response(204)).rules is None


def test_problems_compare_only_what_the_target_said() -> None:
    expected = _entry(rules=("TR019",), retourcodes=("9019",))
    assert problems(expected, Observed(False, ("0200", "9019"))) == []
    assert problems(expected, Observed(False, ("9019",), rules=("TR019",))) == []
    found = problems(expected, Observed(False, ("9019", "9074"), rules=("TR019", "TR074")))
    assert found == ["unexpected retourcodes 9074", "unexpected rules TR074"]
    assert problems(_entry(True), Observed(False, ("9019",))) == [
        "rejected",
        "unexpected retourcodes 9019",
    ]


def test_a_refused_answer_message_needs_no_retourcode_but_a_heen_message_does() -> None:
    refused = Observed(False, refused="HTTP 422")
    assert problems(_entry(message="JW325", retourcodes=("0001",)), refused) == []
    assert problems(_entry(retourcodes=("0001",)), refused) == ["missing retourcodes 0001"]
    level_1 = _entry(schema_valid=False)
    assert problems(level_1, refused) == []


def test_keys_by_party_template_and_default() -> None:
    keys = Keys.parse(["0505=a", "fallback"], "demo-{party}")
    assert keys.for_party("0505") == "a"
    assert keys.for_party("12345678") == "demo-12345678"
    assert keys.for_party(None) == "fallback"
    with pytest.raises(UsageError):
        Keys.parse(["one", "two"])


def test_the_sender_of_a_return_message_is_the_original_receiver() -> None:
    allocation = b.jw301()
    assert sending_party(b.to_bytes(allocation)) == b.GEMEENTE
    assert sending_party(b.to_bytes(a.retour(allocation))) == b.AGB
    assert sending_party(b"<broken") is None


def test_endpoint_defaults_to_the_gateway_path() -> None:
    assert endpoint("http://h:8000") == "http://h:8000/v1/messages"
    assert endpoint("https://h/in/box") == "https://h/in/box"
    with pytest.raises(UsageError):
        endpoint("ftp://h")


def test_selection_by_glob_and_without_answers(manifest: Manifest) -> None:
    chosen = select(manifest, ["sequences/flow-segment-4b-*"])
    assert [r.name for r in chosen] == ["sequences/flow-segment-4b-specialised-regional"]
    trimmed = without_answers(chosen[0])
    assert trimmed is not None
    assert [e.message for e in trimmed.steps] == ["JW315", "JW301", "JW305", "JW323", "JW307"]
    answers = select(manifest, ["jw302/*"], skip_answers=True)
    assert answers == []
