"""A puller's intake processes (``vecozo.taking``): a listing of many messages is taken in
by worker processes, in the listing's order where messages share an intake key, each
acknowledged only after its worker's transaction committed; a worker that dies leaves its
message for the next round, stored once; a killed puller leaves no worker behind.
PostgreSQL only (SQLite keeps every intake in the puller's process)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from ijw_gateway.arrivals import Arrivals, Taken
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.gateway import Gateway, open_gateway
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Message, WireRef
from ijw_gateway.vecozo.client import PULL_MAX
from ijw_gateway.vecozo.pull import Puller
from ijw_gateway.vecozo.taking import PROCESSES_FROM, IntakeProcesses
from ijw_gateway.wire import Arrival
from tests.support.procs import Proc, wait_until
from tests.support.vecozo_gateway import vecozo_env, vecozo_settings
from tests.support.vecozo_stub import Certificates, Stub, metadata

GEMEENTE, AGB = b.GEMEENTE, b.AGB
PROVIDER, MUNICIPALITY = ("Instelling", AGB), ("Gemeente", GEMEENTE)
PAIRS = 8
SLOW = 150  # products beside the first request's own: judged for a good while


@pytest.fixture
def gateway(pg_url: str, stub: Stub, certs: Certificates) -> Iterator[Gateway]:
    gateway = open_gateway(vecozo_settings(pg_url, stub, certs, vecozo_pull_processes=2))
    gateway.store.set_channel(AGB, "mailbox", None)
    yield gateway
    gateway.store.dispose()


@pytest.fixture
def puller(gateway: Gateway) -> Iterator[Puller]:
    made = gateway.puller()
    assert made.processes is not None and made.processes.processes == 2
    puller = Puller(made.client, gateway.arrivals, gateway.store, processes=made.processes,
                    processes_from=1)  # fmt: skip
    made.processes.start()  # ready before the first round (else it starts them)
    yield puller
    puller.close()


def _stored(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.exec(select(WireRef.trace_ref)))


def _early(stub: Stub, store: Store) -> list[str]:
    """The acknowledgements that came before their message was stored (kept empty)."""
    early: list[str] = []
    stub.on_ack = lambda trace: early.extend([] if trace in _stored(store) else [trace])
    return early


def _request(reference: str, bsn: str, identificatie: str | None = None, more: int = 0) -> bytes:
    """A request for a client; ``more`` products beside the one of ``reference`` (a day
    each in 2025, so that no two overlap)."""
    days = [(date(2025, 1, 1) + timedelta(days=n)).isoformat() for n in range(more)]
    products = [b.aangevraagd_product(reference)] + [
        b.aangevraagd_product(f"{reference}-{n}", ingangsdatum=day, einddatum=day)
        for n, day in enumerate(days)
    ]
    return b.to_bytes(b.jw315(identificatie or reference, bsn=bsn, products=products))


def _add(stub: Stub, request: bytes) -> str:
    """A request of the provider to the municipality waiting at VECOZO: its traceerId."""
    return stub.add(metadata(PROVIDER, MUNICIPALITY, "JW315"), request).trace


def _accepted(store: Store, trace: str) -> bool:
    message_id = store.wire_message("vecozo", trace)
    assert message_id is not None, trace
    view = store.message(message_id)
    assert view is not None
    return view.accepted


def _pulled(store: Store) -> int:
    with store.session() as session:
        query = select(func.count()).select_from(Message).where(col(Message.origin) == "party")
        return int(session.exec(query).one())


def test_intake_processes_keep_the_order_of_messages_sharing_a_key(
    gateway: Gateway, stub: Stub, puller: Puller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs of requests for one client under one reference, other clients' requests
    between them: the first of each pair is taken in first (accepted), the second sees it
    (refused: the reference is used, the client's request open), whichever worker takes
    which. The first of a pair is the larger, so without the order the second would
    overtake it: it would be judged and stored while the first is still being judged."""
    early = _early(stub, gateway.store)
    clients = bsns()
    assert len(clients) >= 2 * PAIRS
    firsts, seconds, between = [], [], []
    for i in range(PAIRS):
        pair, other = clients[i], clients[PAIRS + i]
        firsts.append(_add(stub, _request(f"R-{i}", pair, more=SLOW)))
        between.append(_add(stub, _request(f"O-{i}", other)))
        seconds.append(_add(stub, _request(f"R-{i}", pair, f"S-{i}")))

    def not_here(*args: Any) -> Any:
        raise AssertionError("taken in by the puller's own process")

    monkeypatch.setattr(gateway.arrivals, "take", not_here)  # the workers have their own
    done = puller.round()
    assert (done.listed, done.stored, done.acknowledged, done.failed) == (3 * PAIRS,) * 3 + (0,)
    assert len(multiprocessing.active_children()) == 2  # the two workers, still there
    assert early == [] and stub.ready == []
    assert _stored(gateway.store) == set(firsts + between + seconds)
    assert all(_accepted(gateway.store, t) for t in firsts + between)
    assert not any(_accepted(gateway.store, t) for t in seconds)
    puller.close()
    assert multiprocessing.active_children() == []  # closed: the workers ended


def test_a_listing_of_few_messages_is_taken_in_by_the_puller_itself(
    gateway: Gateway, stub: Stub
) -> None:
    puller = gateway.puller()
    try:
        trace = _add(stub, _request("R-1", b.BSN))
        done = puller.round()
        assert (done.stored, done.acknowledged) == (1, 1) and stub.acknowledged == [trace]
        assert puller.processes is not None and not puller.processes.started
        assert PROCESSES_FROM > 1  # fewer new messages than this: no workers started
    finally:
        puller.close()


def test_a_large_listing_starts_the_workers_and_the_next_listings_use_them(
    gateway: Gateway, stub: Stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing that starts them is taken in by the puller (the workers start in the
    background, a second or two); once they are ready, every listing goes to them."""
    made = gateway.puller()
    assert made.processes is not None
    puller = Puller(made.client, gateway.arrivals, gateway.store, processes=made.processes,
                    processes_from=4)  # fmt: skip
    here: list[str] = []
    take = gateway.arrivals.take

    def counted(arrival: Arrival, *args: Any) -> Taken:
        here.append(arrival.trace_ref)
        return take(arrival, *args)

    monkeypatch.setattr(gateway.arrivals, "take", counted)
    traces = [_add(stub, _request(f"R-{i}", bsn)) for i, bsn in enumerate(bsns()[:12])]
    try:
        assert puller.round(limit=3).stored == 3 and not made.processes.started  # too few
        assert puller.round(limit=4).stored == 4 and made.processes.started  # starts them
        assert here == traces[:7]  # both listings taken in here
        wait_until(lambda: made.processes is not None and made.processes.ready, 60, "ready")
        done = puller.round(limit=5)
        assert (done.stored, done.acknowledged) == (5, 5) and here == traces[:7]  # not here
        assert stub.ready == [] and _stored(gateway.store) == set(traces)
    finally:
        puller.close()


def test_sqlite_takes_every_message_in_in_the_pullers_process(
    tmp_path: Path, stub: Stub, certs: Certificates
) -> None:
    settings = vecozo_settings(
        f"sqlite:///{tmp_path / 'g.db'}", stub, certs, vecozo_pull_processes=3
    )
    gateway = open_gateway(settings)
    puller = gateway.puller()
    try:
        assert puller.processes is None  # one writer at a time: workers would only wait
    finally:
        puller.close()
        gateway.store.dispose()


def test_a_worker_killed_mid_round_leaves_its_message_for_the_next_round(
    gateway: Gateway, stub: Stub, puller: Puller
) -> None:
    early = _early(stub, gateway.store)
    traces = [_add(stub, _request(f"R-{i}", bsn)) for i, bsn in enumerate(bsns()[:30])]
    stub.delay.update(payload=0.05)  # a round of a second or so: the kill lands inside it
    assert puller.processes is not None
    puller.processes.start()
    (victim, _) = multiprocessing.active_children()

    def kill_one_after_five() -> None:
        wait_until(lambda: len(_stored(gateway.store)) >= 5, 60, "5 stored", 0.005)
        os.kill(victim.pid or 0, signal.SIGKILL)

    killer = threading.Thread(target=kill_one_after_five)
    killer.start()
    first = puller.round()
    killer.join()
    assert first.failed >= 1 and any("intake process ended" in p for p in first.problems)
    assert first.acknowledged < len(traces)
    rest = puller.drain()  # new workers
    assert rest.failed == 0 and first.acknowledged + rest.acknowledged == len(traces)
    assert early == [] and stub.ready == [] and sorted(stub.acknowledged) == sorted(traces)
    assert _stored(gateway.store) == set(traces) and _pulled(gateway.store) == len(traces)


def _cannot_start() -> Arrivals:
    raise ConnectionRefusedError("the database is not there")


def test_workers_that_cannot_start_leave_the_intake_to_the_puller(
    gateway: Gateway, stub: Stub, puller: Puller, caplog: pytest.LogCaptureFixture
) -> None:
    """They are stopped again with a warning that says why, and the puller takes every
    listing in itself; a message handed to such a worker would be neither stored nor
    acknowledged."""
    processes = IntakeProcesses(_cannot_start, 1)
    failing = Puller(puller.client, gateway.arrivals, gateway.store, processes=processes,
                     processes_from=1)  # fmt: skip
    try:
        processes.start()
        assert not processes.ready and not processes.started
        assert "could not start (ConnectionRefusedError)" in caplog.text
        traces = [_add(stub, _request(f"R-{i}", bsn)) for i, bsn in enumerate(bsns()[:3])]
        done = failing.round()
        assert (done.stored, done.acknowledged, done.failed) == (3, 3, 0)
        assert sorted(stub.acknowledged) == sorted(traces)
        assert processes.take(Arrival("vecozo", "t"), b"", "t") == (
            "not stored (an intake process could not start (ConnectionRefusedError))"
        )
    finally:
        processes.close()


def _children(pid: int) -> set[int]:
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            continue
        if proc.name.isdigit() and int(stat.rpartition(")")[2].split()[1]) == pid:
            found.add(int(proc.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not ended (a zombie waiting for whoever adopted it counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_killed_puller_leaves_no_worker_and_nothing_acknowledged_unstored(
    pg_url: str, tmp_path: Path, stub: Stub, certs: Certificates
) -> None:
    """``ijw-gateway vecozo pull`` SIGKILLed while its workers take its second listing in:
    they end within seconds (their transactions rolled back), and the next pull finishes
    the job, every message stored once."""
    store = Store.open(pg_url)
    early = _early(stub, store)
    clients = bsns()
    count = PULL_MAX + 60  # the first listing starts the workers, the second is theirs
    traces = [_add(stub, _request(f"R-{i}", clients[i % len(clients)])) for i in range(count)]
    stub.delay.update(ack=0.005)
    env = vecozo_env(pg_url, tmp_path, stub, certs, "mailbox", IJW_VECOZO_PULL_PROCESSES="2")
    pull = Proc(["vecozo", "pull"], env, tmp_path / "pull.log").start()
    assert pull.process is not None
    wait_until(lambda: len(stub.acknowledged) >= PULL_MAX + 10, 120, "acks", 0.005)
    workers = _children(pull.process.pid)
    assert len(workers) >= 2, (tmp_path / "pull.log").read_text()  # and spawn's tracker
    pull.kill()
    wait_until(lambda: not any(_alive(p) for p in workers), 15, "its workers end")
    assert early == [] and len(stub.acknowledged) < count
    pull.start()
    wait_until(lambda: pull.process is not None and pull.process.poll() is not None, 120, "done")
    assert pull.process.returncode == 0, (tmp_path / "pull.log").read_text()
    assert early == [] and stub.ready == [] and sorted(set(stub.acknowledged)) == sorted(traces)
    assert _stored(store) == set(traces) and _pulled(store) == count
    store.dispose()
