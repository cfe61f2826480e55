"""Kill the gateway mid-pull and mid-push against a loopback VECOZO: nothing acknowledged
that was not stored, nothing stored twice, every queued message pushed and none refused;
and two puller processes at once on one mailbox store and acknowledge each message once.

Real processes: ``ijw-gateway vecozo pull`` and ``ijw-gateway worker``, SIGKILLed while
they work (the stub answers slowly, so kills land between storing and acknowledging and
while a push is in flight), then started again until everything is through.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import func, select

from ijw_gateway.fixtures import builders as b
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Message, Outbox, WireRef
from ijw_gateway.wire import wire_id
from tests.support.procs import (
    Proc,
    killed_in_flight,
    queued_allocations,
    wait_until,
)
from tests.support.vecozo_gateway import vecozo_env
from tests.support.vecozo_stub import Certificates, Stub, metadata

GEMEENTE, AGB = b.GEMEENTE, b.AGB
N_PULL, N_PUSH = 40, 16


def _stored(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.exec(select(WireRef.trace_ref)))


def _ready(stub: Stub, store: Store) -> tuple[list[str], list[str]]:
    """N_PULL requests waiting at the stub (their traceerIds), and the list of those it
    was asked to acknowledge before they were stored (kept empty by a good puller)."""
    early: list[str] = []
    stub.on_ack = lambda trace: early.extend([] if trace in _stored(store) else [trace])
    traces = [
        stub.add(metadata(("Instelling", AGB), ("Gemeente", GEMEENTE), "JW315"),
                 b.to_bytes(b.jw315(f"R-{i}"))).trace
        for i in range(N_PULL)
    ]  # fmt: skip
    return traces, early


def test_a_pull_killed_anywhere_acknowledges_only_what_it_stored_and_stores_once(
    db_url: str, tmp_path: Path, stub: Stub, certs: Certificates
) -> None:
    store = Store.open(db_url)
    traces, early = _ready(stub, store)
    stub.delay.update(payload=0.01, ack=0.05)
    pull = Proc(
        ["vecozo", "pull"],
        vecozo_env(db_url, tmp_path, stub, certs, "mailbox"),
        tmp_path / "pull.log",
    )
    for threshold in (4, 16):  # killed twice while it stores and acknowledges
        pull.start()
        wait_until(lambda: len(stub.acknowledged) >= threshold, 120, f"{threshold} acks", 0.01)  # noqa: B023
        pull.kill()
    pull.start()
    wait_until(lambda: _ended(pull), 120, "done")
    assert pull.process is not None and pull.process.returncode == 0, (
        tmp_path / "pull.log"
    ).read_text()
    assert early == []  # nothing was acknowledged before it was stored
    assert stub.ready == [] and sorted(set(stub.acknowledged)) == sorted(traces)
    assert _stored(store) == set(traces)
    assert _pulled(store) == N_PULL  # stored once each, whatever the kills
    store.dispose()


def _ended(proc: Proc) -> bool:
    return proc.process is not None and proc.process.poll() is not None


def _pulled(store: Store) -> int:
    with store.session() as session:
        return int(
            session.exec(
                select(func.count()).select_from(Message).where(Message.origin == "party")
            ).one()
        )


def test_two_puller_processes_at_once_store_and_acknowledge_each_message_once(
    db_url: str, tmp_path: Path, stub: Stub, certs: Certificates
) -> None:
    """Both list the same messages and work through them side by side: the exchange id's
    lock and unique key decide which one stores each; the other only acknowledges it, or
    finds it acknowledged already (404) or its payload gone."""
    store = Store.open(db_url)
    traces, early = _ready(stub, store)
    stub.delay.update(payload=0.02)  # the two overlap for a second or more
    env = vecozo_env(db_url, tmp_path, stub, certs, "mailbox")
    pulls = [Proc(["vecozo", "pull"], env, tmp_path / f"pull{i}.log") for i in range(2)]
    for pull in pulls:
        pull.start()
    try:
        wait_until(lambda: all(_ended(p) for p in pulls), 120, "both pullers done")
    finally:
        for pull in pulls:
            pull.kill()
    fetched = sum(1 for _, path in stub.requests if path.endswith("/payload"))
    assert fetched > N_PULL  # they did overlap: some payloads were fetched by both
    assert early == []  # nothing was acknowledged before it was stored
    assert stub.ready == [] and sorted(stub.acknowledged) == sorted(traces)  # once each
    assert _stored(store) == set(traces) and _pulled(store) == N_PULL  # stored once each
    store.dispose()


def test_a_push_killed_in_flight_is_pushed_again_and_counted_delivered_once(
    db_url: str, tmp_path: Path, stub: Stub, certs: Certificates
) -> None:
    env = vecozo_env(db_url, tmp_path, stub, certs, "vecozo")
    store = Store.open(db_url)
    ids = queued_allocations(env, store, N_PUSH)
    stub.delay["push"] = 0.3
    in_flight = lambda n: stub.inflight >= 1  # noqa: E731
    kills = killed_in_flight(env, tmp_path / "worker.log", store, ids, in_flight)
    pushed = [p.metadata["referentiegegevens"]["traceerId"] for p in stub.pushed]
    assert sorted(pushed) == sorted(wire_id(i) for i in ids)  # VECOZO took each once
    repeats = sum(1 for _, path in stub.requests if path.endswith("/berichten")) - N_PUSH
    assert 1 <= repeats <= kills * 2  # only the pushes in flight at a kill came again
    with store.session() as session:
        dead = session.exec(
            select(func.count()).select_from(Outbox).where(Outbox.state == "dead")
        ).one()
    assert dead == 0  # a repeat VECOZO refused as known counted as delivered
    store.dispose()
