"""Kill the gateway at any moment — mid-intake, mid-delivery — and nothing accepted is lost.

Real processes: ``ijw-gateway serve --no-worker`` and two ``ijw-gateway worker`` processes
on one database, a loopback receiver that records every push (slowly, so kills land
mid-delivery), and a sender that keeps posting and re-posts the same bytes whenever a
request fails. Processes are SIGKILLed at several points and restarted. Afterwards:

* every message is stored once, whatever the kills (re-posting gives the original verdict);
* every accepted message for the push receiver arrived there; for the pull-only receiver
  it is in the mailbox until acknowledged, and never again after;
* no push arrives after the gateway recorded that receiver's 2xx for it; the only repeats
  are pushes in flight when a worker was killed (at least once, never "again and again").
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlmodel import func, select

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Event, Message
from tests.support.procs import (
    Proc,
    Receiver,
    free_port,
    gateway_env,
    parties_file,
    running_receiver,
    wait_healthy,
    wait_until,
)
from tests.support.service import GEMEENTE, auth, settled

PUSH, PULL = "12345678", "98761001"
N_PUSH, N_PULL = 30, 10
HELD = 10  # pushes posted only when the test says so: the last worker kill needs pushes
PACE = 0.05  # seconds between two messages of the sender
LEASE = 4.0  # a push may take a quarter of it (1 s) against the receiver's 0.3 s: margin
# enough that a loaded machine does not time a push out (a repeat without a kill)
POST_SECONDS = 120.0


def _hours(nummer: int) -> JsonObject:
    """Intensive treatment in hours: what the pull-only provider is contracted for."""
    return b.toegewezen_product(nummer, code="45A10", volume=b.omvang(2, "04", "2"))


def _messages() -> list[tuple[str, bytes]]:
    """Pushes, the pulls, then the last HELD pushes (the sender holds those back)."""
    push = [
        (PUSH, b.to_bytes(b.jw301(f"K-{i}", agb=PUSH, products=[b.toegewezen_product(7000 + i)])))
        for i in range(N_PUSH)
    ]
    pull = [
        (PULL, b.to_bytes(b.jw301(f"P-{i}", agb=PULL, products=[_hours(8000 + i)])))
        for i in range(N_PULL)
    ]
    return push[:-HELD] + pull + push[-HELD:]


@dataclass
class Sender:
    """Posts every message until it gets a verdict; re-posts the same bytes after a failure.

    It paces itself (``PACE`` between messages), so a gateway kill lands while it is still
    posting however fast intake is, and it waits for ``release`` before the last ``HELD``
    messages, so pushes are still to come when the test wants one in flight."""

    base: str
    messages: list[tuple[str, bytes]]
    results: dict[int, str] = field(default_factory=dict)  # index -> message id
    retries: int = 0
    error: BaseException | None = None
    release: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            with httpx.Client(timeout=10) as client:
                for index, (_, data) in enumerate(self.messages):
                    if index == len(self.messages) - HELD:
                        assert self.release.wait(POST_SECONDS), "never released"
                    self.results[index] = self._post(client, data)
                    time.sleep(PACE)
        except BaseException as exc:  # reported by the test thread
            self.error = exc

    def _post(self, client: httpx.Client, data: bytes) -> str:
        deadline = time.monotonic() + POST_SECONDS
        while time.monotonic() < deadline:
            try:
                response = client.post(
                    f"{self.base}/v1/messages", content=data, headers=auth(GEMEENTE)
                )
                if response.status_code == 200:
                    body = response.json()
                    assert body["accepted"] is True, body["verdict"]
                    return str(body["id"])
            except httpx.TransportError:
                pass
            self.retries += 1
            time.sleep(0.05)
        raise AssertionError("no verdict within the time limit")


@dataclass
class Rig:
    base: str
    port: int
    serve: Proc
    workers: list[Proc]
    receiver: Receiver
    worker_kills: list[float] = field(default_factory=list)

    def kill_serve(self) -> None:
        self.serve.kill()
        self.serve.start()
        wait_healthy(self.port, self.serve)

    def kill_workers(self, *which: int) -> None:
        for index in which:
            self.worker_kills.append(time.time())
            self.workers[index].kill()
        for index in which:
            self.workers[index].start()


def _rig(db_url: str, tmp: Path, receiver: Receiver) -> Rig:
    port = free_port()
    parties = parties_file(tmp, {PUSH: receiver.url("/push")})
    env = gateway_env(
        db_url, parties, IJW_DELIVERY_LEASE_SECONDS=str(LEASE), IJW_WORKER_POLL_SECONDS="0.05"
    )
    serve = Proc(
        ["serve", "--no-worker", "--port", str(port), "--log-level", "warning"],
        env,
        tmp / "serve.log",
    )
    workers = [
        Proc(["worker", "--concurrency", "4", "--log-level", "warning"], env, tmp / f"w{i}.log")
        for i in range(2)
    ]
    return Rig(f"http://127.0.0.1:{port}", port, serve, workers, receiver)


def _stop_all(rig: Rig) -> None:
    for proc in (rig.serve, *rig.workers):
        proc.kill()


def _acknowledge_some(rig: Rig, count: int) -> set[str]:
    box = httpx.get(f"{rig.base}/v1/mailbox", headers=auth(PULL), timeout=10).json()["items"]
    acked = set()
    for item in box[:count]:
        response = httpx.post(
            f"{rig.base}/v1/mailbox/{item['id']}/ack", headers=auth(PULL), timeout=10
        )
        assert response.status_code == 200
        acked.add(item["id"])
    return acked


def _drive(rig: Rig, sender: Sender) -> set[str]:
    """Post while killing: intake twice, workers three times, then the pulls."""
    thread = threading.Thread(target=sender.run)
    thread.start()
    wait_until(lambda: len(sender.results) >= 6, 60, "the first verdicts")
    rig.kill_serve()  # mid-intake: the sender is posting continuously
    wait_until(lambda: rig.receiver.inflight >= 1, 60, "a push in flight")
    rig.kill_workers(0, 1)  # mid-delivery: the receiver holds its answer for a while
    wait_until(lambda: len(sender.results) >= 20, 60, "more verdicts")
    rig.kill_serve()
    wait_until(lambda: len(sender.results) == len(sender.messages) - HELD, 60, "the held")
    sender.release.set()  # the held pushes: each is in flight for the receiver's delay
    wait_until(lambda: len(rig.receiver.ids()) >= 12 and rig.receiver.inflight, 60, "more", 0.02)
    rig.kill_workers(1)
    thread.join(timeout=POST_SECONDS * len(sender.messages))
    assert sender.error is None, sender.error
    assert sender.retries > 0  # the intake kills did hit requests
    acked = _acknowledge_some(rig, 5)
    rig.kill_serve()
    return acked


def _delivered_at(store: Store) -> dict[str, float]:
    with store.session() as session:
        events = session.exec(select(Event).where(Event.kind == "delivered")).all()
    counts = Counter(e.message_id for e in events)
    assert set(counts.values()) <= {1}, "a delivery was recorded twice"
    return {str(e.message_id): e.at.timestamp() for e in events}


def test_kills_lose_nothing_and_deliver_nothing_again(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    with running_receiver(Receiver(delay=0.3)) as receiver:
        rig = _rig(db_url, tmp_path, receiver)
        rig.serve.start()
        wait_healthy(rig.port, rig.serve)
        for worker in rig.workers:
            worker.start()
        sender = Sender(rig.base, _messages())
        try:
            acked = _drive(rig, sender)
            push_ids = [
                sender.results[i] for i, (to, _) in enumerate(sender.messages) if to == PUSH
            ]
            wait_until(lambda: settled(store, push_ids), 90, "every push delivered")
            _check(rig, sender, store, acked)
        finally:
            _stop_all(rig)
    store.dispose()


def _check(rig: Rig, sender: Sender, store: Store, acked: set[str]) -> None:
    # Stored once each, whatever the kills: the same bytes give the same message.
    with store.session() as session:
        stored = session.exec(
            select(func.count()).select_from(Message).where(Message.origin == "party")
        ).one()
    assert stored == len(sender.messages)
    for index, (_, data) in enumerate(sender.messages[:5]):
        again = httpx.post(
            f"{rig.base}/v1/messages", content=data, headers=auth(GEMEENTE), timeout=10
        )
        assert again.json()["duplicate"] is True and again.json()["id"] == sender.results[index]
    _check_pushes(rig, sender, store)
    _check_pulls(rig, sender, acked)


def _check_pushes(rig: Rig, sender: Sender, store: Store) -> None:
    push_ids = {sender.results[i] for i, (to, _) in enumerate(sender.messages) if to == PUSH}
    arrivals = rig.receiver.deliveries
    assert push_ids <= {d.message_id for d in arrivals}
    recorded = _delivered_at(store)
    wall = time.time() - time.monotonic()  # the receiver stamps with the monotonic clock
    for delivery in arrivals:
        # Never pushed again once the gateway recorded the receiver's 2xx.
        assert delivery.at + wall <= recorded[delivery.message_id] + 0.5
    repeats = Counter(d.message_id for d in arrivals)
    extra = sum(n - 1 for n in repeats.values())
    print(f"crash test: {len(arrivals)} pushes, {extra} repeated, {sender.retries} re-posts")
    assert extra >= 1  # a worker kill did interrupt a push (it was delivered again)
    assert extra <= len(rig.worker_kills) * 4  # only pushes in flight at a worker kill
    for message_id, n in repeats.items():
        if n > 1:
            first = min(d.at for d in arrivals if d.message_id == message_id) + wall
            assert any(k >= first - 0.5 for k in rig.worker_kills), message_id


def _check_pulls(rig: Rig, sender: Sender, acked: set[str]) -> None:
    pull_ids = {sender.results[i] for i, (to, _) in enumerate(sender.messages) if to == PULL}
    assert len(acked) == 5 and acked <= pull_ids
    box = httpx.get(f"{rig.base}/v1/mailbox", headers=auth(PULL), timeout=10).json()["items"]
    assert {i["id"] for i in box} == pull_ids - acked  # acknowledged ones never come back
    assert not (pull_ids & set(rig.receiver.ids()))  # a pull-only party is never pushed
