"""The cross-message part of the rule catalogue is complete and consistent."""

from __future__ import annotations

import tomllib
from importlib import resources

from ijw_gateway.catalogue import codelists
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.rules.base import implementations
from ijw_gateway.rules.stages import load_rule_modules

NO_RETOURCODE = {"TR337", "TR371", "TR376"}  # "n.v.t." in the standard


def _cross_codes() -> set[str]:
    text = (resources.files("ijw_gateway.catalogue") / "rules" / "cross.toml").read_text("utf-8")
    return set(tomllib.loads(text))


def test_every_cross_rule_is_implemented_at_level_history() -> None:
    load_rule_modules()
    codes = _cross_codes()
    assert len(codes) == 55
    assert codes <= set(implementations())
    assert {rules()[c].level for c in codes} == {"history"}


def test_retourcodes_exist_and_only_the_nvt_rules_have_none() -> None:
    known = set(codelists.codes("WJ001"))
    for code in _cross_codes():
        spec = rules()[code]
        if code in NO_RETOURCODE:
            assert spec.retourcode is None
        else:
            assert spec.retourcode in known, code


def test_texts_in_both_languages() -> None:
    for code in _cross_codes():
        spec = rules()[code]
        assert spec.title.keys() >= {"nl", "en"} and spec.explain.keys() >= {"nl", "en"}, code


def test_provisional_readings_say_so_in_both_languages() -> None:
    for code in _cross_codes():
        spec = rules()[code]
        marked = "Provisional" in spec.explain["en"] and "Voorlopig" in spec.explain["nl"]
        assert marked == spec.provisional, code


def test_sources_point_into_rules_md() -> None:
    for code in _cross_codes():
        assert rules()[code].source.startswith("RULES.md §"), code
