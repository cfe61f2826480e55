"""The delivery worker: claim due outbox rows, send each over its receiver's channel, record
what happened. The worker knows channels only as ``Channel.send(parcel) -> Attempt``.

Every loop is bounded: a batch holds at most ``concurrency`` rows, each push is bounded in
tries and seconds (well inside the lease), and ``run`` stops on its event or after
``max_batches``. Several workers (threads, processes, machines) may run at once: a row is
held by one lease at a time, and a delivered or acknowledged row is never claimed again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from ijw_gateway.catalogue.releases import DEFAULT
from ijw_gateway.delivery import Attempt, Channel, Parcel, Route, Switchboard, advice_of, backoff
from ijw_gateway.errors import IjwGatewayError, StoreUnavailable
from ijw_gateway.metrics import DELIVERIES
from ijw_gateway.store import Claimed, Store
from ijw_gateway.wire import WireRefs

log = logging.getLogger("ijw_gateway.worker")
NOTE_SECONDS = 60.0  # how often a worker looks for answers that became overdue


def worker_id() -> str:
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        store: Store,
        channels: Switchboard | Channel,
        *,
        lease: timedelta = timedelta(seconds=60),
        concurrency: int = 8,
        poll_seconds: float = 1.0,
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.channels = channels if isinstance(channels, Switchboard) else Switchboard.of(channels)
        self.lease = lease
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.owner = owner or worker_id()
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="ijw-deliver")
        self._next_note = 0.0

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.channels.close()

    def run_once(self) -> int:
        """Claim one batch and deliver it; the number of rows handled."""
        batch = self.store.claim(self.owner, self.lease, self.concurrency, self.channels.names)
        list(self._pool.map(self._deliver, batch))
        return len(batch)

    def run(self, stop: threading.Event, max_batches: int | None = None) -> int:
        """Deliver until ``stop`` is set (or ``max_batches`` batches); rows handled."""
        handled = batches = 0
        log.info("worker %s started", self.owner)
        while not stop.is_set() and (max_batches is None or batches < max_batches):
            batches += 1
            try:
                done = self.run_once()
                self.note_overdue()
            except StoreUnavailable:
                log.warning("worker %s: database unavailable; waiting", self.owner)
                done = 0
            handled += done
            if done == 0:
                stop.wait(self.poll_seconds)
        log.info("worker %s stopped after %d deliveries", self.owner, handled)
        return handled

    def note_overdue(self) -> None:
        """At most once a minute: an ``answer_overdue`` event for every answer that passed
        its due day since (monitoring's deadlines pass by time, not by a message), and the
        intakes' deltas folded into the monthly figures (``store.monitoring_fold``)."""
        now = time.monotonic()
        if now < self._next_note:
            return
        self._next_note = now + NOTE_SECONDS
        try:
            noted = self.store.note_overdue()
            self.store.fold_figures()
        except StoreUnavailable:
            raise
        except IjwGatewayError as error:  # monitoring's upkeep must not stop deliveries
            log.warning("worker %s: monitoring upkeep failed: %s", self.owner, error.code)
            return
        if noted:
            log.info("worker %s: %d answers overdue", self.owner, noted)

    def _deliver(self, item: Claimed) -> None:
        route = Route(item.channel, item.endpoint or None, item.channel_settings)
        try:
            self._settle(item, self.channels.channel(route).send(parcel_of(item)))
        except StoreUnavailable:
            log.warning(
                "worker: could not record delivery of %s; the lease will expire trace=%s",
                item.message_id,
                item.trace_id,
            )

    def _settle(self, item: Claimed, attempt: Attempt) -> None:
        now = self.store.clock()
        if attempt.held:
            self.store.release(item, self.owner)
            return
        if attempt.delivered:
            outcome = "delivered"
            self.store.delivered(
                item, self.owner, f"to {item.receiver} by {item.channel}: {attempt.detail}"
            )
        elif not attempt.retryable or now >= item.deadline_at:
            outcome = "dead_lettered"
            reason = attempt.detail if not attempt.retryable else f"{attempt.detail}; deadline"
            self.store.dead_letter(item, self.owner, reason)
        else:
            outcome = "retry"
            at = min(now + timedelta(seconds=backoff(item.attempts + 1)), item.deadline_at)
            self.store.retry_later(item, self.owner, attempt.detail, at)
        DELIVERIES.labels(outcome, item.channel).inc()
        log.info(
            "delivery %s message=%s receiver=%s channel=%s detail=%s trace=%s",
            outcome,
            item.message_id,
            item.receiver,
            item.channel,
            attempt.detail,
            item.trace_id,
        )


def parcel_of(item: Claimed) -> Parcel:
    """What a channel needs of a claimed row (the gateway takes in the exchange's release
    only, so every stored message that is delivered is of that release)."""
    refs = WireRefs(item.trace_ref, item.conversation_ref, item.answers_ref)
    return Parcel(
        item.message_id,
        item.endpoint,
        item.raw,
        item.type,
        item.from_party,
        item.trace_id,
        receiver=item.receiver,
        conversation_id=item.conversation_id,
        answers_id=item.answers_id,
        release=DEFAULT.name,
        refs=refs,
        advice=advice_of(item.verdict, item.advice),
    )
