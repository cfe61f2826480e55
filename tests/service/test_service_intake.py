"""POST /v1/messages: verdicts, return messages, storage, queueing and idempotency."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import fastapi.routing
import pytest
from sqlalchemy import text

from ijw_gateway.api.app import create_app
from ijw_gateway.api.routes import hot_routes
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.received import Result
from ijw_gateway.store import Store, Unit
from ijw_gateway.store.refusals import StoreRefusalLog
from tests.support.service import AGB, GEMEENTE, TestClient, auth, post, retour_codes, zip_of
from tests.support.within_kit import obj

JsonDict = dict[str, object]


def test_accepted_message_is_answered_stored_and_queued(client: TestClient, store: Store) -> None:
    data = b.to_bytes(b.jw301())
    result = post(client, data, GEMEENTE)
    assert result["accepted"] is True and result["duplicate"] is False
    assert result["delivery"] == {"receiver": AGB, "state": "queued"}
    retour = result["retour"]
    assert isinstance(retour, dict) and retour["message"] == "JW302"
    assert "<jw302:Bericht" in str(retour["xml"])
    message_id = str(result["id"])
    assert store.raw(message_id) == data
    assert store.delivery_state(message_id) == "queued"
    kinds = [e.kind for e in store.events(message_id)]
    assert kinds == ["received", "accepted", "retour_composed", "queued"]


def test_posting_skips_fastapis_request_handling_and_keeps_trace_and_metrics(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``POST /v1/messages`` is served by ``api.fastroute`` straight from its endpoint:
    FastAPI's handler for the route is never called, and the trace middleware still
    labels it with the route."""
    assert [r.path for r in hot_routes()] == ["/v1/messages"]

    async def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("FastAPI's request handling ran for the hot route")

    with monkeypatch.context() as patched:  # every FastAPI route resolves its dependencies
        patched.setattr(fastapi.routing, "solve_dependencies", never)
        response = client.post(
            "/v1/messages",
            content=b.to_bytes(b.jw301()),
            headers={**auth(GEMEENTE), "X-Trace-Id": "4bf92f3577b34da6a3ce929d0e0e4736"},
        )
    assert response.status_code == 200 and response.json()["accepted"] is True
    assert response.headers["x-trace-id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    metrics = client.get("/metrics").text
    assert 'ijw_http_requests_total{method="POST",route="/v1/messages",status="200"}' in metrics
    wrong = client.put("/v1/messages")  # another method goes on to the router, as before
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_rejected_message_is_stored_but_not_queued(client: TestClient, store: Store) -> None:
    model = b.jw301()
    obj(model["Client"])["Bsn"] = "999999999"  # fails the eleven-test
    result = post(client, b.to_bytes(model), GEMEENTE)
    verdict = result["verdict"]
    assert isinstance(verdict, dict) and verdict["retourcodes"] == ["0001"]
    assert result["accepted"] is False and result["delivery"] is None
    retour = result["retour"]
    assert isinstance(retour, dict) and "0001" in retour_codes(str(retour["xml"]))
    assert store.delivery_state(str(result["id"])) is None
    assert "rejected" in [e.kind for e in store.events(str(result["id"]))]


def test_extra_data_is_refused_and_recorded_with_the_message(
    client: TestClient, store: Store
) -> None:
    """The no-extra-data refusal is written in the intake's own transaction."""
    data = b.to_bytes(b.jw301()).replace(b"<jw301:Client>", b"<jw301:Client><?demand x?>", 1)
    result = post(client, data, GEMEENTE)
    assert result["accepted"] is False and result["delivery"] is None
    [refusal] = StoreRefusalLog(store.session).refusals()
    assert (refusal.rule, refusal.subject) == ("NO-EXTRA-DATA", "JW301 T301-1")
    assert (refusal.municipality, refusal.provider) == (GEMEENTE, AGB)
    message_id = str(result["id"])
    assert store.raw(message_id) == data
    assert [e.kind for e in store.events(message_id)] == ["received", "rejected"]


def test_schema_invalid_message_gets_a_verdict_and_no_return_message(client: TestClient) -> None:
    data = b.to_bytes(b.jw301()).replace(b"<jw301:Geslacht>0", b"<jw301:Geslacht>X")
    result = post(client, data, GEMEENTE)
    verdict = result["verdict"]
    assert isinstance(verdict, dict) and verdict["schema_valid"] is False
    assert result["retour"] is None and result["delivery"] is None


def test_xml_that_is_no_ijw_message_is_a_verdict_too(client: TestClient, store: Store) -> None:
    """Parsed once for the envelope; the validator reads that same tree and says why."""
    data = b'<?xml version="1.0"?><Bericht xmlns="urn:other"><Header/></Bericht>'
    result = post(client, data, GEMEENTE)
    verdict = result["verdict"]
    assert isinstance(verdict, dict) and verdict["accepted"] is False
    assert verdict["message"] is None and verdict["findings"]
    assert result["retour"] is None and result["delivery"] is None
    assert store.raw(str(result["id"])) == data


def test_same_bytes_twice_return_the_original_verdict_and_deliver_once(
    client: TestClient, store: Store
) -> None:
    data = b.to_bytes(b.jw301())
    first = post(client, data, GEMEENTE)
    second = post(client, data, GEMEENTE)
    assert second["duplicate"] is True
    assert second["id"] == first["id"] and second["verdict"] == first["verdict"]
    assert second["retour"] == first["retour"]
    assert len(store.mailbox(AGB, 250)) == 1
    assert store.outbox_counts() == {"queued": 1}


def test_a_different_message_reusing_an_identification_is_tr056(client: TestClient) -> None:
    post(client, b.to_bytes(b.jw301("X-1")), GEMEENTE)
    other = b.jw301("X-1", products=[b.toegewezen_product(2002)])
    result = post(client, b.to_bytes(other), GEMEENTE)
    verdict = result["verdict"]
    assert isinstance(verdict, dict) and "9056" in verdict["retourcodes"]
    assert result["delivery"] is None


def _waiting_for_a_lock(store: Store) -> bool:
    """Whether some transaction waits for an intake lock (PostgreSQL); on SQLite the
    second intake waits for the write lock, which has no such view: give it a moment."""
    if not store.postgres:
        time.sleep(0.3)
        return True
    with store.session() as session:
        waiting = session.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ).scalar_one()
    return bool(waiting)


def _second_while_first_commits(
    gateway: Gateway, first: bytes, second: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[Result, Result]:
    """Intake ``first`` and hold its transaction open after its rows are written; intake
    ``second`` meanwhile, let it wait for ``first``'s lock, then let ``first`` commit."""
    written, release = threading.Event(), threading.Event()
    holder: list[threading.Thread] = []
    real_flush = Unit.flush

    def flush(unit: Unit) -> None:
        real_flush(unit)
        if holder and threading.current_thread() is holder[0]:
            written.set()
            assert release.wait(30)

    monkeypatch.setattr(Unit, "flush", flush)
    results: dict[str, Result | Exception] = {}

    def run(name: str, body: bytes) -> None:
        try:
            results[name] = gateway.intake.submit(GEMEENTE, body, name)[0]
        except Exception as error:  # reported below, in the test's own thread
            results[name] = error

    holder.append(threading.Thread(target=run, args=("first", first)))
    holder[0].start()
    assert written.wait(30)
    other = threading.Thread(target=run, args=("second", second))
    other.start()
    deadline = time.monotonic() + 30
    while not _waiting_for_a_lock(gateway.store):
        assert time.monotonic() < deadline and other.is_alive(), "the second never waited"
        time.sleep(0.01)
    release.set()
    holder[0].join(30)
    other.join(30)
    first_result, second_result = results["first"], results["second"]
    assert isinstance(first_result, Result), first_result
    assert isinstance(second_result, Result), second_result
    return first_result, second_result


def test_same_bytes_arriving_while_the_first_commits_are_a_duplicate(
    gateway: Gateway, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The intake asks for a receipt in the statement that takes its locks, so it reads
    the store as it was before the first commit; the receipt's unique key makes it try
    again, and then it sees the first."""
    data = b.to_bytes(b.jw301("RACE-1"))
    first, second = _second_while_first_commits(gateway, data, data, monkeypatch)
    assert first.delivery == "queued" and not first.duplicate
    assert second.duplicate and second.id == first.id and second.report == first.report
    assert store.outbox_counts() == {"queued": 1}


def test_an_identification_taken_while_waiting_is_tr056(
    gateway: Gateway, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same client (so the same lock), same identification, other content."""
    data = b.to_bytes(b.jw301("RACE-2"))
    other = b.to_bytes(b.jw301("RACE-2", products=[b.toegewezen_product(2002)]))
    first, second = _second_while_first_commits(gateway, data, other, monkeypatch)
    assert first.delivery == "queued"
    assert not second.duplicate and second.delivery is None
    assert "9056" in second.report["retourcodes"]  # type: ignore[operator]
    assert store.outbox_counts() == {"queued": 1}


def test_zip_of_messages_gets_one_verdict_each(client: TestClient) -> None:
    members = {f"m{i}.xml": b.to_bytes(b.jw305(f"Z-{i}")) for i in range(3)}
    response = client.post("/v1/messages", content=zip_of(members), headers=auth(AGB))
    items = response.json()["items"]
    assert response.status_code == 200 and len(items) == 3
    assert [i["verdict"]["file"] for i in items] == ["<member 1>", "<member 2>", "<member 3>"]


def test_zip_of_more_than_thirty_is_refused_as_a_whole(client: TestClient, store: Store) -> None:
    members = {f"m{i}.xml": b.to_bytes(b.jw305(f"Z-{i}")) for i in range(31)}
    response = client.post("/v1/messages", content=zip_of(members), headers=auth(AGB))
    items = response.json()["items"]
    assert len(items) == 1 and items[0]["id"] is None
    assert "at most 30" in items[0]["verdict"]["findings"][0]["text"]
    assert store.outbox_counts() == {}


def test_empty_body_is_an_error(client: TestClient) -> None:
    response = client.post("/v1/messages", content=b"", headers=auth(GEMEENTE))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "empty_body"


def test_receiver_must_be_a_party(client: TestClient) -> None:
    data = b.to_bytes(b.jw301(agb="87654321"))
    response = client.post("/v1/messages", content=data, headers=auth(GEMEENTE))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_receiver"


def _in_flight_at_most(gateway: Gateway, threads: int, posts: int) -> int:
    """Post ``posts`` messages at once; return how many intakes ever ran together."""
    gateway.settings = replace(gateway.settings, intake_threads=threads)
    real, lock, now, peak = gateway.intake.submit, threading.Lock(), [0], [0]

    def submit(*args: Any, **kwargs: Any) -> list[Result]:  # Intake.submit's arguments
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.05)  # long enough for the other requests to arrive meanwhile
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                now[0] -= 1

    gateway.intake.submit = submit  # type: ignore[method-assign]
    bodies = [
        b.to_bytes(b.jw301(f"B-{threads}-{i}", products=[b.toegewezen_product(500 + i)]))
        for i in range(posts)
    ]
    app = create_app(gateway=gateway, with_worker=False)
    with TestClient(app) as client, ThreadPoolExecutor(posts) as pool:
        results = list(pool.map(lambda body: post(client, body, GEMEENTE), bodies))
    assert all(r["accepted"] for r in results)
    return peak[0]


def test_a_process_judges_at_most_intake_threads_messages_at_once(gateway: Gateway) -> None:
    assert _in_flight_at_most(gateway, 1, 4) == 1
    assert _in_flight_at_most(gateway, 3, 6) in (2, 3)
