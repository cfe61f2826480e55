"""Answer mode ``party``: the receiver decides rejections too (issue 17, ``held``).

A schema-valid message the gateway's rules reject reaches its receiver with the verdict and
the rejection as advice; the receiver's own answer decides whether it counts as sent. Both
ways: a municipality's JW301 to a provider, a provider's JW315 to a municipality.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    TestClient,
    auth,
    post,
    retour_codes,
)
from tests.support.within_kit import obj


@dataclass(frozen=True)
class Way:
    """One direction: the heen message (with a fault only its rules see), who sends and who
    receives it, and a follow-up the receiver's acceptance lets through."""

    heen: str
    sender: str
    receiver: str
    rule: str

    def faulty(self, identificatie: str = "HELD-1") -> JsonObject:
        if self.heen == "JW301":
            product = b.toegewezen_product()
            del product["Omvang"]  # CD041: a product code without its volume
            return b.jw301(identificatie, products=[product])
        product = b.aangevraagd_product(verwijzer_type="02")  # CD067: a GP without AGB or name
        return b.jw315(identificatie, products=[product])

    def right(self, identificatie: str = "HELD-1") -> JsonObject:
        return b.jw301(identificatie) if self.heen == "JW301" else b.jw315(identificatie)

    def follow_up(self) -> tuple[bytes, str]:
        """(a message that needs the heen message to count, the party that sends it)."""
        if self.heen == "JW301":
            return b.to_bytes(b.jw305("F-1")), AGB  # the start of care of the allocation
        return b.to_bytes(b.jw319("F-1", referentie="REF-1")), GEMEENTE  # answers the request


WAYS = [Way("JW301", GEMEENTE, AGB, "CD041"), Way("JW315", AGB, GEMEENTE, "CD067")]
RETOUR = {"JW301": "JW302", "JW315": "JW316"}


def _events(client: TestClient, party: str, message: str) -> list[tuple[str, str]]:
    response = client.get(f"/v1/messages/{message}/events", headers=auth(party))
    assert response.status_code == 200, response.text
    return [(e["kind"], e["detail"]) for e in response.json()["events"]]


def _trajectories(client: TestClient) -> list[str]:
    """The states of the municipality's trajectories."""
    response = client.get("/v1/trajectories", headers=auth(GEMEENTE))
    assert response.status_code == 200, response.text
    return [str(t["state"]) for t in response.json()["trajectories"]]


def _held(client: TestClient, store: Store, way: Way) -> tuple[JsonObject, str]:
    """The faulty heen message sent to a receiver that answers it itself: (model, id)."""
    store.set_answer_mode(way.receiver, way.heen, "party")
    model = way.faulty()
    result = post(client, b.to_bytes(model), way.sender)
    assert result["accepted"] is False, result
    assert way.rule in {f["rule"] for f in result["verdict"]["findings"]}
    assert result["retour"] is None  # nobody rejected it in the receiver's name
    assert result["delivery"] == {"receiver": way.receiver, "state": "queued"}, result
    return model, str(result["id"])


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.heen)
def test_a_message_the_rules_reject_reaches_its_receiver_with_the_advice(
    client: TestClient, store: Store, way: Way
) -> None:
    _, original = _held(client, store, way)
    [item] = mailbox(client, way.receiver, way.heen)
    assert item["id"] == original
    verdict = item["verdict"]
    assert isinstance(verdict, dict) and verdict["accepted"] is False
    advice = str(item["advice"])
    assert any(code not in ("0200",) for code in retour_codes(advice)), advice
    assert mailbox(client, way.sender, RETOUR[way.heen]) == []
    assert (RETOUR[way.heen], way.receiver, original) in deadlines(client, "open")
    kinds = [kind for kind, _ in _events(client, way.sender, original)]
    assert "held" in kinds and "rejected" not in kinds and "retour_composed" not in kinds
    metrics = client.get("/metrics").text
    assert f'ijw_intake_messages_total{{outcome="held",type="{way.heen}"}}' in metrics
    follow_up, by = way.follow_up()
    assert post(client, follow_up, by)["accepted"] is False  # held: it does not count yet


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.heen)
def test_the_receivers_rejection_reaches_the_sender_and_frees_the_identification(
    client: TestClient, store: Store, way: Way
) -> None:
    model, original = _held(client, store, way)
    again = client.post("/v1/messages", content=b.to_bytes(way.right()), headers=auth(way.sender))
    assert again.status_code == 409, again.text  # its identification waits on the receiver
    assert again.json()["error"]["code"] == "awaiting_answer"
    rejection = b.to_bytes(a.retour(model, "R-NO", header_codes=("0001",)))
    result = post(client, rejection, way.receiver)
    assert result["accepted"] is True and result["delivery"]["receiver"] == way.sender, result
    [item] = mailbox(client, way.sender, RETOUR[way.heen])
    assert item["xml"] == rejection.decode()
    assert (RETOUR[way.heen], way.receiver, original) in deadlines(client, "answered")
    assert ("rejected", f"by the receiver's answer {result['id']}") in _events(
        client, way.sender, original
    )
    second = b.to_bytes(a.retour(model, "R-YES"))
    refused = client.post("/v1/messages", content=second, headers=auth(way.receiver))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_answered"
    follow_up, by = way.follow_up()
    assert post(client, follow_up, by)["accepted"] is False  # it never counted
    reused = post(client, b.to_bytes(way.right()), way.sender)
    assert reused["accepted"] is True, reused["verdict"]  # the identification was free


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.heen)
def test_the_receivers_acceptance_makes_the_message_count(
    client: TestClient, store: Store, way: Way
) -> None:
    model, original = _held(client, store, way)
    assert _trajectories(client) == []  # held: monitoring counts nothing of it yet
    acceptance = b.to_bytes(a.retour(model, "R-YES"))
    result = post(client, acceptance, way.receiver)
    assert result["accepted"] is True, result["verdict"]
    assert _trajectories(client) == [{"JW301": "allocated", "JW315": "requested"}[way.heen]]
    [item] = mailbox(client, way.sender, RETOUR[way.heen])
    assert item["xml"] == acceptance.decode()
    meta = client.get(f"/v1/messages/{original}?format=meta", headers=auth(way.sender)).json()
    assert meta["accepted"] is True
    assert (RETOUR[way.heen], way.receiver, original) in deadlines(client, "answered")
    follow_up, by = way.follow_up()
    assert post(client, follow_up, by)["accepted"] is True  # it counts now
    reused = post(client, b.to_bytes(way.right()), way.sender)
    assert "TR056" in {f["rule"] for f in reused["verdict"]["findings"]}  # used up
    second = client.post(
        "/v1/messages", content=b.to_bytes(a.retour(model, "R-2")), headers=auth(way.receiver)
    )
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_answered"


def test_a_wrong_answer_to_a_held_message_decides_nothing(client: TestClient, store: Store) -> None:
    way = WAYS[0]
    model, original = _held(client, store, way)
    unknown = post(client, b.to_bytes(a.retour(model, header_codes=("0999",))), way.receiver)
    assert unknown["accepted"] is False and unknown["delivery"] is None
    changed = a.retour(model, "R-CHANGED")
    obj(changed["Header"])["BerichtSubversie"] = "1"
    uncopied = client.post("/v1/messages", content=b.to_bytes(changed), headers=auth(AGB))
    assert uncopied.status_code == 422 and "IV028" in uncopied.json()["error"]["reason"]
    assert (RETOUR[way.heen], way.receiver, original) in deadlines(client, "open")
    follow_up, by = way.follow_up()
    assert post(client, follow_up, by)["accepted"] is False  # still held
    assert post(client, b.to_bytes(a.retour(model, "R-OK")), way.receiver)["accepted"] is True


def test_a_stranger_cannot_decide_on_a_held_message(client: TestClient, store: Store) -> None:
    """Another provider's JW302 for the held JW301 is refused without the original's id, and
    the message stays held for its own receiver."""
    way = WAYS[0]
    model, original = _held(client, store, way)
    stated = b.clone(model)
    obj(stated["Header"])["Ontvanger"] = OTHER_AGB
    body = b.to_bytes(a.retour(stated, "R-STRANGER"))
    response = client.post("/v1/messages", content=body, headers=auth(OTHER_AGB))
    assert response.status_code == 409, response.text
    assert original not in response.json()["error"]["reason"]
    assert mailbox(client, way.sender, "JW302") == []
    assert (RETOUR[way.heen], way.receiver, original) in deadlines(client, "open")


def test_in_gateway_mode_the_gateway_still_rejects_and_answers(client: TestClient) -> None:
    way = WAYS[0]
    result = post(client, b.to_bytes(way.faulty()), way.sender)
    assert result["accepted"] is False and result["delivery"] is None
    assert result["retour"]["message"] == "JW302"
    assert mailbox(client, way.receiver, way.heen) == []


def _declaration(identificatie: str = "D-HELD", dagtekening: str = "2026-03-15") -> JsonObject:
    """A JW323 of two clients; dated within its own period (TR137) unless told otherwise."""
    return declaration_of_two(identificatie, "DECLHELD", dagtekening)


def _held_declaration(client: TestClient, store: Store) -> tuple[JsonObject, str]:
    store.set_answer_mode(GEMEENTE, "JW323", "party")
    allocate_both(client)
    declaration = _declaration()
    result = post(client, b.to_bytes(declaration), AGB)
    assert result["accepted"] is False and "TR137" in str(result["verdict"]), result
    assert result["retour"] is None and result["delivery"]["receiver"] == GEMEENTE
    [item] = mailbox(client, GEMEENTE, "JW323")
    assert "DeclaratieAntwoord" not in str(item["advice"])  # the gateway would refuse it all
    return declaration, str(result["id"])


def test_a_municipalitys_own_partial_jw325_makes_a_held_declaration_count(
    client: TestClient, store: Store
) -> None:
    """The JW325 is judged with its JW323 counted (TR337 finds it) and the provider receives
    exactly it; the declaration's number is used up from then on."""
    declaration, original = _held_declaration(client, store)
    own = b.to_bytes(a.jw325(declaration, rejected={"P-2": ["9338"]}))
    result = post(client, own, GEMEENTE)
    assert result["accepted"] is True, result["verdict"]
    [item] = mailbox(client, AGB, "JW325")
    assert item["xml"] == own.decode()
    assert ("JW325", GEMEENTE, original) in deadlines(client, "answered")
    again = post(client, b.to_bytes(_declaration("D-AGAIN", "2026-04-02")), AGB)
    assert again["accepted"] is False  # its DeclaratieNummer is used: the held one counts


def test_a_municipalitys_own_refusal_leaves_a_held_declaration_unsent(
    client: TestClient, store: Store
) -> None:
    declaration, original = _held_declaration(client, store)
    refusal = b.to_bytes(a.jw325(declaration, antwoord_codes=("9333",)))
    result = post(client, refusal, GEMEENTE)
    assert result["accepted"] is True, result["verdict"]
    assert [item["xml"] for item in mailbox(client, AGB, "JW325")] == [refusal.decode()]
    meta = client.get(f"/v1/messages/{original}?format=meta", headers=auth(AGB)).json()
    assert meta["accepted"] is False
    corrected = post(client, b.to_bytes(_declaration(dagtekening="2026-04-02")), AGB)
    assert corrected["accepted"] is True, corrected["verdict"]  # identification and number free
