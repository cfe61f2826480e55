"""Run the fixture suite against a target and compare every answer with the manifest.

Runs go in manifest order; inside a run the messages go in sending order (context first,
sequence steps by number). A context message that is not accepted is reported like any
other mismatch: the subject's verdict would mean little without it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ijw_gateway.conformance.observed import ANSWERS, Observed, problems
from ijw_gateway.conformance.targets import Target
from ijw_gateway.fixtures.manifest import Entry, Manifest, Run


@dataclass(frozen=True)
class StepResult:
    entry: Entry
    observed: Observed
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RunResult:
    run: Run
    steps: tuple[StepResult, ...]
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def message(self) -> str:
        return self.run.subject.message if self.run.kind in ("valid", "invalid") else "sequence"


def without_answers(run: Run) -> Run | None:
    """``run`` without its answering messages; None when the run is about an answer.

    For receivers that compose the answers themselves (ijw-gateway answers every message
    it accepts and refuses a second answer), sending the suite's answers makes no sense.
    """
    if run.subject.message in ANSWERS and run.kind in ("valid", "invalid"):
        return None
    kept = tuple(e for e in run.steps if e.message not in ANSWERS)
    context = sum(1 for e in run.steps[: run.context] if e.message not in ANSWERS)
    return replace(run, steps=kept, context=context)


def select(
    manifest: Manifest, patterns: Iterable[str] = (), skip_answers: bool = False
) -> list[Run]:
    """The runs whose name matches any of the glob ``patterns`` (all runs without any)."""
    wanted = list(patterns)
    runs = [
        r for r in manifest.runs if not wanted or any(fnmatch.fnmatch(r.name, p) for p in wanted)
    ]
    if not skip_answers:
        return runs
    trimmed = (without_answers(r) for r in runs)
    return [r for r in trimmed if r is not None and r.steps]


def run_one(run: Run, suite: Path, target: Target, clock: Callable[[], float]) -> RunResult:
    started = clock()
    target.begin(run)
    results = []
    for entry in run.steps:
        observed = target.submit(entry, (suite / entry.file).read_bytes())
        results.append(StepResult(entry, observed, tuple(problems(entry, observed))))
    return RunResult(run, tuple(results), clock() - started)


def run_suite(
    runs: Iterable[Run], suite: Path, target: Target, clock: Callable[[], float]
) -> Iterator[RunResult]:
    """Each run's result as soon as it is known (the CLI prints progress from this)."""
    for run in runs:
        yield run_one(run, suite, target, clock)
