"""Schema error texts: every libxml2 wording our variants provoke is explained, no value echoed."""

from __future__ import annotations

import re

import pytest
from variants import catalogue_document, variants

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.schematext import explain_schema_error

JW = "{http://www.istandaarden.nl/ijw/3_2/jw305/schema}"
_VALUE = re.compile(r": value '(.*)' \(")
_NOT_A_LEAK = re.compile(r"Allowed: .*|\(pattern .*\)")  # code lists and patterns come from the XSD


def test_an_enumeration_error_lists_the_allowed_codes() -> None:
    raw = (
        f"Element '{JW}Geslacht': [facet 'enumeration'] The value '9' is not an element of "
        "the set {'0', '1', '2'}."
    )
    assert explain_schema_error(raw) == (
        "<Geslacht> holds a code that is not in its code list. Allowed: '0', '1', '2'."
    )


def test_a_long_code_list_is_shortened() -> None:
    codes = ", ".join(f"'{n:02}'" for n in range(40))
    raw = f"Element '{JW}X': [facet 'enumeration'] The value 'q' is not an element of the set {{{codes}}}."
    text = explain_schema_error(raw)
    assert "'11', …" in text and "(40 codes in all)" in text and "'39'" not in text


def test_a_pattern_keeps_its_quantifier_and_drops_the_value() -> None:
    raw = (
        f"Element '{JW}Bsn': [facet 'pattern'] The value '12345678X' is not accepted by the "
        "pattern '[0-9]{9}'."
    )
    assert (
        explain_schema_error(raw) == "<Bsn> does not have the required format (pattern [0-9]{9})."
    )


def test_a_value_with_a_line_break_is_still_explained() -> None:
    raw = f"Element '{JW}Naam': [facet 'pattern'] The value '\t\n' is not accepted by the pattern '.*[^\\s].*'."
    assert explain_schema_error(raw).startswith("<Naam> does not have the required format")


def test_unknown_wording_keeps_structure_but_no_quoted_value() -> None:
    text = explain_schema_error(f"Element '{JW}Bsn': Something new about '999900006'.")
    assert text == "<Bsn>: Something new about '…'."


@pytest.fixture(scope="module")
def findings_per_variant(registry: SchemaRegistry) -> list[tuple[str, str, list[str]]]:
    """(description, mutated value, finding texts) for every value mutation of every message."""
    found = []
    for message in MESSAGES:
        base = catalogue_document(message)
        valued = variants(message, "catalogue", base, keep=lambda d: _VALUE.search(d) is not None)
        for variant in valued:
            value = _VALUE.search(variant.description)
            if value is None:  # the unmutated base
                continue
            texts = [f.text for f in registry.check(xmlparse.parse(variant.data), message)]
            found.append((variant.description, value.group(1), texts))
    return found


def test_every_provoked_schema_error_has_a_known_wording(
    findings_per_variant: list[tuple[str, str, list[str]]],
) -> None:
    unexplained = [d for d, _, texts in findings_per_variant for t in texts if "'…'" in t]
    assert sum(bool(texts) for _, _, texts in findings_per_variant) > 1000
    assert not unexplained, unexplained[:20]


def test_no_schema_finding_echoes_the_offending_value(
    findings_per_variant: list[tuple[str, str, list[str]]],
) -> None:
    echoed = []
    for description, value, texts in findings_per_variant:
        if len(value.strip()) < 3:  # "1", "AB": too short to tell an echo from a coincidence
            continue
        for text in texts:
            if value in _NOT_A_LEAK.sub("", text):
                echoed.append(f"{description}: {text}")
    assert not echoed, echoed[:20]
