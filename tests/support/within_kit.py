"""Helpers for the within-message rule tests: run level-2 rules on a JSON model or bytes.

The rule modules under test are imported explicitly (not through the stage's auto-import),
so these tests do not depend on other rule families being importable.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ijw_gateway import xmlparse
from ijw_gateway.findings import Finding, Report
from ijw_gateway.fixtures import builders
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue
from ijw_gateway.rules.base import RuleContext, run
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import ParsedMessage, Validator

WITHIN_MODULES = (
    "within_common",
    "within_products",
    "within_301",
    "within_startstop",
    "within_requests",
    "within_answer",
    "within_declaration",
    "within_declaration_periods",
)
for _name in WITHIN_MODULES:
    importlib.import_module(f"ijw_gateway.rules.{_name}")

TODAY = date(2026, 6, 1)  # within-message rules never look at the clock


def within(message: ParsedMessage) -> list[Finding]:
    return run(RuleContext(message, TODAY), frozenset({"message"}))


@dataclass(frozen=True)
class RuleCheck:
    """Validates a message with the schema and the within-message rules."""

    validator: Validator

    def report(self, message: Mapping[str, JsonValue] | bytes) -> Report:
        data = message if isinstance(message, bytes) else builders.to_bytes(message)
        report = self.validator.validate(data)
        assert report.schema_valid, [f.text for f in report.findings]
        return report

    def findings(self, message: Mapping[str, JsonValue] | bytes, code: str) -> list[Finding]:
        return [f for f in self.report(message).findings if f.rule == code]

    def breaks(self, message: Mapping[str, JsonValue] | bytes, code: str, path: str) -> Finding:
        """Assert that ``code`` fires at ``path`` with retourcode 0001 and a fitting line."""
        data = message if isinstance(message, bytes) else builders.to_bytes(message)
        found = self.findings(data, code)
        at = [f for f in found if f.path == path]
        assert at, f"{code} not at {path}; found {[f.path for f in found]}"
        finding = at[0]
        assert finding.retourcode == "0001"
        assert finding.level == "message"
        element = path.rsplit("/", 1)[-1].split("[")[0]
        line = data.decode("utf-8").splitlines()[finding.line - 1]
        assert f":{element}>" in line or f":{element} " in line, (finding.line, line)
        return finding

    def passes(self, message: Mapping[str, JsonValue] | bytes, code: str) -> None:
        found = self.findings(message, code)
        assert not found, [(f.path, f.text) for f in found]


def make_check(registry: SchemaRegistry) -> RuleCheck:
    return RuleCheck(Validator(registry, [within]))


def within_unchecked(data: bytes, message: str) -> list[Finding]:
    """Run the rules on a document without the schema (for rules the schema shadows)."""
    tree = xmlparse.parse(data)
    return within(ParsedMessage(message, "3.2", tree, data))


def obj(value: object) -> JsonObject:
    """A JSON model value known to be an object."""
    assert isinstance(value, dict)
    return value


def items(value: object) -> list[JsonObject]:
    """A JSON model value known to be a list of objects."""
    assert isinstance(value, list)
    return [obj(v) for v in value]


def client(model: JsonObject) -> JsonObject:
    return obj(model["Client"])


def jw307(**kw: Any) -> JsonObject:
    """A JW307 dated after its stop (the builder's default stop ends after its Dagtekening)."""
    return builders.jw307(dagtekening="2026-03-25", **kw)


def relatie(nummer: str, *, partner: bool = False, naamgebruik: str = "1") -> JsonObject:
    """A JW301 Relatie reachable by phone."""
    naam: JsonObject = {"Geslachtsnaam": {"Achternaam": "Voorbeeld"}, "Voorletters": "A"}
    if partner:
        naam["Partnernaam"] = {"Achternaam": "Anders"}
    naam["NaamGebruik"] = naamgebruik
    return {
        "Nummer": nummer,
        "Soort": "10",
        "Geboortedatum": {"Datum": "1980-01-01", "DatumGebruik": "2"},
        "Naam": naam,
        "Contact": {"Soort": "02", "Telefoon": PHONE},
    }


PHONE: JsonObject = {"Telefoon01": {"Telefoonnummer": "0781234567", "Landnummer": "0031"}}
