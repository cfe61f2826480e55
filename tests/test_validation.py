"""The pipeline's ordering: screens and schema first, level 2 stops, later levels all run."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from lxml import etree

from ijw_gateway.findings import Finding, Level
from ijw_gateway.fixtures import builders
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Check, ParsedMessage, Validator


def _finding(level: Level, code: str) -> Finding:
    return Finding(level, code, None, "/Bericht", 1, code)


def _check(level: Level, code: str, calls: list[str]) -> Check:
    def check(message: ParsedMessage) -> Iterable[Finding]:
        calls.append(code)
        return [_finding(level, code)]

    return check


def test_a_level_two_finding_stops_the_later_checks(registry: SchemaRegistry) -> None:
    calls: list[str] = []
    validator = Validator(
        registry, [_check("message", "L2", calls), _check("history", "L3", calls)]
    )
    report = validator.validate(builders.to_bytes(builders.jw301()))
    assert calls == ["L2"]
    assert [f.rule for f in report.findings] == ["L2"]
    assert report.schema_valid and not report.accepted


def test_later_levels_all_run_and_are_reported_together(registry: SchemaRegistry) -> None:
    calls: list[str] = []
    validator = Validator(
        registry, [_check("history", "L3", calls), _check("contract", "C", calls)]
    )
    report = validator.validate(builders.to_bytes(builders.jw301()))
    assert calls == ["L3", "C"]
    assert [f.rule for f in report.findings] == ["L3", "C"]


def test_checks_do_not_run_on_a_schema_invalid_message(registry: SchemaRegistry) -> None:
    calls: list[str] = []
    validator = Validator(registry, [_check("message", "L2", calls)])
    xml = builders.to_bytes(builders.jw301()).replace(b"<jw301:Geslacht>0", b"<jw301:Geslacht>7")
    outcome = validator.run(xml)
    assert calls == [] and outcome.message is None
    assert not outcome.report.schema_valid and outcome.report.findings[0].level == "schema"


def test_screen_findings_come_before_schema_findings(registry: SchemaRegistry) -> None:
    def screen(tree: etree._ElementTree, message: str) -> Iterable[Finding]:
        return [_finding("policy", f"seen-{message}")]

    report = Validator(registry, screens=[screen]).validate(builders.to_bytes(builders.jw305()))
    assert [f.rule for f in report.findings] == ["seen-JW305"]
    assert report.schema_valid and not report.accepted


def test_report_lists_distinct_retourcodes_in_order() -> None:
    from ijw_gateway.findings import Report

    findings = (
        Finding("history", "TR1", "9019", "/a", 1, "x"),
        Finding("history", "TR2", "9056", "/b", 2, "y"),
        Finding("history", "TR3", "9019", "/c", 3, "z"),
        Finding("contract", None, None, "/d", 4, "w"),
    )
    report = Report("f", "JW305", "3.2", True, findings)
    assert report.retourcodes == ["9019", "9056"]
    assert report.to_json()["accepted"] is False


def _found(level: Level | None, code: str, calls: list[str]) -> Check:
    """A check that notes its call and finds ``code`` at ``level`` (nothing for None)."""

    def check(message: ParsedMessage) -> Iterable[Finding]:
        calls.append(code)
        return [_finding(level, code)] if level else []

    return check


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((None, "history", "contract"), ["D", "C2"]),
        (("message", "history", "contract"), ["C1"]),  # level 2 stops before D
        ((None, "message", "contract"), ["D"]),  # D stops: C2's findings are dropped
    ],
)
def test_a_check_left_out_and_run_later_gives_what_run_gives(
    registry: SchemaRegistry, levels: tuple[Level | None, Level, Level], expected: list[str]
) -> None:
    """``prepare`` judges all but one check (the service's cross-message rules, which need
    a transaction), ``finish`` runs that one: the same findings in the same order as
    ``run`` with every check, and the same stops."""
    data = builders.to_bytes(builders.jw301())
    calls: list[str] = []
    names = ["C1", "D", "C2"]
    first, deferred, last = (_found(lv, c, calls) for lv, c in zip(levels, names, strict=True))
    whole = Validator(registry, [first, deferred, last]).run(data)
    assert [f.rule for f in whole.report.findings] == expected
    pending = Validator(registry, [first, last]).prepare(data, "<message>", None, 1)
    assert [f.rule for f in pending.finish(deferred).report.findings] == expected
    assert ("D" in calls) == (levels[0] is None)
