"""The service and releases: a 2.3 message gets one finding and goes nowhere.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from variants import catalogue_document

from ijw_gateway.messages.translate import model_of
from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from tests.service.conftest import AGB, GEMEENTE, TestClient, auth
from tests.stuf.stuf_support import envelope


def _post(client: TestClient, data: bytes, party: str, **headers: str) -> dict[str, object]:
    response = client.post("/v1/messages", content=data, headers={**auth(party), **headers})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("as_json", [False, True])
def test_a_2_3_message_is_answered_with_one_finding_and_goes_nowhere(
    client: TestClient, store: Store, as_json: bool
) -> None:
    data = catalogue_document("JW303", "2.3")
    body = json.dumps(model_of(data)).encode() if as_json else data
    kind = "application/json" if as_json else "application/xml"
    result = _post(client, body, AGB, **{"Content-Type": kind})
    verdict = result["verdict"]
    assert isinstance(verdict, dict)
    assert (verdict["message"], verdict["release"], verdict["schema_valid"]) == (
        "JW303",
        "2.3",
        False,
    )
    (finding,) = verdict["findings"]
    assert (
        "JW303 of iJw release 2.3; it is schema-valid against the iJw 2.3 schemas"
        in (finding["text"])
    )
    assert "A JW323 of iJw 3.2 replaces the JW303" in finding["text"]
    assert result["accepted"] is False and result["retour"] is None and result["delivery"] is None
    message_id = str(result["id"])
    assert [e.kind for e in store.events(message_id)] == ["received", "rejected"]


def _envelope(payload: bytes, functie: str, zender: str, ontvanger: str) -> bytes:
    return codec.write(envelope(payload, functie, zender, ontvanger))


def _fault(response: object) -> str | None:
    received = codec.read(response.content)  # type: ignore[attr-defined]
    assert received.kind == "Fo01" and received.fault is not None
    return received.fault.code


def test_a_2_3_payload_in_an_envelope_is_stuf055(client: TestClient) -> None:
    data = _envelope(catalogue_document("JW301", "2.3"), "JW301", GEMEENTE, AGB)
    headers = {**auth(GEMEENTE), "Content-Type": "text/xml"}
    response = client.post("/v1/stuf/ggk0210", content=data, headers=headers)
    assert _fault(response) == "StUF055"
