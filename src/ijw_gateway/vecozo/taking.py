"""Taking in a pulled message: in the puller's own process, or in intake processes.

``take_in`` judges, stores and queues one pulled message (``Arrivals.take``) and names
what became of it. The puller calls it in its own process, or, for a listing of many
messages, hands it to ``IntakeProcesses``: worker processes that each hold a gateway of
their own (schemas, rules, one database connection). One Python process takes in some
300 pulled messages a second at most (judging and storing one costs ~2 ms of CPU, and the
list, payload and acknowledgement calls beside it need the same interpreter,
docs/performance.md "VECOZO pull"); with the intakes in processes of their own the
puller lists, fetches, orders and acknowledges while the workers judge and store on the
other cores.

Nothing of the puller's promises changes. The puller still decides the order (a message
goes to a worker only after every earlier message sharing one of its intake keys came
back) and acknowledges a message only after its worker answered that its transaction
committed. A worker that dies takes its transaction with it: its message is neither
stored nor acknowledged, and the next round takes it in with workers started anew. A
worker whose puller died (killed) notices within a second and exits, so its transaction is
rolled back too and no process is left behind.

PostgreSQL only: SQLite has one writer at a time, so there the intakes stay in the
puller's process. Workers are started with ``spawn`` (a fresh interpreter, never a fork of
a process with threads and open connections) when a listing first brings at least
``PROCESSES_FROM`` new messages. Starting them takes a second or two, so they start in the
background: the puller takes that listing in itself, and the workers take the listings
after it, until the puller closes. Their metrics stay in their own processes (the CLI's
pullers serve no metrics), their warnings go to the puller's standard error.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ijw_gateway.arrivals import Arrivals
from ijw_gateway.errors import Conflict, Frozen, StoreUnavailable
from ijw_gateway.intake import Read
from ijw_gateway.wire import Arrival

log = logging.getLogger("ijw_gateway.vecozo")

PROCESSES_FROM = 100  # new messages in one listing that make it worth starting the workers
ORPHAN_CHECK_SECONDS = 1.0  # how often a worker looks whether its puller is still there
WARM_SECONDS = 0.25  # a worker's first call lasts so long, so that each worker gets one
ENDED = "not stored (an intake process ended; the next round takes it in)"

# What ``take_in`` names: the ``Round`` counters of a message taken in.
STORED, DUPLICATES, REFUSED = "stored", "duplicates", "refused"
OUTCOMES = frozenset({STORED, DUPLICATES, REFUSED})


def take_in(
    arrivals: Arrivals, arrival: Arrival, data: bytes, trace: str, read: Read | None
) -> str:
    """Store and queue one pulled message (in one transaction): ``stored``, ``duplicates``
    or ``refused``, else why it could not be stored now (it is not acknowledged then)."""
    try:
        taken = arrivals.take(arrival, data, trace, True, read)
    except (StoreUnavailable, Conflict, Frozen) as exc:  # not acknowledged: again later
        return f"not stored ({exc.code})"
    return {"duplicate": DUPLICATES, "refused": REFUSED}.get(taken.outcome, STORED)


class IntakeProcesses:
    """``processes`` workers that each run ``take_in`` on an ``Arrivals`` of their own,
    made by ``build`` (a function at module level, or a ``partial`` of one, so that it can
    be sent to a fresh interpreter)."""

    def __init__(self, build: Callable[[], Arrivals], processes: int) -> None:
        self.build = build
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[str | None]] = []  # one call per worker, while they start
        self._ready = False  # every worker answered that it can take messages in
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._pool is not None

    @property
    def ready(self) -> bool:
        return self._ready

    def warm(self) -> None:
        """Start the workers in the background, if they are not running: the caller goes
        on meanwhile (the puller takes messages in itself), and ``ready`` turns true once
        every worker answered. Workers that cannot start are stopped again (a warning
        says why); the next ``warm`` tries anew."""
        with self._lock:
            if self._pool is not None:
                return
            self._pool = pool = self._new_pool()
            self._warming = warming = [
                pool.submit(_ready, WARM_SECONDS) for _ in range(self.processes)
            ]
        for future in warming:
            future.add_done_callback(lambda _: self._warmed(pool, warming))

    def start(self) -> None:
        """``warm`` and wait until the workers are ready or stopped again."""
        self.warm()
        with self._lock:
            pool, warming = self._pool, self._warming
        wait(warming)
        if pool is not None:
            self._warmed(pool, warming)  # its callbacks may not have run yet

    def _warmed(self, pool: ProcessPoolExecutor, warming: list[Future[str | None]]) -> None:
        """Once every worker answered its first call (once per ``warm``): ready, or
        stopped with a warning."""
        if not all(f.done() for f in warming):
            return
        with self._lock:
            if self._warming is not warming:  # seen to already, or closed meanwhile
                return
            self._warming = []
            problems = set()
            for future in warming:
                if future.cancelled() or future.exception() is not None:
                    problems.add("a worker ended")
                elif (why := future.result()) is not None:
                    problems.add(why)
            if not problems:
                self._ready = self._pool is pool
                return
            self._forget(pool)
            log.warning("intake processes: %s", ", ".join(sorted(problems)))
        pool.shutdown(wait=False, cancel_futures=True)

    def take(self, arrival: Arrival, data: bytes, trace: str) -> str:
        """``take_in`` in a worker (started if none runs); blocks until it answered."""
        pool = self._started()
        try:
            return pool.submit(_take, arrival, data, trace).result()
        except BrokenProcessPool:  # a worker died (or could not start): nothing committed
            self._broken(pool)  # that it did not answer, so nothing is acknowledged
            return ENDED

    def close(self) -> None:
        """Stop the workers after the messages they hold (a round has ended by then)."""
        with self._lock:
            pool, self._pool, self._ready, self._warming = self._pool, None, False, []
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = self._new_pool()
            return self._pool

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.build, os.getpid()),
        )

    def _broken(self, pool: ProcessPoolExecutor) -> None:
        """Forget a pool whose worker died or could not start; the next ``warm`` or
        ``take`` starts new workers."""
        with self._lock:
            self._forget(pool)
        pool.shutdown(wait=False, cancel_futures=True)

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        """(Under the lock.) No pool, if ``pool`` is the one in use."""
        if self._pool is pool:
            self._pool, self._ready, self._warming = None, False, []


# -- in the worker ----------------------------------------------------------------------

_arrivals: Arrivals | str = "not started"  # or why it could not start


def _start(build: Callable[[], Arrivals], puller: int) -> None:
    global _arrivals
    threading.Thread(target=_exit_with, args=(puller,), daemon=True).start()
    try:
        _arrivals = build()
    except Exception as exc:  # each message says it (not a traceback per worker)
        _arrivals = f"an intake process could not start ({type(exc).__name__})"


def _exit_with(puller: int) -> None:
    """End this worker once its puller is gone (its parent changes): a killed puller
    leaves no worker behind, and a transaction the worker was in is rolled back."""
    while os.getppid() == puller:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _ready(seconds: float) -> str | None:
    """Whether this worker can take messages in (None), else why not. It stays busy for
    a moment, so that each of the calls ``warm`` makes starts a worker of its own."""
    time.sleep(seconds)
    return _arrivals if isinstance(_arrivals, str) else None


def _take(arrival: Arrival, data: bytes, trace: str) -> str:
    if isinstance(_arrivals, str):
        return f"not stored ({_arrivals})"
    return take_in(_arrivals, arrival, data, trace, None)
