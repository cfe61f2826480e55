"""Conformance runs started from the console: one background thread per run, at most one
run per user at a time (and ``MAX_RUNS`` in all), each keeping its results for the page.

The run is the command line's (``conformance.runner`` over ``conformance.targets``); the
page reads its progress while it runs and its summary and JUnit file when it is done.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from ijw_gateway.conformance.adapters import auto_adapter
from ijw_gateway.conformance.report import junit
from ijw_gateway.conformance.runner import RunResult, run_suite, select
from ijw_gateway.conformance.suites import suite_dir
from ijw_gateway.conformance.targets import HttpTarget, Keys
from ijw_gateway.errors import Conflict, IjwGatewayError, UsageError
from ijw_gateway.fixtures.manifest import load

log = logging.getLogger("ijw_gateway.console")
MAX_RUNS = 2  # runs at once in this process, whoever started them
TIMEOUT = 30.0  # seconds for one answer of the target


@dataclass(frozen=True)
class Order:
    """What a user asked to run."""

    url: str
    key_template: str | None
    only: tuple[str, ...]
    skip_answers: bool


@dataclass
class Progress:
    """One run: how far it is, and its results so far."""

    order: Order
    total: int = 0
    results: list[RunResult] = field(default_factory=list)
    done: bool = False
    problem: str | None = None
    description: str = ""

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def junit(self) -> bytes:
        return junit(self.results, self.description)


class Runs:
    """The console's conformance runs, by user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Progress] = {}

    def of(self, user: str) -> Progress | None:
        with self._lock:
            return self._runs.get(user)

    def start(self, user: str, order: Order) -> Progress:
        """Starts ``order`` for ``user``; refused while the user has a run going."""
        target = HttpTarget(
            order.url, Keys(template=order.key_template), auto_adapter, timeout=TIMEOUT
        )
        with self._lock:
            mine = self._runs.get(user)
            if mine is not None and not mine.done:
                target.close()
                raise Conflict("You already have a conformance run going.", "run_going")
            if sum(not p.done for p in self._runs.values()) >= MAX_RUNS:
                target.close()
                raise Conflict("Other conformance runs are going; try again shortly.", "busy")
            progress = self._runs[user] = Progress(order, description=target.description)
        thread = threading.Thread(
            target=_run, args=(progress, target), name="ijw-console-conformance", daemon=True
        )
        thread.start()
        return progress


def _run(progress: Progress, target: HttpTarget) -> None:
    """The run itself, in its own thread: every result is kept as soon as it is known."""
    order = progress.order
    try:
        with suite_dir(None) as folder:
            runs = select(load(folder), order.only, order.skip_answers)
            if not runs:
                raise UsageError("No fixture or sequence matches.")
            progress.total = len(runs)
            for result in run_suite(runs, folder, target, time.perf_counter):
                progress.results.append(result)
    except IjwGatewayError as error:
        progress.problem = str(error)
    except Exception:  # a thread's failure must reach the page, not vanish
        log.exception("console conformance run failed")
        progress.problem = "The run stopped on an internal error (see the gateway's log)."
    finally:
        target.close()
        progress.done = True
