"""Answer mode ``party``: the receiver answers itself; the gateway judges, hands the message
over with its verdict and advice, checks the receiver's answer and routes exactly that.

Done when (issue 17): a municipality in party mode answers a JW323 with its own partial
JW325 and the provider receives exactly that, with every refusal both ways.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ijw_gateway.fixtures import answers as a
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.store import Store
from tests.support.answer_modes import allocate_both, deadlines, declaration_of_two, mailbox
from tests.support.service import (
    AGB,
    GEMEENTE,
    OTHER_AGB,
    OTHER_GEMEENTE,
    TestClient,
    auth,
    post,
    retour_codes,
)
from tests.support.within_kit import obj


def _declaration(identificatie: str = "D-PARTY") -> JsonObject:
    return declaration_of_two(identificatie, "DECLPARTY")


def _sent_in_party_mode(client: TestClient, store: Store) -> tuple[JsonObject, str]:
    """A JW323 to a municipality that answers declarations itself: (its model, its id)."""
    store.set_answer_mode(GEMEENTE, "JW323", "party")
    allocate_both(client)
    declaration = _declaration()
    result = post(client, b.to_bytes(declaration), AGB)
    assert result["delivery"] == {"receiver": GEMEENTE, "state": "queued"}, result
    assert result["retour"] is None  # nobody answered in the municipality's name
    return declaration, str(result["id"])


def test_the_receiver_gets_the_message_with_the_verdict_and_advice(
    client: TestClient, store: Store
) -> None:
    _, original = _sent_in_party_mode(client, store)
    [item] = mailbox(client, GEMEENTE, "JW323")
    assert item["id"] == original
    verdict = item["verdict"]
    assert isinstance(verdict, dict) and verdict["accepted"] is True, verdict
    advice = item["advice"]
    assert isinstance(advice, str) and "DeclaratieAntwoord>" in advice
    assert retour_codes(advice) == ["0200", "8001"]  # what the gateway would have said
    read = client.get(f"/v1/messages/{original}?format=advice", headers=auth(GEMEENTE))
    assert read.status_code == 200 and read.text == advice
    sender = client.get(f"/v1/messages/{original}?format=advice", headers=auth(AGB))
    assert sender.status_code == 404  # a draft in the municipality's name: its own
    assert mailbox(client, AGB, "JW325") == []  # no JW325 went to the provider
    assert ("JW325", GEMEENTE, original) in deadlines(client, "open")


def test_the_provider_receives_exactly_the_municipalitys_partial_jw325(
    client: TestClient, store: Store
) -> None:
    declaration, original = _sent_in_party_mode(client, store)
    own = b.to_bytes(a.jw325(declaration, rejected={"P-2": ["9338"]}))
    result = post(client, own, GEMEENTE)
    assert result["accepted"] is True, result["verdict"]
    assert result["delivery"] == {"receiver": AGB, "state": "queued"}
    [item] = mailbox(client, AGB, "JW325")
    assert item["xml"] == own.decode() and item["message"] == "JW325"
    assert item["verdict"] is None and item["advice"] is None
    meta = client.get(f"/v1/messages/{result['id']}?format=meta", headers=auth(AGB)).json()
    assert meta["answers"] == original and meta["origin"] == "party"
    assert ("JW325", GEMEENTE, original) not in deadlines(client, "open")
    assert ("JW325", GEMEENTE, original) in deadlines(client, "answered")
    again = client.post("/v1/messages", content=own, headers=auth(GEMEENTE))
    assert again.status_code == 200 and again.json()["duplicate"] is True  # a re-post
    other = b.to_bytes(a.jw325(declaration, "T325-2"))
    second = client.post("/v1/messages", content=other, headers=auth(GEMEENTE))
    assert second.status_code == 409, second.text
    assert second.json()["error"]["code"] == "already_answered"
    assert len(mailbox(client, AGB, "JW325")) == 1


def _refused(client: TestClient, answer: JsonObject) -> set[str]:
    """The rules a municipality's wrong JW325 breaks; it reaches nobody."""
    result = post(client, b.to_bytes(answer), GEMEENTE)
    assert result["accepted"] is False and result["delivery"] is None, result
    return {str(f["rule"]) for f in result["verdict"]["findings"]}


def test_a_wrong_answer_is_refused_with_the_rule_it_breaks(
    client: TestClient, store: Store
) -> None:
    declaration, _ = _sent_in_party_mode(client, store)
    unknown = a.jw325(b.jw323("D-NEVER", nummer="DECLPARTY"), "T325-9")
    assert "TR337" in _refused(client, unknown)
    other_number = a.jw325(declaration, "T325-8")
    obj(other_number["DeclaratieAntwoord"])["DeclaratieNummer"] = "ANDERS"
    assert "TR376" in _refused(client, other_number)
    uneven = a.jw325(declaration, "T325-7", rejected={"P-2": ["9338"]})
    total = obj(obj(uneven["DeclaratieAntwoord"])["TotaalToegekendBedrag"])
    total["TotaalBedrag"] = "1"
    assert "TR342" in _refused(client, uneven)
    assert mailbox(client, AGB, "JW325") == []
    right = post(client, b.to_bytes(a.jw325(declaration, "T325-6")), GEMEENTE)
    assert right["accepted"] is True  # the wrong ones did not use up the one answer


def _allocation_in_party_mode(client: TestClient, store: Store) -> tuple[JsonObject, str]:
    """A JW301 to a provider that answers allocations itself: (its model, its id)."""
    store.set_answer_mode(AGB, "JW301", "party")
    allocation = b.jw301("A-OWN")
    result = post(client, b.to_bytes(allocation), GEMEENTE)
    assert result["retour"] is None and result["delivery"]["state"] == "queued", result
    [item] = mailbox(client, AGB, "JW301")
    assert "jw302:Bericht" in str(item["advice"])  # the JW302 the gateway would send
    return allocation, str(result["id"])


def test_the_municipality_receives_exactly_the_providers_own_retour(
    client: TestClient, store: Store
) -> None:
    allocation, original = _allocation_in_party_mode(client, store)
    own = b.to_bytes(a.retour(allocation, "R-OWN"))
    result = post(client, own, AGB)
    assert result["accepted"] is True and result["delivery"]["receiver"] == GEMEENTE, result
    [item] = mailbox(client, GEMEENTE, "JW302")
    assert item["xml"] == own.decode()
    second = client.post(
        "/v1/messages", content=b.to_bytes(a.retour(allocation, "R-2")), headers=auth(AGB)
    )
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_answered"
    assert original in second.json()["error"]["reason"]


def test_a_retour_that_does_not_copy_the_header_is_refused_by_iv028(
    client: TestClient, store: Store
) -> None:
    allocation, _ = _allocation_in_party_mode(client, store)
    changed = a.retour(allocation)
    obj(changed["Header"])["BerichtSubversie"] = "1"
    response = client.post("/v1/messages", content=b.to_bytes(changed), headers=auth(AGB))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "header_not_copied" and "IV028" in error["reason"]
    assert "BerichtSubversie" in error["reason"]
    assert mailbox(client, GEMEENTE, "JW302") == []
    assert post(client, b.to_bytes(a.retour(allocation)), AGB)["accepted"] is True


@pytest.mark.parametrize("answer", ["JW302", "JW325"])
def test_a_stranger_cannot_answer_a_message_waiting_for_its_receiver(
    client: TestClient, store: Store, answer: str
) -> None:
    """Another provider's JW302 to the allocation, another municipality's JW325 to the
    declaration: refused alike, without the original's id, and delivered to nobody."""
    build: Callable[[JsonObject], JsonObject]
    if answer == "JW302":
        model, original = _allocation_in_party_mode(client, store)
        stranger, sender, build = OTHER_AGB, GEMEENTE, a.retour
    else:
        model, original = _sent_in_party_mode(client, store)
        stranger, sender, build = OTHER_GEMEENTE, AGB, a.jw325
    stated = b.clone(model)
    obj(stated["Header"])["Ontvanger"] = stranger
    body = b.to_bytes(build(stated))
    response = client.post("/v1/messages", content=body, headers=auth(stranger))
    assert response.status_code == 409, response.text
    assert original not in response.json()["error"]["reason"]
    assert mailbox(client, sender, answer) == []


def test_a_retour_with_a_code_the_code_list_lacks_is_refused(
    client: TestClient, store: Store
) -> None:
    allocation, _ = _allocation_in_party_mode(client, store)
    unknown = a.retour(allocation, header_codes=("0999",))
    result = post(client, b.to_bytes(unknown), AGB)
    assert result["accepted"] is False and result["delivery"] is None, result
    assert mailbox(client, GEMEENTE, "JW302") == []


def test_in_gateway_mode_the_gateway_answers_and_the_party_cannot(client: TestClient) -> None:
    allocation = b.jw301("A-GW")
    result = post(client, b.to_bytes(allocation), GEMEENTE)
    assert result["retour"]["message"] == "JW302"
    [item] = mailbox(client, AGB, "JW301")
    assert item["verdict"] is None and item["advice"] is None
    own = client.post("/v1/messages", content=b.to_bytes(a.retour(allocation)), headers=auth(AGB))
    assert own.status_code == 409 and own.json()["error"]["code"] == "already_answered"


def test_a_jw325_refusing_lines_not_declared_or_with_unknown_codes_is_refused(
    client: TestClient, store: Store
) -> None:
    declaration, _ = _sent_in_party_mode(client, store)
    other = b.jw323("D-PARTY", nummer="DECLPARTY", clients={b.BSN: [b.prestatie("P-9")]})
    assert "TR366" in _refused(client, a.jw325(other, "T325-5", rejected={"P-9": ["9338"]}))
    unknown_code = a.jw325(declaration, "T325-4", rejected={"P-2": ["0999"]})
    result = post(client, b.to_bytes(unknown_code), GEMEENTE)
    assert result["accepted"] is False and result["delivery"] is None, result
    assert mailbox(client, AGB, "JW325") == []


def test_in_party_mode_a_schema_failure_is_still_refused_at_the_door(
    client: TestClient, store: Store
) -> None:
    store.set_answer_mode(GEMEENTE, "JW323", "party")
    broken = b.to_bytes(_declaration()).replace(b"DECLPARTY", b"D" * 80)
    result = post(client, broken, AGB)
    assert result["verdict"]["schema_valid"] is False
    assert result["retour"] is None and result["delivery"] is None
    assert mailbox(client, GEMEENTE, "JW323") == []
