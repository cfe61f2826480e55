"""Access rules, both ways: a party sends only its own messages and reads only its own."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.store import Store
from tests.support.service import (
    AGB,
    GEMEENTE,
    OTHER_AGB,
    OTHER_GEMEENTE,
    TestClient,
    auth,
    demo_key,
    post,
    zip_of,
)
from tests.support.within_kit import obj


def test_no_key_and_a_wrong_key_are_401(client: TestClient) -> None:
    data = b.to_bytes(b.jw301())
    missing = client.post("/v1/messages", content=data)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "missing_api_key"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/v1/messages", content=data, headers={"X-API-Key": "ijw.demo-0505.nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"


def test_x_api_key_header_works_too(client: TestClient) -> None:
    response = client.get("/v1/mailbox", headers={"X-API-Key": demo_key(AGB)})
    assert response.status_code == 200


def test_two_different_keys_are_401_whichever_is_valid(client: TestClient) -> None:
    for bearer, api_key in ((demo_key(AGB), "ijw.demo-0505.nope"), ("nope", demo_key(AGB))):
        headers = {"Authorization": f"Bearer {bearer}", "X-API-Key": api_key}
        response = client.get("/v1/mailbox", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "conflicting_api_keys"
    same = {**auth(AGB), "X-API-Key": demo_key(AGB)}  # the same key twice is one key
    assert client.get("/v1/mailbox", headers=same).status_code == 200
    proxy = {"Authorization": "Basic cHJveHk6cGFzcw==", "X-API-Key": demo_key(AGB)}
    assert client.get("/v1/mailbox", headers=proxy).status_code == 200  # not a key at all


def test_a_header_sent_twice_with_different_keys_is_401_on_both_paths(
    client: TestClient,
) -> None:
    """Two ``Authorization`` (or two ``X-API-Key``) headers acted as the first one's party;
    the hot route (``api.fastroute``) and the routes FastAPI serves refuse them alike."""
    data = b.to_bytes(b.jw305())  # from AGB: the first key's party could send it
    for name, value in (("Authorization", "Bearer {}"), ("X-API-Key", "{}")):
        twice = [(name, value.format(demo_key(AGB))), (name, value.format(demo_key(GEMEENTE)))]
        for method, url, content in (
            ("post", "/v1/messages", data),
            ("get", "/v1/mailbox", None),
        ):
            response = client.request(method, url, headers=twice, content=content)
            assert response.status_code == 401, (name, url, response.text)
            assert response.json()["error"]["code"] == "conflicting_api_keys"
        same = [twice[0], twice[0]]  # the same key twice is one key
        assert client.get("/v1/mailbox", headers=same).status_code == 200


def test_revoked_key_is_refused(client: TestClient, store: Store) -> None:
    store.revoke_key(f"demo-{OTHER_AGB}")
    response = client.get("/v1/mailbox", headers=auth(OTHER_AGB))
    assert response.status_code == 401


def test_sending_someone_elses_message_is_403_and_recorded(
    client: TestClient, store: Store
) -> None:
    data = b.to_bytes(b.jw301())  # Afzender 0505
    response = client.post("/v1/messages", content=data, headers=auth(OTHER_GEMEENTE))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "not_the_sender" and "0505" in error["reason"]
    assert store.outbox_counts() == {}
    # The same message from its real sender is accepted.
    assert post(client, data, GEMEENTE)["accepted"] is True


def test_a_provider_may_not_send_a_municipalitys_message(client: TestClient) -> None:
    response = client.post("/v1/messages", content=b.to_bytes(b.jw301()), headers=auth(AGB))
    assert response.status_code == 403


def test_zip_with_one_foreign_message_is_refused_whole(client: TestClient, store: Store) -> None:
    members = {"own.xml": b.to_bytes(b.jw305()), "foreign.xml": b.to_bytes(b.jw305(agb=OTHER_AGB))}
    response = client.post("/v1/messages", content=zip_of(members), headers=auth(AGB))
    assert response.status_code == 403
    assert store.outbox_counts() == {}


def test_reading_messages_sender_and_receiver_yes_others_no(
    client: TestClient, store: Store
) -> None:
    data = b.to_bytes(b.jw301())
    message_id = str(post(client, data, GEMEENTE)["id"])
    for party in (GEMEENTE, AGB):
        response = client.get(f"/v1/messages/{message_id}", headers=auth(party))
        assert response.status_code == 200 and response.content == data
    for party in (OTHER_GEMEENTE, OTHER_AGB):
        response = client.get(f"/v1/messages/{message_id}", headers=auth(party))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_your_message"
        events = client.get(f"/v1/messages/{message_id}/events", headers=auth(party))
        assert events.status_code == 403
    kinds = [(e.kind, e.party) for e in store.events(message_id)]
    assert ("forbidden", OTHER_AGB) in kinds and ("forbidden", OTHER_GEMEENTE) in kinds


def test_a_rejected_message_is_not_readable_by_its_receiver(client: TestClient) -> None:
    model = b.jw301()
    obj(model["Client"])["Bsn"] = "999999999"
    message_id = post(client, b.to_bytes(model), GEMEENTE)["id"]
    assert client.get(f"/v1/messages/{message_id}", headers=auth(GEMEENTE)).status_code == 200
    assert client.get(f"/v1/messages/{message_id}", headers=auth(AGB)).status_code == 403


def test_mailbox_holds_only_own_messages_and_ack_is_own_only(client: TestClient) -> None:
    message_id = post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"]
    assert client.get("/v1/mailbox", headers=auth(OTHER_AGB)).json()["items"] == []
    assert client.get("/v1/mailbox", headers=auth(GEMEENTE)).json()["items"] == []
    items = client.get("/v1/mailbox", headers=auth(AGB)).json()["items"]
    assert [i["id"] for i in items] == [message_id]
    refused = client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(OTHER_AGB))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_mailbox"
    done = client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(AGB))
    assert done.json() == {"id": message_id, "state": "acked", "already": False}
    again = client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(AGB))
    assert again.json()["already"] is True
    assert client.get("/v1/mailbox", headers=auth(AGB)).json()["items"] == []


def test_a_retour_travels_from_the_original_receiver(client: TestClient) -> None:
    """The routing trap: a JW302 carries Afzender 0505 but is sent by the provider."""
    from ijw_gateway.retour import compose
    from ijw_gateway.runtime import build_validator

    original = b.to_bytes(b.jw301("R-1"))
    outcome = build_validator().run(original)
    assert outcome.message is not None
    retour = compose(outcome.message, outcome.report).to_bytes()
    municipal = client.post("/v1/messages", content=retour, headers=auth(GEMEENTE))
    assert municipal.status_code == 403  # its Afzender, but it travels the other way
    own = client.post("/v1/messages", content=retour, headers=auth(AGB))
    assert own.status_code == 200 and own.json()["delivery"]["receiver"] == GEMEENTE


def test_unknown_message_is_404_and_bad_id_is_422(client: TestClient) -> None:
    missing = client.get(f"/v1/messages/{'0' * 32}", headers=auth(AGB))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad = client.get("/v1/messages/not-an-id", headers=auth(AGB))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
