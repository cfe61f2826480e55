"""Conformance runs from the console: one at a time per user, a few in all, and a run's
failure reaches its page."""

from __future__ import annotations

import threading

import pytest

from ijw_gateway.conformance.targets import HttpTarget
from ijw_gateway.console import conformance_runs
from ijw_gateway.console.conformance_runs import MAX_RUNS, Order, Progress, Runs
from ijw_gateway.errors import Conflict, UsageError
from tests.support.procs import wait_until

ORDER = Order("http://127.0.0.1:9/", None, ("nothing/matches/*",), True)


def test_one_run_per_user_and_a_few_in_all(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def held(progress: Progress, target: HttpTarget) -> None:
        release.wait(10)
        target.close()
        progress.done = True

    monkeypatch.setattr(conformance_runs, "_run", held)
    runs = Runs()
    first = runs.start("0505", ORDER)
    with pytest.raises(Conflict, match="already have"):
        runs.start("0505", ORDER)
    for n in range(1, MAX_RUNS):
        runs.start(f"user-{n}", ORDER)
    with pytest.raises(Conflict, match="Other conformance runs"):
        runs.start("someone-else", ORDER)
    release.set()
    wait_until(lambda: first.done, 10, "the held run to end")
    assert runs.of("0505") is first


def test_a_run_that_cannot_start_says_why() -> None:
    runs = Runs()
    progress = runs.start("0505", ORDER)
    wait_until(lambda: progress.done, 60, "the run to end")
    assert progress.problem == "No fixture or sequence matches." and progress.results == []
    with pytest.raises(UsageError):
        runs.start("0505", Order("gopher://x", None, (), True))
