"""Every run of the manifest, sent through the gateway's own validator, gets its expected
answer: schema validity, acceptance, rule codes and retourcodes, message by message.

Runs get a fresh in-memory history each (fixtures after their context, sequences in
order); one more test sends the whole suite through a single history, which proves that
the runs share no identifiers and may go to a receiver that keeps everything.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ijw_gateway.fixtures.manifest import Manifest, Run, load
from ijw_gateway.schemas import SchemaRegistry
from tests.support.suite import SUITE

RUNS = load(SUITE).runs

pytest.importorskip("ijw_gateway.history", reason="the history package is not there yet")

from ijw_gateway.conformance.report import failure_text  # noqa: E402
from ijw_gateway.conformance.runner import run_one, run_suite  # noqa: E402
from ijw_gateway.conformance.targets import LocalTarget  # noqa: E402


@pytest.fixture(scope="module")
def target(manifest: Manifest, registry: SchemaRegistry) -> LocalTarget:
    return LocalTarget(manifest, registry)


@pytest.mark.parametrize("run", RUNS, ids=[r.name for r in RUNS])
def test_run_gets_its_expected_answers(run: Run, target: LocalTarget, suite_dir: Path) -> None:
    result = run_one(run, suite_dir, target, time.perf_counter)
    assert result.passed, failure_text(result)


class _OneHistory(LocalTarget):
    """A receiver that never forgets: every run lands in the same history."""

    def begin(self, run: Run) -> None:
        pass


def test_the_whole_suite_passes_through_one_history(
    manifest: Manifest, registry: SchemaRegistry, suite_dir: Path
) -> None:
    target = _OneHistory(manifest, registry)
    failed = [
        r for r in run_suite(manifest.runs, suite_dir, target, time.perf_counter) if not r.passed
    ]
    assert not failed, "\n\n".join(f"{r.run.name}\n{failure_text(r)}" for r in failed[:5])
