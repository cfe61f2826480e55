"""GET endpoints: a message as received, as JSON, its events, its conversation; metrics."""

from __future__ import annotations

from typing import Any

from ijw_gateway.api.answers import (
    AckAnswer,
    ConversationAnswer,
    EventsAnswer,
    IntakeAnswer,
    MailboxAnswer,
    MessageMeta,
    ZipAnswer,
)
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import to_xml_bytes
from tests.support.service import AGB, GEMEENTE, TestClient, auth, post, zip_of


def test_raw_bytes_come_back_exactly_and_json_is_lossless(client: TestClient) -> None:
    data = b.to_bytes(b.jw301()).replace(b"\n", b"\r\n")  # CR/LF as OP192 prescribes
    message_id = post(client, data, GEMEENTE)["id"]
    raw = client.get(f"/v1/messages/{message_id}", headers=auth(AGB))
    assert raw.content == data and raw.headers["content-type"].startswith("application/xml")
    model = client.get(f"/v1/messages/{message_id}?format=json", headers=auth(AGB)).json()
    assert model["message"] == "JW301" and model["Header"]["Afzender"] == GEMEENTE
    assert to_xml_bytes(model) == b.to_bytes(b.jw301())


def test_meta_and_json_of_a_non_message(client: TestClient) -> None:
    message_id = post(client, b"<not-ijw/>", GEMEENTE)["id"]
    meta = client.get(f"/v1/messages/{message_id}?format=meta", headers=auth(GEMEENTE)).json()
    assert meta["accepted"] is False and meta["to"] is None
    as_json = client.get(f"/v1/messages/{message_id}?format=json", headers=auth(GEMEENTE))
    assert as_json.status_code == 422 and as_json.json()["error"]["code"] == "no_json_model"


def test_json_of_a_message_holding_what_json_cannot_carry_is_refused(client: TestClient) -> None:
    """No lossy model: a stored (refused) message with an attribute has no JSON."""
    data = b.to_bytes(b.jw301()).replace(b"<jw301:Client>", b'<jw301:Client versie="2">', 1)
    message_id = post(client, data, GEMEENTE)["id"]
    as_json = client.get(f"/v1/messages/{message_id}?format=json", headers=auth(GEMEENTE))
    assert as_json.status_code == 422 and as_json.json()["error"]["code"] == "no_json_model"
    assert "such as an attribute" in as_json.json()["error"]["reason"]


def test_events_carry_times_kinds_and_the_trace_id(client: TestClient) -> None:
    response = client.post(
        "/v1/messages",
        content=b.to_bytes(b.jw301()),
        headers={**auth(GEMEENTE), "X-Trace-Id": "0f6c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"},
    )
    assert response.headers["x-trace-id"] == "0f6c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
    message_id = response.json()["id"]
    client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(AGB))
    events = client.get(f"/v1/messages/{message_id}/events", headers=auth(GEMEENTE)).json()
    kinds = [e["kind"] for e in events["events"]]
    assert kinds == ["received", "accepted", "retour_composed", "queued", "acknowledged"]
    assert all(e["at"].endswith("Z") for e in events["events"])
    assert events["events"][0]["trace_id"] == "0f6c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"


def test_conversation_links_a_message_with_its_retour(client: TestClient) -> None:
    result = post(client, b.to_bytes(b.jw301()), GEMEENTE)
    conversation = client.get(f"/v1/conversations/{result['id']}", headers=auth(GEMEENTE)).json()
    kinds = [m["message"] for m in conversation["messages"]]
    assert kinds == ["JW301", "JW302"]
    retour = conversation["messages"][1]
    assert retour["origin"] == "gateway" and retour["answers"] == result["id"]
    assert (retour["from"], retour["to"]) == (AGB, GEMEENTE)


def test_conversation_of_a_request_follows_referentie_aanbieder(client: TestClient) -> None:
    """315 -> 316 (gateway) -> 319 "in onderzoek" -> 301 carrying the reference."""
    vot = post(client, b.to_bytes(b.jw315("V-1")), AGB)
    assert vot["accepted"] is True, vot["verdict"]
    onderzoek = post(client, b.to_bytes(b.jw319("A-1", referentie="REF-1")), GEMEENTE)
    product = b.toegewezen_product(3001, referentie="REF-1", ingangsdatum="2026-04-01")
    allocation = post(client, b.to_bytes(b.jw301("T-9", products=[product])), GEMEENTE)
    assert onderzoek["accepted"] and allocation["accepted"], allocation["verdict"]
    assert onderzoek["conversation"] == vot["id"] == allocation["conversation"]
    conversation = client.get(f"/v1/conversations/{allocation['id']}", headers=auth(AGB)).json()
    kinds = [m["message"] for m in conversation["messages"]]
    assert kinds == ["JW315", "JW316", "JW319", "JW320", "JW301", "JW302"]


def test_conversation_shows_only_what_the_party_may_read(client: TestClient) -> None:
    result = post(client, b.to_bytes(b.jw301()), GEMEENTE)
    other = client.get(f"/v1/conversations/{result['id']}", headers=auth("0512"))
    assert other.status_code == 403


def test_mailbox_limit_is_bounded(client: TestClient) -> None:
    assert client.get("/v1/mailbox?limit=250", headers=auth(AGB)).status_code == 200
    too_many = client.get("/v1/mailbox?limit=251", headers=auth(AGB))
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "invalid_request"
    for i in range(3):
        post(
            client, b.to_bytes(b.jw301(f"L-{i}", products=[b.toegewezen_product(10 + i)])), GEMEENTE
        )
    items = client.get("/v1/mailbox?limit=2", headers=auth(AGB)).json()["items"]
    assert len(items) == 2 and items[0]["xml"].startswith("<?xml")


def test_health_and_metrics(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    post(client, b.to_bytes(b.jw301()), GEMEENTE)
    text = client.get("/metrics").text
    assert 'ijw_outbox_messages{state="queued"} 1' in text
    assert 'ijw_intake_messages_total{outcome="accepted",type="JW301"}' in text
    assert "# TYPE ijw_http_request_seconds histogram" in text
    assert b.BSN not in text and "Testpersoon" not in text


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/messages",
        "/v1/mailbox",
        "/v1/mailbox/{message_id}/ack",
        "/v1/messages/{message_id}",
        "/v1/messages/{message_id}/events",
        "/v1/conversations/{message_id}",
        "/health",
        "/metrics",
    ):
        assert path in paths
    body = paths["/v1/messages"]["post"]["requestBody"]["content"]
    assert "application/xml" in body and "application/zip" in body


def test_openapi_says_which_routes_need_a_key_and_how_to_send_it(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <key>",
    }
    assert schemes["apiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    either: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
    keyed = {
        (path, method): operation.get("security")
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert keyed[("/v1/messages", "post")] == either
    assert keyed[("/v1/mailbox", "get")] == either
    assert keyed[("/v1/messages/{message_id}/events", "get")] == either
    assert keyed[("/health", "get")] is None and keyed[("/metrics", "get")] is None


def _documented_ok(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    content: dict[str, Any] = schema["paths"][path][method]["responses"]["200"]["content"]
    return content


def test_every_answer_is_what_the_openapi_documents(client: TestClient) -> None:
    """Real answers of every route against the models their OpenAPI documents (which
    allow nothing else), including the less common shapes: a zip, a duplicate, a
    refused zip member, a message that is not well-formed XML, an acknowledgement repeated."""
    schema = client.get("/openapi.json").json()
    ref = "#/components/schemas/"
    single = [b.to_bytes(b.jw301()), b"<not well-formed", b.to_bytes(b.jw301())]
    answers = [client.post("/v1/messages", content=d, headers=auth(GEMEENTE)) for d in single]
    assert answers[2].json()["duplicate"] is True
    members = {"ok.xml": b.to_bytes(b.jw305("Z-1")), "bad.txt": b"\xff\xfe"}
    zipped = client.post("/v1/messages", content=zip_of(members), headers=auth(AGB))
    for answer in answers:
        IntakeAnswer.model_validate(answer.json())
    assert len(ZipAnswer.model_validate(zipped.json()).items) == 2
    posted = _documented_ok(schema, "post", "/v1/messages")["application/json"]["schema"]
    assert posted["anyOf"] == [{"$ref": ref + "IntakeAnswer"}, {"$ref": ref + "ZipAnswer"}]

    message_id = answers[0].json()["id"]
    read = f"/v1/messages/{message_id}"
    MessageMeta.model_validate(client.get(f"{read}?format=meta", headers=auth(AGB)).json())
    assert client.get(f"{read}?format=json", headers=auth(AGB)).json()["message"] == "JW301"
    as_xml = client.get(read, headers=auth(AGB))
    assert as_xml.headers["content-type"].startswith("application/xml")
    documented = _documented_ok(schema, "get", "/v1/messages/{message_id}")
    assert documented["application/xml"] == {"schema": {"type": "string"}}
    assert {"$ref": ref + "MessageMeta"} in documented["application/json"]["schema"]["anyOf"]

    box = client.get("/v1/mailbox", headers=auth(AGB)).json()
    assert MailboxAnswer.model_validate(box).items
    acks = [client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(AGB)) for _ in range(2)]
    assert [AckAnswer.model_validate(a.json()).already for a in acks] == [False, True]
    EventsAnswer.model_validate(client.get(f"{read}/events", headers=auth(AGB)).json())
    conversation = client.get(f"/v1/conversations/{message_id}", headers=auth(AGB)).json()
    assert len(ConversationAnswer.model_validate(conversation).messages) == 2
    for method, path, model in (
        ("get", "/v1/mailbox", "MailboxAnswer"),
        ("post", "/v1/mailbox/{message_id}/ack", "AckAnswer"),
        ("get", "/v1/messages/{message_id}/events", "EventsAnswer"),
        ("get", "/v1/conversations/{message_id}", "ConversationAnswer"),
    ):
        answer = _documented_ok(schema, method, path)["application/json"]["schema"]
        assert answer == {"$ref": ref + model}
    meta = schema["components"]["schemas"]["MessageMeta"]
    assert "from" in meta["properties"] and "from_" not in meta["properties"]
