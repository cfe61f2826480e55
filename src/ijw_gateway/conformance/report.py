"""The runner's output: a summary table for people and JUnit XML for CI systems.

JUnit: one ``testsuite`` per message type (sequences in their own), one ``testcase`` per
run, named after its file or folder; a mismatch is a ``failure`` whose text says, per
message, what was expected and what the target answered. Most CI systems (GitLab,
Jenkins, GitHub Actions reporters, Azure DevOps) read this format; junitparser writes it
(and counts tests, failures, errors, skipped cases and time per suite and in all).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence

from junitparser import Attr, Failure, JUnitXml, TestCase, TestSuite

from ijw_gateway.conformance.observed import expected_summary
from ijw_gateway.conformance.runner import RunResult


def failure_text(result: RunResult) -> str:
    lines = []
    for n, step in enumerate(result.steps, 1):
        if step.passed:
            continue
        lines.append(f"step {n}: {step.entry.file}")
        lines.append(f"  expected: {expected_summary(step.entry)}")
        lines.append(f"  answered: {step.observed.summary()}")
        lines.append(f"  differs:  {'; '.join(step.problems)}")
        lines.extend(f"  note:     {note}" for note in step.observed.notes[:5])
    return "\n".join(lines)


def _groups(results: Sequence[RunResult]) -> dict[str, list[RunResult]]:
    groups: dict[str, list[RunResult]] = defaultdict(list)
    for result in results:
        groups[result.message].append(result)
    return dict(sorted(groups.items()))


def summary(results: Sequence[RunResult], target: str, show: int = 25) -> str:
    """A table per message type, the total, and the first ``show`` failures in detail."""
    rows = [f"Conformance of {target}", "", f"{'message':<10}{'runs':>6}{'passed':>8}{'failed':>8}"]
    for name, group in _groups(results).items():
        failed = sum(not r.passed for r in group)
        rows.append(f"{name:<10}{len(group):>6}{len(group) - failed:>8}{failed:>8}")
    failures = [r for r in results if not r.passed]
    rows.append(
        f"{'total':<10}{len(results):>6}{len(results) - len(failures):>8}{len(failures):>8}"
    )
    for result in failures[:show]:
        rows += ["", f"FAILED {result.run.name}", failure_text(result)]
    if len(failures) > show:
        rows += ["", f"... and {len(failures) - show} more failures (see the JUnit file)"]
    return "\n".join(rows)


class _Report(JUnitXml):
    """``<testsuites>`` that also names the target the runner judged."""

    target = Attr()


def junit(results: Sequence[RunResult], target: str) -> bytes:
    report = _Report("ijw-gateway conformance")
    report.target = target
    for name, group in _groups(results).items():
        suite = TestSuite(f"ijw-conformance.{name}")
        suite.add_testcases([_case(name, result) for result in group])  # counted once
        report.add_testsuite(suite)
    report.update_statistics()  # type: ignore[no-untyped-call]  # not annotated upstream
    out = io.BytesIO()
    report.write(out, pretty=True)
    return out.getvalue()


def _case(group: str, result: RunResult) -> TestCase:
    case = TestCase(result.run.name, f"ijw-conformance.{group}.{result.run.kind}")
    case.time = round(result.seconds, 3)
    if not result.passed:
        failure = Failure(f"{sum(not s.passed for s in result.steps)} message(s) differ")
        failure.text = failure_text(result)
        case.result = [failure]
    elif result.run.description:
        case.system_out = result.run.description
    return case
