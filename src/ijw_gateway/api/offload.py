"""Large bodies are taken in by a process of their own, one at a time per ``serve`` process.

Judging a 25 MB declaration is seconds of CPU-bound Python. In the serve process it holds
the GIL against the event loop and every small message's intake thread (small messages
posted alongside took 14x their usual p95), and a thread cannot be stopped: SIGTERM
waited for it. A process of its own runs beside them on another core, takes one large
body at a time (the next ones wait for it, occupying none of the serve process's intake
threads), and is terminated at shutdown: its transaction rolls back, and the sender,
whose connection closes unanswered, sends again (the same bytes are idempotent).

The process is started on the first large body and kept; it opens the database the serve
process prepared, with the serve process's settings. What it does with a body is a
function of the gateway and picklable arguments (``Offload.submit``): a posted message or
zip (with its language and whether it is a JSON model), a StUF-GGk envelope, a VECOZO push.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from ijw_gateway.config import Settings
from ijw_gateway.gateway import Gateway, open_gateway
from ijw_gateway.zipped import unpacked_size

log = logging.getLogger("ijw_gateway.api")

LARGE_BYTES = 256 * 2**10
"""Bodies that unpack to more are taken in by the offload process (a few hundred lines)."""

Start = Callable[[Settings, int], None]
T = TypeVar("T")

_GATEWAY: Gateway | None = None  # in the offload process


def start(settings: Settings, log_level: int) -> None:
    """In the offload process: log like the serve process and open the prepared database.
    Ctrl-C reaches the whole process group; stopping this process is the serve process's
    job, so it ignores SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    global _GATEWAY
    _GATEWAY = open_gateway(settings, prepared=True, pool_size=2)


def _run(work: Callable[..., T], *args: object) -> T:
    assert _GATEWAY is not None, "the offload process starts with start()"
    return work(_GATEWAY, *args)


class Offload:
    """The serve process's side: hands large bodies to the offload process."""

    def __init__(self, settings: Settings, start: Start = start) -> None:
        self.settings = settings
        self.start = start
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @staticmethod
    def takes(body: bytes) -> bool:
        return unpacked_size(body) > LARGE_BYTES

    def submit(self, work: Callable[..., T], *args: object) -> Future[T]:
        """``work(gateway, *args)`` in the offload process, on its own gateway: ``work`` is
        a module's function and ``args`` are pickled (no gateway or request crosses)."""
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=self.start,
                    initargs=(self.settings, logging.getLogger().getEffectiveLevel()),
                )
            return self._pool.submit(_run, work, *args)

    def reset(self) -> None:
        """After the process died (``BrokenProcessPool``): the next body starts a new one."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Drop the bodies still waiting and terminate the process, mid-intake or not."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        # Python 3.11 has no public way to stop a running task (3.14: terminate_workers).
        for process in list(pool._processes.values()):
            log.info("stopping the offload process (pid %s)", process.pid)
            process.terminate()
            process.join(10)
        pool.shutdown(wait=True, cancel_futures=True)  # it sees the process gone and cleans up
