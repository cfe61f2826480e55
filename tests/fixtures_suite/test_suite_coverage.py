"""Coverage is driven by the rule catalogue: a rule added without a fixture fails here.

Every within-message rule (level ``message``) is broken at least once in every message it
applies to; every cross-message rule (level ``history``) has at least one sequence or
fixture; every message type has a valid fixture; and the suite's expected retourcodes
agree with the catalogue's.
"""

from __future__ import annotations

import pytest

from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.fixtures.expected import RETOURCODES
from ijw_gateway.fixtures.manifest import Manifest

LEVEL_1_TAGS = ("XSD", "XML", "RS")
"""Level-1 fixtures are filed under a restriction (RS0xx), XSD or XML, not a catalogue rule."""


def _covered(manifest: Manifest) -> set[tuple[str, str]]:
    """(rule, message) pairs some fixture or sequence breaks (or files a level-1 case under)."""
    found = {(rule, e.message) for e in manifest.files() for rule in e.rules}
    found |= {(r.rule, r.subject.message) for r in manifest.runs if r.kind == "invalid" and r.rule}
    return found


def test_every_within_message_rule_is_broken_in_every_message_it_applies_to(
    manifest: Manifest,
) -> None:
    covered = _covered(manifest)
    missing = sorted(
        f"{code} in {message}"
        for code, spec in rules().items()
        if spec.level == "message"
        for message in spec.messages
        if (code, message) not in covered
    )
    assert not missing, f"no invalid fixture for: {', '.join(missing)}"


def test_every_cross_message_rule_has_a_fixture_or_sequence(manifest: Manifest) -> None:
    covered = {rule for rule, _ in _covered(manifest)}
    missing = sorted(c for c, s in rules().items() if s.level == "history" and c not in covered)
    assert not missing, f"no sequence or fixture for: {', '.join(missing)}"


def test_every_message_type_has_a_valid_fixture(manifest: Manifest) -> None:
    valid = {r.subject.message for r in manifest.runs if r.kind == "valid"}
    assert sorted(set(MESSAGES) - valid) == []


def test_every_rule_the_suite_expects_is_in_the_catalogue(manifest: Manifest) -> None:
    expected = {rule for e in manifest.files() for rule in e.rules}
    filed = {r.rule for r in manifest.runs if r.rule}
    unknown = {c for c in expected | filed if c not in rules() and not c.startswith(LEVEL_1_TAGS)}
    unknown -= {"CS015", "CS025"}  # header constraints the XSD enforces (level 1)
    assert sorted(unknown) == []


@pytest.mark.parametrize("code", sorted(RETOURCODES))
def test_expected_retourcode_agrees_with_the_catalogue(code: str) -> None:
    spec = rules().get(code)
    assert spec is not None, f"{code} has an expected retourcode but is not in the catalogue"
    assert spec.retourcode == RETOURCODES[code]


def test_level_1_fixtures_expect_no_retourcode_and_level_2_only_0001(manifest: Manifest) -> None:
    for entry in manifest.files():
        if not entry.schema_valid:
            assert (entry.accepted, entry.rules, entry.retourcodes) == (False, (), ())
        elif entry.level == "2":
            assert entry.retourcodes == ("0001",)
