"""A rule states its code once: where it registers. Its findings carry that code."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from lxml import etree

import ijw_gateway.rules
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.rules.base import Fault, RuleContext, finding
from ijw_gateway.validation import ParsedMessage

RULES_DIR = Path(ijw_gateway.rules.__file__).parent
TODAY = date(2026, 1, 1)


def _code_literals(path: Path) -> list[tuple[int, str]]:
    """(line, code) of every string in ``path`` that is a catalogued rule code, outside
    docstrings and ``@rule(...)`` registrations."""
    codes = set(rules())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "rule":
                    skipped.update(id(arg) for arg in decorator.args)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in codes
        and id(node) not in skipped
    ]


def test_no_rule_module_names_a_rule_code_beyond_its_registration() -> None:
    found = {
        path.name: literals
        for path in sorted(RULES_DIR.glob("*.py"))
        if (literals := _code_literals(path))
    }
    assert found == {}


def test_a_fault_becomes_a_finding_of_the_registered_code() -> None:
    root = etree.fromstring(b"<Bericht><Header/></Bericht>")
    message = ParsedMessage("JW301", "3.2", root.getroottree(), b"")
    spec = rules()["TR019"]
    made = finding(RuleContext(message, TODAY), spec, Fault(root[0], "(detail)"))
    assert (made.rule, made.level, made.retourcode) == ("TR019", spec.level, spec.retourcode)
    assert made.path == "/Bericht/Header" and made.text == f"{spec.text('en')} (detail)"
    other = finding(RuleContext(message, TODAY), spec, Fault(root, retourcode="9999"))
    assert other.rule == "TR019" and other.retourcode == "9999"
