"""Pull from VECOZO: list -> fetch and check the payload -> take in -> acknowledge.

A message is acknowledged (``DELETE``) only after the transaction that stores and queues
it has committed, and it is stored with VECOZO's ``traceerId`` under a unique key. So a
crash between storing and acknowledging leaves it at VECOZO, the next round finds it
stored and only acknowledges it; a crash before the commit leaves nothing stored and the
next round takes it in. Nothing is acknowledged that was not stored, nothing is stored
twice (also not by two pullers at once: the key decides).

Order matters to the cross-message rules (a start needs its allocation): a message is
taken in only after every earlier message of the listing that shares one of its intake
keys (client, request reference, allocation number, a provider's declarations: the keys
under which intake serialises concurrent posts, ``routing._locks``). Messages that share
none are taken in side by side (``takers`` threads), so their commits overlap. Payload
downloads run ahead of the intake and acknowledgements behind it, on a few threads; a
message is acknowledged only after its own transaction committed, whatever the others do.
A listing of many messages is taken in by intake processes of their own when the puller
has them (``taking.IntakeProcesses``, on PostgreSQL), in the same order and with the same
promises; the puller's own process then only lists, fetches, orders and acknowledges.

A payload whose size or SHA-256 is not what the listing said is neither stored nor
acknowledged: the next round fetches it again. A message the intake refuses (its metadata
disagrees with it, a second answer, an unknown party) is stored as refused, then
acknowledged: VECOZO forgets it, the gateway keeps it and its reason.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ijw_gateway.arrivals import Arrivals
from ijw_gateway.delivery import GiveUp, RetryLater
from ijw_gateway.intake import Read, read_envelope
from ijw_gateway.metrics import VECOZO_PULLED
from ijw_gateway.store import Store
from ijw_gateway.vecozo.client import PULL_MAX, Search, VecozoClient
from ijw_gateway.vecozo.ijw import CHANNEL, arrival_of
from ijw_gateway.vecozo.model import Gereed
from ijw_gateway.vecozo.taking import OUTCOMES, PROCESSES_FROM, IntakeProcesses, take_in

log = logging.getLogger("ijw_gateway.vecozo")


@dataclass
class Round:
    """What one or more pull rounds did (counts only: no content, no ids of persons)."""

    listed: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    acknowledged: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Round) -> None:
        for name in ("listed", "stored", "duplicates", "refused", "acknowledged", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems += other.problems[: 20 - len(self.problems)]

    def fail(self, traceer_id: object, problem: str) -> None:
        self.failed += 1
        log.warning("vecozo pull %s: %s", traceer_id, problem)
        if len(self.problems) < 20:
            self.problems.append(f"{traceer_id}: {problem}")


class Puller:
    def __init__(
        self,
        client: VecozoClient,
        arrivals: Arrivals,
        store: Store,
        threads: int = 4,
        takers: int | None = None,
        processes: IntakeProcesses | None = None,
        processes_from: int = PROCESSES_FROM,
    ) -> None:
        self.client = client
        self.arrivals = arrivals
        self.store = store
        self.threads = max(1, threads)  # payload fetches, and acknowledgements
        # Intakes side by side (of messages sharing no key): on PostgreSQL their commits
        # overlap; SQLite has one writer at a time, so there one is the quickest.
        self.takers = max(1, takers if takers is not None else 2 if store.postgres else 1)
        # Intake processes (``taking``): started in the background by a listing of at
        # least ``processes_from`` new messages, then used for every listing.
        self.processes = processes if store.postgres else None
        self.processes_from = processes_from

    def close(self) -> None:
        """Close the connection to VECOZO and stop the intake processes."""
        self.client.close()
        if self.processes is not None:
            self.processes.close()

    def drain(self, search: Search | None = None, max_rounds: int = 1000) -> Round:
        """Rounds until VECOZO has nothing more for us, or a round brought nothing new."""
        total = Round()
        for _ in range(max_rounds):
            done = self.round(search)
            total.add(done)
            if done.listed < PULL_MAX or done.acknowledged == 0:
                break
        return total

    def round(self, search: Search | None = None, limit: int = PULL_MAX) -> Round:
        """One list call and every message in it."""
        done = Round()
        try:
            listed = self.client.ready(limit, search)
        except (RetryLater, GiveUp) as exc:
            done.fail("list", exc.detail)
            return done
        done.listed = len(listed)
        traces = [str(item.referentiegegevens.traceerId) for item in listed]
        stored = self.store.wire_messages(CHANNEL, traces)
        fetch = ThreadPoolExecutor(self.threads, thread_name_prefix="ijw-vecozo-fetch")
        with fetch, ThreadPoolExecutor(self.threads, thread_name_prefix="ijw-vecozo-ack") as ack:
            taken = self._take_all(fetch, ack, listed, stored, done)
            for item, acknowledged in [f for f in taken if f is not None]:
                self._acknowledged(item, acknowledged, done)
        self._count(done)
        return done

    def _take_all(
        self,
        fetch: ThreadPoolExecutor,
        ack: ThreadPoolExecutor,
        listed: list[Gereed],
        stored: set[str],
        done: Round,
    ) -> Iterator[tuple[Gereed, Future[bool]] | None]:
        fresh = [i for i in listed if str(i.referentiegegevens.traceerId) not in stored]
        payloads = self._ahead(fetch, fresh)  # in the order of ``fresh``, fetched ahead
        order = _Order()
        taking: deque[tuple[Gereed, Future[str]]] = deque()
        processes = self._processes(len(fresh))
        # With processes, each has a message waiting while it takes in another.
        side_by_side = 2 * processes.processes if processes else self.takers
        with ThreadPoolExecutor(side_by_side, thread_name_prefix="ijw-vecozo-take") as takers:
            for item in listed:
                trace = item.referentiegegevens.traceerId
                data = next(payloads) if str(trace) not in stored else None
                if isinstance(data, str):
                    done.fail(trace, data)
                elif data is None:  # stored before an earlier round could acknowledge it
                    done.duplicates += 1
                    yield item, ack.submit(self.client.acknowledge, trace)
                else:
                    read = read_envelope(data)
                    keys = read[1].locks if read[1] is not None else ()
                    after = order.after(keys)
                    taken = takers.submit(self._take, item, data, read, after, processes)
                    order.hold(keys, taken)
                    taking.append((item, taken))
                while taking and (taking[0][1].done() or len(taking) > 2 * side_by_side):
                    yield self._taken(ack, *taking.popleft(), done)
            while taking:
                yield self._taken(ack, *taking.popleft(), done)

    def _processes(self, fresh: int) -> IntakeProcesses | None:
        """The intake processes for a listing of ``fresh`` new messages, if it uses them."""
        if self.processes is None:
            return None
        if self.processes.ready:
            return self.processes
        if fresh >= self.processes_from:  # started now, used from a later listing on
            self.processes.warm()
        return None

    def _taken(
        self, ack: ThreadPoolExecutor, item: Gereed, taken: Future[str], done: Round
    ) -> tuple[Gereed, Future[bool]] | None:
        """Count what ``_take`` did; acknowledge what it stored (now committed)."""
        outcome = taken.result()
        if outcome not in OUTCOMES:
            done.fail(item.referentiegegevens.traceerId, outcome)
            return None
        setattr(done, outcome, getattr(done, outcome) + 1)
        return item, ack.submit(self.client.acknowledge, item.referentiegegevens.traceerId)

    def _ahead(
        self, pool: ThreadPoolExecutor, listed: list[Gereed]
    ) -> Iterator[bytes | str | None]:
        """The payloads in order, at most ``2 × threads`` fetched ahead of the intake (a
        list of 250 payloads of 25 MB is not held at once)."""
        window: deque[Future[bytes | str | None]] = deque()
        for item in listed:
            window.append(pool.submit(self._fetch, item))
            if len(window) > 2 * self.threads:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def _fetch(self, item: Gereed) -> bytes | str:
        """The payload, or why it cannot be had now."""
        try:
            return self.client.payload(item)
        except (RetryLater, GiveUp) as exc:
            return exc.detail

    def _take(
        self,
        item: Gereed,
        data: bytes,
        read: Read,
        after: list[Future[str]],
        processes: IntakeProcesses | None,
    ) -> str:
        """Store and queue (in one transaction) once ``after`` are done, here or in an
        intake process: ``stored``, ``duplicates`` or ``refused``, else why it could not
        be stored now."""
        wait(after)
        arrival = arrival_of(item.metadata)
        if processes is not None:
            return processes.take(arrival, data, _trace())
        return take_in(self.arrivals, arrival, data, _trace(), read)

    def _acknowledged(self, item: Gereed, ack: Future[bool], done: Round) -> None:
        try:
            ack.result()
        except (RetryLater, GiveUp) as exc:  # stored: the next round acknowledges it
            done.fail(item.referentiegegevens.traceerId, f"stored, not acknowledged ({exc.detail})")
            return
        done.acknowledged += 1

    @staticmethod
    def _count(done: Round) -> None:
        for outcome in ("stored", "duplicates", "refused", "acknowledged", "failed"):
            amount = getattr(done, outcome)
            if amount:
                VECOZO_PULLED.labels(outcome).inc(amount)


def _trace() -> str:
    return uuid.uuid4().hex


class _Order:
    """Which earlier intakes of a listing a message must wait for: the last one holding
    each of its keys (the intakes of one key run in the listing's order)."""

    def __init__(self) -> None:
        self._last: dict[str, Future[str]] = {}

    def after(self, keys: tuple[str, ...]) -> list[Future[str]]:
        return list({id(f): f for k in keys if (f := self._last.get(k)) is not None}.values())

    def hold(self, keys: tuple[str, ...], taken: Future[str]) -> None:
        for key in keys:
            self._last[key] = taken
