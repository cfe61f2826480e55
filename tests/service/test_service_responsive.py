"""A message that takes long to judge does not hold up the others (issue M).

The rules are made to wait on a message of the test's choosing, so that "while it is
judged" is a state the test holds, not a race it hopes to win.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ijw_gateway import intake, runtime
from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.intake import APART_BYTES
from ijw_gateway.received import Result
from ijw_gateway.store import Store, Unit
from ijw_gateway.validation import Check, ParsedMessage
from ijw_gateway.wire import Arrival
from tests.support.service import AGB, GEMEENTE, PARTIES


class Held:
    """Makes the checks one of ``runtime``'s builders returns wait on chosen messages."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, builder: str, times: int = 1) -> None:
        self.entered, self.release = threading.Event(), threading.Event()
        self.calls = 0
        self.times = times  # the first ``times`` calls on a chosen message wait
        real = getattr(runtime, builder)

        def build(*args: object, **kwargs: object) -> Check:
            check: Check = real(*args, **kwargs)

            def held(message: ParsedMessage) -> object:
                if b"HELD" in message.raw:
                    self.calls += 1
                    if self.calls <= self.times:
                        self.entered.set()
                        assert self.release.wait(30)
                return check(message)

            return held  # type: ignore[return-value]

        monkeypatch.setattr(runtime, builder, build)


def in_thread(run: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []

    def target() -> None:
        try:
            out.append(run())
        except Exception as error:  # reported by the test, in its own thread
            out.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, out


def allocation(identificatie: str, client: int, nummer: int, days: int = 1) -> bytes:
    """A JW301 of ``days`` products, each allocated for one day (so none overlap); 100 make
    a message larger than ``APART_BYTES``."""
    products = [
        b.toegewezen_product(nummer + n, ingangsdatum=_day(n), einddatum=_day(n))
        for n in range(days)
    ]
    return b.to_bytes(b.jw301(identificatie, bsn=bsns()[client], products=products))


def _day(n: int) -> str:
    return (date(2026, 1, 1) + timedelta(days=n)).isoformat()


def _delivered(gateway: Gateway, data: bytes, way: str) -> bool:
    """Take ``data`` in as a posted message, or as one an exchange delivered (VECOZO pull or
    push, ``arrivals``); whether it is stored and queued for delivery."""
    if way == "posted":
        return gateway.intake.submit(GEMEENTE, data, "held")[0].delivery == "queued"
    arrival = Arrival("vecozo", "trace-held", sender=GEMEENTE, receivers=(AGB,), type="JW301")
    taken = gateway.arrivals.take(arrival, data, "held", keep_refused=False)
    stored = gateway.store.wire_message("vecozo", "trace-held") == taken.id
    return stored and (taken.outcome, taken.accepted) == ("stored", True)


@pytest.mark.parametrize("way", ["posted", "arrival"])
@pytest.mark.parametrize("builder", ["within_message", "cross_message"])
def test_other_messages_are_taken_in_while_one_is_judged(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, builder: str, way: str
) -> None:
    """On SQLite the intake judged inside its write transaction: every other request
    waited for the lock (and got 503 after 30 s). Now the within-message rules run
    before any transaction, and the cross-message rules against a snapshot (SQLite) or
    under the message's own keys' locks (PostgreSQL); a message an exchange delivers
    (``arrivals``) the same way."""
    held = Held(monkeypatch, builder)
    large = allocation("HELD-1", 1, 3001, days=100)
    assert len(large) > APART_BYTES
    slow, out = in_thread(lambda: _delivered(gateway, large, way))
    try:
        assert held.entered.wait(30)
        quick, quick_out = in_thread(
            lambda: gateway.intake.submit(GEMEENTE, allocation("QUICK-1", 2, 9002), "quick")[0]
        )
        quick.join(10)
        assert not quick.is_alive(), "the other message waited for the one being judged"
        (result,) = quick_out
        assert isinstance(result, Result) and result.delivery == "queued"
    finally:
        held.release.set()
        slow.join(30)
    assert out == [True]


@pytest.fixture
def sqlite_gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    """SQLite only: there a large message is judged against a snapshot, and the tests
    below check what happens when the store changes meanwhile (PostgreSQL locks the
    message's keys instead, so nothing that concerns it can change). Every message counts
    as large here, so that small ones show it."""
    monkeypatch.setattr(intake, "APART_BYTES", 0)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gateway.db'}", parties=PARTIES)
    store = Store.open(settings.database_url)
    prepare(settings, store)
    yield Gateway(settings, store)
    store.dispose()


def test_a_judgement_outdated_by_a_commit_on_its_keys_is_made_again(
    sqlite_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start is judged while its allocation arrives: judged against the snapshot it
    lacks an allocation (9019); the allocation committed first, so the start is judged
    again and accepted."""
    gateway = sqlite_gateway
    held = Held(monkeypatch, "cross_message")
    start = b.to_bytes(b.jw305("HELD-305", bsn=bsns()[3], starts=[b.start_product(4001)]))
    slow, out = in_thread(lambda: gateway.intake.submit(AGB, start, "start")[0])
    try:
        assert held.entered.wait(30)
        first = gateway.intake.submit(GEMEENTE, allocation("A-4001", 3, 4001), "allocation")
        assert first[0].delivery == "queued"
    finally:
        held.release.set()
        slow.join(30)
    (result,) = out
    assert isinstance(result, Result)
    assert result.report["retourcodes"] == [] and result.delivery == "queued"
    assert held.calls == 2


def test_a_judgement_on_other_keys_is_kept(
    sqlite_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = sqlite_gateway
    held = Held(monkeypatch, "cross_message")
    slow, out = in_thread(
        lambda: gateway.intake.submit(GEMEENTE, allocation("HELD-2", 4, 5001), "held")[0]
    )
    try:
        assert held.entered.wait(30)
        gateway.intake.submit(GEMEENTE, allocation("OTHER-2", 5, 5002), "other")
    finally:
        held.release.set()
        slow.join(30)
    assert isinstance(out[0], Result) and out[0].delivery == "queued"
    assert held.calls == 1


def test_a_judgement_outdated_again_and_again_is_made_under_the_write_lock(
    sqlite_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last attempt judges inside the write transaction: a busy client's message is
    never starved."""
    held = Held(monkeypatch, "cross_message", times=0)
    monkeypatch.setattr(Unit, "stale", lambda *_: True)
    started = time.monotonic()
    (result,) = sqlite_gateway.intake.submit(GEMEENTE, allocation("HELD-3", 6, 6001), "held")
    assert result.delivery == "queued" and held.calls == 3
    assert time.monotonic() - started < 30
