"""Delivery: the transport seam, retry classes, backoff, the outbox lease, dead letters."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ijw_gateway.delivery import Parcel, PushChannel, backoff
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store
from ijw_gateway.worker import Worker
from tests.support.service import AGB, GEMEENTE, TestClient, post

ENDPOINT = "http://127.0.0.1:9/ijw"
PARCEL = Parcel("m" * 32, ENDPOINT, b"<x/>", "JW301", GEMEENTE, "t")


def _deliverer(handler: httpx.MockTransport) -> PushChannel:
    return PushChannel(handler, timeout=1.0, tries=3, max_seconds=5.0)


def _answering(*statuses: int) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    answers = iter(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(answers))

    return httpx.MockTransport(handle), seen


def test_a_2xx_is_delivered_with_the_exact_bytes_and_an_idempotency_key() -> None:
    transport, seen = _answering(204)
    attempt = _deliverer(transport).send(PARCEL)
    assert attempt.delivered and len(seen) == 1
    request = seen[0]
    assert request.content == b"<x/>" and request.headers["idempotency-key"] == "m" * 32
    assert request.headers["x-ijw-message-type"] == "JW301"


def test_a_5xx_is_retried_and_may_then_succeed() -> None:
    transport, seen = _answering(503, 502, 200)
    assert _deliverer(transport).send(PARCEL).delivered and len(seen) == 3


def test_retries_are_bounded_and_say_retry_later() -> None:
    transport, seen = _answering(500, 500, 500, 500)
    attempt = _deliverer(transport).send(PARCEL)
    assert not attempt.delivered and attempt.retryable and len(seen) == 3
    assert attempt.detail == "HTTP 500"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422, 301])
def test_a_4xx_or_redirect_is_not_retried(status: int) -> None:
    transport, seen = _answering(status, 200)
    attempt = _deliverer(transport).send(PARCEL)
    assert not attempt.delivered and not attempt.retryable and len(seen) == 1


@pytest.mark.parametrize("status", [408, 429])
def test_try_again_later_statuses_are_retried(status: int) -> None:
    transport, seen = _answering(status, 200)
    assert _deliverer(transport).send(PARCEL).delivered and len(seen) == 2


@pytest.mark.parametrize(
    "error", [httpx.ConnectTimeout("t"), httpx.ReadTimeout("t"), httpx.ConnectError("refused")]
)
def test_timeouts_and_connection_failures_are_retried(error: httpx.HTTPError) -> None:
    calls = Counter[str]()

    def handle(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise error
        return httpx.Response(200)

    assert _deliverer(httpx.MockTransport(handle)).send(PARCEL).delivered and calls["n"] == 2


def test_an_unusable_endpoint_is_given_up() -> None:
    transport, _ = _answering(200)
    attempt = _deliverer(transport).send(Parcel("m" * 32, "not a url", b"", None, None, ""))
    assert not attempt.delivered and not attempt.retryable


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    waits = [backoff(n) for n in range(1, 12)]
    assert 30 <= waits[0] <= 60 and 60 <= waits[1] <= 90
    assert all(w <= 3600 for w in waits) and waits[-1] == 3600


# -- the worker against the store ---------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _push_party(store: Store, endpoint: str = ENDPOINT) -> None:
    store.set_endpoint(AGB, endpoint)


def _worker(store: Store, transport: httpx.MockTransport, owner: str = "w1") -> Worker:
    return Worker(
        store, _deliverer(transport), lease=timedelta(seconds=60), concurrency=4, owner=owner
    )


def test_worker_delivers_and_the_mailbox_empties(client: TestClient, store: Store) -> None:
    _push_party(store)
    message_id = str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])
    transport, seen = _answering(200)
    worker = _worker(store, transport)
    assert worker.run_once() == 1 and len(seen) == 1
    assert store.delivery_state(message_id) == "delivered"
    assert store.mailbox(AGB, 250) == [] and worker.run_once() == 0
    assert [e.kind for e in store.events(message_id)][-1] == "delivered"
    worker.close()


def test_pull_only_receivers_are_never_pushed(client: TestClient, store: Store) -> None:
    post(client, b.to_bytes(b.jw301()), GEMEENTE)
    transport, seen = _answering(200)
    assert _worker(store, transport).run_once() == 0 and seen == []


def test_acknowledged_messages_are_never_pushed(client: TestClient, store: Store) -> None:
    _push_party(store)
    message_id = str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])
    store.acknowledge(message_id, AGB, "t")
    transport, seen = _answering(200)
    assert _worker(store, transport).run_once() == 0 and seen == []


def test_failures_are_retried_later_then_dead_lettered_at_the_deadline(
    gateway: Gateway, client: TestClient
) -> None:
    clock = Clock()
    store = Store(gateway.store.engine, clock)
    gateway.store.clock = clock  # the intake stamps deadlines with the same clock
    _push_party(store)
    message_id = str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])
    transport, seen = _answering(*([503] * 100))
    worker = _worker(store, transport)
    assert worker.run_once() == 1 and store.delivery_state(message_id) == "queued"
    assert worker.run_once() == 0  # not due yet
    clock.now += timedelta(hours=1)
    assert worker.run_once() == 1
    clock.now += timedelta(hours=72)
    assert worker.run_once() == 1
    assert store.delivery_state(message_id) == "dead"
    kinds = [e.kind for e in store.events(message_id)]
    assert kinds.count("delivery_failed") == 3 and kinds[-1] == "dead_lettered"
    assert [m.message_id for m in store.mailbox(AGB, 250)] == [message_id]  # still pullable
    assert len(seen) == 9
    worker.close()


def test_a_4xx_dead_letters_at_once(client: TestClient, store: Store) -> None:
    _push_party(store)
    message_id = str(post(client, b.to_bytes(b.jw301()), GEMEENTE)["id"])
    transport, _ = _answering(404)
    _worker(store, transport).run_once()
    assert store.delivery_state(message_id) == "dead"


def test_a_lease_keeps_a_claimed_row_from_other_workers_until_it_expires(
    gateway: Gateway, client: TestClient
) -> None:
    clock = Clock()
    store = Store(gateway.store.engine, clock)
    gateway.store.clock = clock
    _push_party(store)
    post(client, b.to_bytes(b.jw301()), GEMEENTE)
    assert len(store.claim("crashed", timedelta(seconds=60), 10)) == 1  # then it "dies"
    assert store.claim("other", timedelta(seconds=60), 10) == []
    clock.now += timedelta(seconds=61)
    assert len(store.claim("other", timedelta(seconds=60), 10)) == 1


def test_concurrent_workers_never_deliver_a_message_twice(client: TestClient, store: Store) -> None:
    _push_party(store)
    for i in range(40):
        model = b.jw301(f"C-{i}", products=[b.toegewezen_product(5000 + i)])
        assert post(client, b.to_bytes(model), GEMEENTE)["delivery"] is not None
    delivered: Counter[str] = Counter()
    lock = threading.Lock()

    def handle(request: httpx.Request) -> httpx.Response:
        with lock:
            delivered[request.headers["x-ijw-message-id"]] += 1
        return httpx.Response(200)

    workers = [_worker(store, httpx.MockTransport(handle), f"w{i}") for i in range(4)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop, 30)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(delivered) == 40 and set(delivered.values()) == {1}
    assert store.outbox_counts() == {"delivered": 40}
    for worker in workers:
        worker.close()
