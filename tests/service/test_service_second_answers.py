"""One answer per message (IV028, IV087), also for an original the gateway rejected; and a
refused second answer tells a party that is neither sender nor receiver nothing.

* A contradictory return message for an allocation the gateway rejected (and answered with
  its own 0001 retour) used to be accepted and queued to the municipality.
* The 409 to a stranger named the original's and the answer's ids and confirmed that the
  identification was used.
"""

from __future__ import annotations

import re

from ijw_gateway.fixtures import answers as a
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.store import Store
from tests.support.service import AGB, GEMEENTE, TestClient, auth, post
from tests.support.within_kit import obj

STRANGER = "98761001"  # a provider of the region, not the receiver of these messages
_ID = re.compile(r"[0-9a-f]{32}")


def _rejected_allocation(client: TestClient, identificatie: str) -> tuple[str, str]:
    """(original id, the gateway's retour id) of an allocation refused with 0001."""
    result = post(client, b.to_bytes(b.jw301(identificatie, bsn="999999999")), GEMEENTE)
    assert result["accepted"] is False and result["retour"] is not None
    return str(result["id"]), str(result["retour"]["id"])


def test_a_second_retour_for_a_rejected_original_is_refused(
    client: TestClient, store: Store
) -> None:
    original, retour = _rejected_allocation(client, "REJ-1")
    agreeing = a.retour(b.jw301("REJ-1", bsn="999999999"), header_codes=("0200",))
    response = client.post("/v1/messages", content=b.to_bytes(agreeing), headers=auth(AGB))
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "already_answered"
    assert original in error["reason"] and retour in error["reason"]  # its receiver may know
    assert store.outbox_counts() == {}  # nothing reached the municipality


def test_a_second_jw325_for_a_rejected_declaration_is_refused(
    client: TestClient, store: Store
) -> None:
    declaration = b.jw323("D-REJ", nummer="DECLREJ", periode=("2026-03-31", "2026-03-01"))
    result = post(client, b.to_bytes(declaration), AGB)
    assert result["accepted"] is False and result["retour"]["message"] == "JW325", result
    own = a.jw325(declaration)
    response = client.post("/v1/messages", content=b.to_bytes(own), headers=auth(GEMEENTE))
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "already_answered"
    assert store.outbox_counts() == {}


def _strangers_answer(model: JsonObject) -> bytes:
    """A return message to ``model`` sent by ``STRANGER`` as if it had received it."""
    stated = b.clone(model)
    obj(stated["Header"])["Ontvanger"] = STRANGER
    return b.to_bytes(a.retour(stated))


def test_a_stranger_hears_neither_ids_nor_that_the_identification_was_used(
    client: TestClient,
) -> None:
    received = b.jw301("SEEN-1")
    assert post(client, b.to_bytes(received), GEMEENTE)["accepted"] is True
    _rejected_allocation(client, "SEEN-2")
    elsewhere = b.jw301("SEEN-3")  # never came here; its receiver answered it itself
    assert post(client, b.to_bytes(a.retour(elsewhere)), AGB)["accepted"] is True
    reasons = []
    for model in (received, b.jw301("SEEN-2", bsn="999999999"), elsewhere):
        response = client.post(
            "/v1/messages", content=_strangers_answer(model), headers=auth(STRANGER)
        )
        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["code"] == "already_answered"
        assert not _ID.search(error["reason"]), error["reason"]
        reasons.append(error["reason"])
    assert len(set(reasons)) == 1 and "SEEN" not in reasons[0] and GEMEENTE not in reasons[0]
