"""The default wiring: without a history, external-source rules still run; history rules don't."""

from __future__ import annotations

from datetime import date, timedelta

from ijw_gateway.fixtures import builders
from ijw_gateway.runtime import build_validator


def _rules(report_findings: object) -> set[str | None]:
    return {f.rule for f in report_findings}  # type: ignore[attr-defined]


def test_a_future_dagtekening_is_caught_without_a_history() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    report = build_validator().validate(builders.to_bytes(builders.jw301(dagtekening=tomorrow)))
    assert "TR135" in _rules(report.findings)
    assert "8848" in report.retourcodes


def test_an_unknown_municipality_code_is_caught_without_a_history() -> None:
    report = build_validator().validate(builders.to_bytes(builders.jw301(gemeente="0001")))
    assert "TR378" in _rules(report.findings)
    assert "S300" in report.retourcodes


def test_rules_that_need_earlier_messages_stay_silent_without_a_history() -> None:
    report = build_validator().validate(builders.to_bytes(builders.jw305()))
    assert report.accepted, [f.text for f in report.findings]
