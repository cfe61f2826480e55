"""Helpers for the return-message tests: findings, composing, and checking both schemas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.findings import Finding, Level, Report
from ijw_gateway.messages.jsonmodel import JsonObject, from_json
from ijw_gateway.retour import ReturnMessage, compose
from ijw_gateway.schemas import SchemaRegistry

DAY = date(2026, 3, 3)
NS = "{*}"


def finding(path: str, code: str | None, level: Level = "history", rule: str = "TRX") -> Finding:
    return Finding(level, rule, code, path, 1, f"synthetic {rule}")


def answer(
    model: JsonObject, findings: Iterable[Finding] = (), ident: str = "R-1"
) -> ReturnMessage:
    """Compose the answer to a builder model as judged by synthetic findings."""
    root = from_json(model)
    report = Report("test", str(model["message"]), "3.2", True, tuple(findings))
    return compose(root, report, identificatie=ident, dagtekening=DAY)


def assert_valid(result: ReturnMessage, registries: Sequence[SchemaRegistry]) -> etree._Element:
    """The answer passes our schema and the official one; returns its parsed root."""
    tree = xmlparse.parse(result.to_bytes())
    for registry in registries:
        problems = registry.check(tree, result.message)
        assert problems == [], (registry.description, [p.text for p in problems])
    return tree.getroot()


def codes_of(element: etree._Element) -> list[str]:
    """The codes directly on one class (its own ``RetourCodes``)."""
    return [c.text or "" for c in element.findall(f"{NS}RetourCodes/{NS}RetourCode")]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return element.findall(f"{NS}{name}")


def only(element: etree._Element, path: str) -> etree._Element:
    found = element.findall(path.replace("*:", NS))
    assert len(found) == 1, (path, len(found))
    return found[0]


def at(root: etree._Element, path: str) -> etree._Element:
    """The element at ``Client/Producten/Product[2]`` below the root (positions 1-based)."""
    node = root
    for step in path.split("/"):
        name, _, position = step.partition("[")
        node = children(node, name)[int(position.rstrip("]") or 1) - 1]
    return node
