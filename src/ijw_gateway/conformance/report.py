"""The runner's output: a summary table for people and JUnit XML for CI systems.

JUnit: one ``testsuite`` per message type (sequences in their own), one ``testcase`` per
run, named after its file or folder; a mismatch is a ``failure`` whose text says, per
message, what was expected and what the target answered. Most CI systems (GitLab,
Jenkins, GitHub Actions reporters, Azure DevOps) read this format.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from lxml import etree

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


def junit(results: Sequence[RunResult], target: str) -> bytes:
    root = etree.Element("testsuites", name="ijw-gateway conformance", target=target)
    for name, group in _groups(results).items():
        suite = etree.SubElement(root, "testsuite", name=f"ijw-conformance.{name}")
        suite.set("tests", str(len(group)))
        suite.set("failures", str(sum(not r.passed for r in group)))
        suite.set("errors", "0")
        suite.set("time", f"{sum(r.seconds for r in group):.3f}")
        for result in group:
            _case(suite, name, result)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _case(suite: etree._Element, group: str, result: RunResult) -> None:
    case = etree.SubElement(suite, "testcase", name=result.run.name)
    case.set("classname", f"ijw-conformance.{group}.{result.run.kind}")
    case.set("time", f"{result.seconds:.3f}")
    if not result.passed:
        failure = etree.SubElement(case, "failure")
        failure.set("message", f"{sum(not s.passed for s in result.steps)} message(s) differ")
        failure.text = failure_text(result)
    elif result.run.description:
        etree.SubElement(case, "system-out").text = result.run.description
