"""Signed, traced pushes: every push carries an HMAC-SHA256 signature the receiver can
check with its own secret, and the trace id of the request that brought the message in
(W3C ``traceparent`` or ``X-Trace-Id``); a party-mode push says the gateway's verdict."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx

from ijw_gateway.delivery import PushChannel
from ijw_gateway.fixtures import builders as b
from ijw_gateway.signatures import party_secret, verify
from ijw_gateway.store import Store
from ijw_gateway.worker import Worker
from tests.support.service import AGB, GEMEENTE, TestClient, auth

ENDPOINT = "http://127.0.0.1:9/ijw"
SIGNING_KEY = "a signing key of the test, long enough"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _pushed(store: Store, signing_key: str | None = SIGNING_KEY) -> list[httpx.Request]:
    """What one worker round pushes to the provider."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    channel = PushChannel(httpx.MockTransport(handle), timeout=1.0, signing_key=signing_key)
    worker = Worker(store, channel, lease=timedelta(seconds=60), concurrency=2)
    worker.run_once()
    worker.close()
    return seen


def _post(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(
        "/v1/messages", content=b.to_bytes(b.jw301()), headers={**auth(GEMEENTE), **headers}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_a_push_is_signed_and_the_receiver_can_check_it(client: TestClient, store: Store) -> None:
    store.set_endpoint(AGB, ENDPOINT)
    _post(client, {})
    [request] = _pushed(store)
    stamp, signed = request.headers["x-ijw-timestamp"], request.headers["x-ijw-signature"]
    secret = party_secret(SIGNING_KEY, AGB)
    assert signed.startswith("v1=")
    assert verify(secret, stamp, request.content, signed, time.time())
    assert not verify(secret, stamp, request.content + b" ", signed, time.time())
    assert not verify(party_secret(SIGNING_KEY, GEMEENTE), stamp, request.content, signed, 0)
    assert not verify(secret, stamp, request.content, signed, time.time() + 3600)  # replayed


def test_without_a_signing_key_pushes_are_not_signed(client: TestClient, store: Store) -> None:
    store.set_endpoint(AGB, ENDPOINT)
    _post(client, {})
    [request] = _pushed(store, None)
    assert "x-ijw-signature" not in request.headers


def test_a_traceparent_is_taken_in_and_carried_on_to_the_push(
    client: TestClient, store: Store
) -> None:
    store.set_endpoint(AGB, ENDPOINT)
    message_id = _post(client, {"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"})
    assert {e.trace_id for e in store.events(message_id)} == {TRACE}
    [request] = _pushed(store)
    assert request.headers["x-trace-id"] == TRACE
    version, trace, span, flags = request.headers["traceparent"].split("-")
    assert (version, trace, flags) == ("00", TRACE, "01") and span != "00f067aa0ba902b7"
    assert "x-ijw-answer-mode" not in request.headers  # the gateway answered this one


def test_x_trace_id_keeps_working_and_a_bad_traceparent_is_ignored(client: TestClient) -> None:
    response = client.get(
        "/v1/mailbox",
        headers={**auth(AGB), "traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"},
    )
    assert len(response.headers["x-trace-id"]) == 32
    assert response.headers["x-trace-id"] != "0" * 32
    response = client.get("/v1/mailbox", headers={**auth(AGB), "X-Trace-Id": TRACE})
    assert response.headers["x-trace-id"] == TRACE


def test_a_party_mode_push_says_the_verdict_and_where_the_advice_is(
    client: TestClient, store: Store
) -> None:
    store.set_endpoint(AGB, ENDPOINT)
    store.set_answer_mode(AGB, "JW301", "party")
    message_id = _post(client, {})
    [request] = _pushed(store)
    assert request.headers["x-ijw-answer-mode"] == "party"
    assert request.headers["x-ijw-verdict"] == "accepted"
    assert request.headers["x-ijw-retourcodes"] == ""
    advice = request.headers["x-ijw-advice"]
    assert advice == f"/v1/messages/{message_id}?format=advice"
    read = client.get(advice, headers=auth(AGB))
    assert read.status_code == 200 and "jw302:Bericht" in read.text
