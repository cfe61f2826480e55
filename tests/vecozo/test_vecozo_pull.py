"""Pull from a loopback VECOZO into the store: list -> payload (SHA-256) -> validate, store
and queue -> acknowledge, on SQLite and PostgreSQL. Nothing is acknowledged that was not
stored, nothing is stored twice, and the return message goes back over VECOZO with the
sender's ids."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from ijw_gateway.arrivals import Taken
from ijw_gateway.cli import main
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Message, WireRef
from ijw_gateway.vecozo.client import VecozoClient
from ijw_gateway.vecozo.model import ZoekpadOpAlsAntwoordOp
from ijw_gateway.vecozo.pull import Puller
from ijw_gateway.vecozo.track import follow, follow_due
from ijw_gateway.wire import Arrival, wire_id
from tests.support.service import PARTIES
from tests.support.vecozo_gateway import vecozo_settings
from tests.support.vecozo_stub import Certificates, Stub, metadata

GEMEENTE, AGB = b.GEMEENTE, b.AGB
PROVIDER, MUNICIPALITY = ("Instelling", AGB), ("Gemeente", GEMEENTE)


@pytest.fixture
def gateway(db_url: str, stub: Stub, certs: Certificates) -> Iterator[Gateway]:
    settings = vecozo_settings(
        db_url, stub, certs, worker_poll_seconds=0.05, delivery_timeout_seconds=1.0
    )
    store = Store.open(db_url)
    prepare(settings, store)
    store.set_channel(AGB, "vecozo", None)  # the provider is reached over VECOZO
    yield Gateway(settings, store)
    store.dispose()


@pytest.fixture
def pullers(gateway: Gateway) -> Iterator[Callable[[], Puller]]:
    made: list[Puller] = []

    def make() -> Puller:
        made.append(gateway.puller())
        return made[-1]

    yield make
    for puller in made:
        puller.close()


def _request(stub: Stub, identificatie: str = "R-1", **meta: str) -> str:
    data = b.to_bytes(b.jw315(identificatie))
    return stub.add(metadata(PROVIDER, MUNICIPALITY, "JW315", **meta), data).trace


def _count(store: Store, table: type[Message] | type[WireRef]) -> int:
    with store.session() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_pulled_request_is_stored_queued_answered_over_vecozo_and_acknowledged(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    conversation = str(uuid.uuid4())
    trace = _request(stub, conversation=conversation)
    puller = pullers()
    done = puller.round()
    assert (done.listed, done.stored, done.acknowledged, done.failed) == (1, 1, 1, 0)
    assert stub.acknowledged == [trace] and stub.ready == []
    message_id = gateway.store.wire_message("vecozo", trace)
    assert message_id is not None
    assert [m.message_id for m in gateway.store.mailbox(GEMEENTE, 10)] == [message_id]
    kinds = [e.kind for e in gateway.store.events(message_id)]
    assert kinds == ["received", "accepted", "retour_composed", "queued"]
    worker = gateway.worker(concurrency=2)
    assert worker.run_once() == 1  # the JW316, back to the provider over VECOZO
    worker.close()
    (pushed,) = stub.pushed
    refs = pushed.metadata["referentiegegevens"]
    assert refs["alsAntwoordOp"] == trace and refs["conversatieId"] == conversation
    assert pushed.metadata["routeringgegevens"]["berichtstroom"]["berichtsubtype"] == "JW316"
    assert pushed.metadata["routeringgegevens"]["geadresseerden"] == [
        {"rol": "Instelling", "code": AGB}
    ]


def test_a_crash_between_storing_and_acknowledging_stores_nothing_twice(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    trace = _request(stub)
    stub.fail("ack", 503)  # stored, but the acknowledgement does not get through
    puller = pullers()
    first = puller.round()
    assert (first.stored, first.acknowledged, first.failed) == (1, 0, 1)
    assert stub.acknowledged == [] and _count(gateway.store, Message) == 2  # + its JW316
    second = puller.round()
    assert (second.stored, second.duplicates, second.acknowledged) == (0, 1, 1)
    assert stub.acknowledged == [trace] and _count(gateway.store, Message) == 2
    payloads = [r for r in stub.requests if r[1].endswith("/payload")]
    assert len(payloads) == 1  # not fetched again once stored


def test_a_payload_that_fails_its_checksum_is_neither_stored_nor_acknowledged(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    trace = _request(stub)
    stub.fail("payload", "checksum")
    puller = pullers()
    done = puller.round()
    assert (done.stored, done.acknowledged, done.failed) == (0, 0, 1)
    assert "SHA-256" in done.problems[0]
    assert _count(gateway.store, Message) == 0 and stub.acknowledged == []
    assert puller.round().stored == 1 and stub.acknowledged == [trace]


@pytest.mark.parametrize("fault", [500, "timeout"])
def test_a_payload_that_cannot_be_had_now_waits_for_the_next_round(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller], fault: int | str
) -> None:
    _request(stub)
    stub.fail("payload", fault)
    puller = pullers()
    assert puller.round().failed == 1 and _count(gateway.store, Message) == 0
    assert puller.round().acknowledged == 1


def test_a_list_that_fails_takes_nothing(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    _request(stub)
    stub.fail("list", 503)
    puller = pullers()
    assert puller.round().failed == 1 and stub.acknowledged == []


def _retour_without_reference(stub: Stub) -> str:
    allocation = b.jw301("A-1")
    data = b.to_bytes(b.retour(allocation))  # a JW302: from the provider to the municipality
    return stub.add(metadata(PROVIDER, MUNICIPALITY, "JW302"), data).trace


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (_retour_without_reference, "answer_without_reference"),
        (lambda stub: stub.add(
            metadata(("Instelling", "87654321"), MUNICIPALITY, "JW315"),
            b.to_bytes(b.jw315()),
        ).trace, "not_the_sender"),
        (lambda stub: stub.add(
            metadata(PROVIDER, MUNICIPALITY, "JW317"), b.to_bytes(b.jw315())
        ).trace, "wrong_message_type"),
        (lambda stub: stub.add(
            metadata(PROVIDER, ("Gemeente", "0599"), "JW315"), b.to_bytes(b.jw315())
        ).trace, "wrong_receiver"),
    ],
)  # fmt: skip
def test_a_refused_arrival_is_kept_as_refused_and_acknowledged(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller], arrange: object, code: str
) -> None:
    trace = arrange(stub)  # type: ignore[operator]
    puller = pullers()
    done = puller.round()
    assert (done.refused, done.acknowledged) == (1, 1)
    message_id = gateway.store.wire_message("vecozo", trace)
    assert message_id is not None and gateway.store.delivery_state(message_id) is None
    refused = [e for e in gateway.store.events(message_id) if e.kind == "refused"]
    assert refused and refused[0].detail.startswith(f"{code}: ")
    assert gateway.store.raw(message_id)  # the bytes are kept: VECOZO has forgotten them
    assert puller.round().listed == 0


def test_a_payload_that_is_no_ijw_message_is_stored_rejected(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    trace = stub.add(metadata(PROVIDER, MUNICIPALITY, "JW315"), b"<iets/>").trace
    puller = pullers()
    assert puller.round().stored == 1
    message_id = gateway.store.wire_message("vecozo", trace)
    view = gateway.store.message(message_id or "")
    assert view is not None and not view.accepted and gateway.store.delivery_state(view.id) is None


def test_two_pullers_at_once_store_each_message_once(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    traces = [_request(stub, f"R-{i}") for i in range(12)]
    stub.delay["payload"] = 0.01  # the two rounds overlap
    two = [pullers(), pullers()]
    threads = [threading.Thread(target=p.round) for p in two]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert _count(gateway.store, WireRef) == 12
    assert _count(gateway.store, Message) == 24  # each request and its JW316, once
    assert sorted(set(stub.acknowledged)) == sorted(traces)


def test_drain_with_a_search_pulls_only_the_answers_to_one_message(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller]
) -> None:
    original = str(uuid.uuid4())
    _request(stub, "R-1")
    wanted = _request(stub, "R-2", answers=original)
    puller = pullers()
    search = ZoekpadOpAlsAntwoordOp.model_validate(
        {"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": original}
    )
    done = puller.drain(search)
    assert done.acknowledged == 1 and stub.acknowledged == [wanted]


def _pushed_allocation(gateway: Gateway, stub: Stub) -> str:
    """A JW301 the municipality posts, pushed to the provider over VECOZO."""
    message_id = _post_allocation(gateway)
    worker = gateway.worker(concurrency=4)
    worker.run_once()
    worker.close()
    traces = [p.metadata["referentiegegevens"]["traceerId"] for p in stub.pushed]
    assert wire_id(message_id) in traces
    return message_id


def _post_allocation(gateway: Gateway) -> str:
    (result,) = gateway.intake.submit(GEMEENTE, b.to_bytes(b.jw301()), "t")
    assert result.delivery == "queued" and result.id is not None
    return result.id


def test_vecozos_statuses_become_the_messages_events_once(gateway: Gateway, stub: Stub) -> None:
    message_id = _pushed_allocation(gateway, stub)
    trace = wire_id(message_id)
    stub.statuses[trace].append({**stub.statuses[trace][0], "berichtstatus": "WordtAangeboden"})
    connection = gateway.vecozo()
    assert connection is not None
    client = VecozoClient(connection)
    followed = follow(client, gateway.store, message_id)
    assert followed.statuses == ("Ontvangen", "WordtAangeboden") and followed.recorded == 2
    assert follow_due(client, gateway.store) != []  # not final yet
    stub.statuses[trace].append({
        **stub.statuses[trace][0],
        "berichtstatus": "Bezorgd",
        "berichtstatusGewijzigdOp": datetime.now(UTC).isoformat(),
        "meldingen": [{"code": "B001", "omschrijving": "bezorgd"}],
    })  # fmt: skip
    assert [f.recorded for f in follow_due(client, gateway.store)] == [1]
    assert follow_due(client, gateway.store) == []  # final: no more questions
    events = [e for e in gateway.store.events(message_id) if e.kind.startswith("exchange_")]
    kinds = [e.kind for e in events]
    assert kinds == ["exchange_received", "exchange_offered", "exchange_delivered"]
    assert events[-1].detail.endswith("(B001)")
    client.close()


def test_the_cli_pulls_and_asks_status(
    gateway: Gateway,
    stub: Stub,
    certs: Certificates,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = gateway.settings
    for name, value in {
        "IJW_DATABASE_URL": settings.database_url,
        "IJW_PARTIES": str(PARTIES),
        "IJW_VECOZO_URL": stub.base_url,
        "IJW_VECOZO_CERT": certs.client_file,
        "IJW_VECOZO_CA": certs.ca_file,
    }.items():
        monkeypatch.setenv(name, value)
    _request(stub)
    assert main(["vecozo", "pull"]) == 0
    assert "stored 1, already stored 0, refused 0, acknowledged 1" in capsys.readouterr().out
    gateway.store.set_channel(AGB, "vecozo", None)  # the parties file, loaded again, said mailbox
    message_id = _pushed_allocation(gateway, stub)
    assert main(["vecozo", "status", wire_id(message_id)]) == 0
    assert f"{message_id}: Ontvangen; 1 new events" in capsys.readouterr().out
    stub.fail("list", 503)
    assert main(["vecozo", "pull", "--once"]) == 1
    assert main(["vecozo", "pull", "--answers-to", "nope"]) == 2


def test_a_pulled_message_a_freeze_holds_is_left_for_the_next_round(
    db_url: str, stub: Stub, certs: Certificates, tmp_path: Path
) -> None:
    """Not stored and not acknowledged: VECOZO keeps it, and a round after the window
    takes it in."""
    config = tmp_path / "releases.toml"
    config.write_text(
        '[[freeze]]\nrelease = "3.2"\nmessages = ["JW315"]\n'
        "start = 2026-03-27T17:00:00Z\nend = 2026-04-01T06:00:00Z\n",
        encoding="utf-8",
    )
    settings = vecozo_settings(db_url, stub, certs, releases=config)
    now = [datetime(2026, 3, 30, tzinfo=UTC)]
    store = Store.open(db_url, clock=lambda: now[0])
    prepare(settings, store)
    puller = Gateway(settings, store).puller()
    try:
        trace = _request(stub)
        done = puller.round()
        assert (done.stored, done.acknowledged, done.failed) == (0, 0, 1)
        assert stub.acknowledged == [] and _count(store, Message) == 0
        now[0] = datetime(2026, 4, 1, 6, tzinfo=UTC)
        done = puller.round()
        assert (done.stored, done.acknowledged) == (1, 1) and stub.acknowledged == [trace]
    finally:
        puller.close()
        store.dispose()


def _for_client(reference: str, bsn: str) -> bytes:
    """A request of its own reference (an intake key, as the client is)."""
    products = [b.aangevraagd_product(reference)]
    return b.to_bytes(b.jw315(reference, bsn=bsn, products=products))


def test_messages_sharing_a_client_are_taken_in_order_others_side_by_side(
    gateway: Gateway, stub: Stub, pullers: Callable[[], Puller], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two intakes run at once (the default on PostgreSQL; SQLite's default is one), but
    never two of the same client (an intake key): the second request for a client starts
    after the first one's transaction ended."""
    other = next(n for n in bsns() if n != b.BSN)
    first, unrelated, second = (
        stub.add(metadata(PROVIDER, MUNICIPALITY, "JW315"), _for_client(i, bsn)).trace
        for i, bsn in (("R-1", b.BSN), ("R-2", other), ("R-3", b.BSN))
    )
    spans: dict[str, tuple[float, float]] = {}
    take = gateway.arrivals.take

    def slow(arrival: Arrival, *args: Any) -> Taken:
        started = time.monotonic()
        time.sleep(0.4)
        taken = take(arrival, *args)
        spans[arrival.trace_ref] = (started, time.monotonic())
        return taken

    monkeypatch.setattr(gateway.arrivals, "take", slow)
    puller = Puller(pullers().client, gateway.arrivals, gateway.store, takers=2)
    done = puller.round()
    assert (done.stored, done.acknowledged) == (3, 3)
    assert spans[second][0] >= spans[first][1]  # the same client: one after the other
    assert spans[unrelated][0] < spans[first][1]  # another client: side by side
