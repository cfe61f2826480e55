"""Completeness of the within-message rules: catalogue and implementations agree."""

from __future__ import annotations

import tomllib
from importlib import resources

import tests.support.within_kit  # noqa: F401  (imports the within_* rule modules)
from ijw_gateway.catalogue import codelists
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.rules.base import implementations

GAPS = {"TR134", "TR137", "TR380", "CD005", "CD025", "CD034"}
RETOURS = {"JW302", "JW306", "JW308", "JW316", "JW318", "JW320"}


def within_toml() -> dict[str, dict[str, object]]:
    folder = resources.files("ijw_gateway.catalogue") / "rules"
    return tomllib.loads((folder / "within.toml").read_text(encoding="utf-8"))


def within_implementations() -> set[str]:
    return {
        code
        for code, func in implementations().items()
        if func.__module__.startswith("ijw_gateway.rules.within_")
    }


def test_every_catalogued_rule_is_implemented_and_vice_versa() -> None:
    assert set(within_toml()) == within_implementations()


def test_within_rules_are_level_2_with_0001() -> None:
    catalogue = rules()
    for code in within_toml():
        spec = catalogue[code]
        assert spec.level == "message", code
        assert spec.retourcode == "0001", code
        assert spec.messages, code
        assert not spec.messages & RETOURS, code
        assert spec.source.startswith("RULES.md §"), code
        for text in (spec.title, spec.explain):
            assert set(text) == {"nl", "en"} and all(v.strip() for v in text.values()), code


def test_provisional_exactly_for_the_gaps() -> None:
    catalogue = rules()
    provisional = {code for code in within_toml() if catalogue[code].provisional}
    assert provisional == GAPS
    for code in GAPS:
        assert "Provisional" in catalogue[code].explain["en"], code
        assert "Voorlopig" in catalogue[code].explain["nl"], code


def test_every_retourcode_and_message_in_the_catalogue_exists() -> None:
    for code, spec in rules().items():
        if spec.retourcode is not None:
            assert spec.retourcode in codelists.LISTS["WJ001"], code
        assert spec.messages <= set(MESSAGES), code


def test_no_personal_data_in_explanations() -> None:
    for code in within_toml():
        for text in rules()[code].explain.values():
            digits = [w for w in text.replace(",", " ").split() if w.isdigit() and len(w) == 9]
            assert all(w.startswith("9999") for w in digits), code  # only test-range BSNs
