"""Schema error texts: every libxml2 wording our variants provoke is explained, no value echoed."""

from __future__ import annotations

import json
import re

import pytest

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.contracts import MemoryRefusalLog, no_extra_data_screen
from ijw_gateway.errors import InputRejected
from ijw_gateway.fixtures import builders as b
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.schematext import explain_schema_error, named_path
from ijw_gateway.validation import Validator
from tests.support.variants import catalogue_document, variants

JW = "{http://www.istandaarden.nl/ijw/3_2/jw305/schema}"
_VALUE = re.compile(r": value '(.*)' \(")
# code lists and patterns come from the XSD
_NOT_A_LEAK = re.compile(r"(?:Allowed|Toegestaan): .*|\((?:pattern|patroon) .*\)")


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


def test_dutch_texts_name_the_element_and_keep_codes_and_patterns() -> None:
    enumeration = (
        f"Element '{JW}Geslacht': [facet 'enumeration'] The value '9' is not an element of "
        "the set {'0', '1', '2'}."
    )
    assert explain_schema_error(enumeration, "nl") == (
        "<Geslacht> bevat een code die niet in de codelijst staat. Toegestaan: '0', '1', '2'."
    )
    order = (
        f"Element '{JW}Bsn': This element is not expected. Expected is one of "
        f"( {JW}Geboortedatum, {JW}Naam )."
    )
    assert explain_schema_error(order, "nl").startswith(
        "<Bsn> hoort hier niet. Hier verwacht: <Geboortedatum>, <Naam>. "
    )
    date = f"Element '{JW}Dagtekening': '2026-02-30' is not a valid value of the atomic type 'xs:date'."
    assert explain_schema_error(date, "nl").startswith("<Dagtekening> is geen geldige datum")


@pytest.fixture(scope="module")
def findings_per_variant(registry: SchemaRegistry) -> list[tuple[str, str, list[str]]]:
    """(description, mutated value, finding texts in English and Dutch) for every value
    mutation of every message."""
    found = []
    for message in MESSAGES:
        base = catalogue_document(message)
        valued = variants(message, "catalogue", base, keep=lambda d: _VALUE.search(d) is not None)
        for variant in valued:
            value = _VALUE.search(variant.description)
            if value is None:  # the unmutated base
                continue
            tree = xmlparse.parse(variant.data)
            texts = [
                f.text for lang in ("en", "nl") for f in registry.check(tree, message, lang=lang)
            ]
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


BSN, NAME = "999990019", "Jansen"


def test_a_name_ijw_does_not_define_is_not_repeated() -> None:
    """A sender can name an element or attribute with a BSN or a client's name."""
    unexpected = (
        f"Element '{{urn:{NAME}}}{NAME}{BSN}': This element is not expected. "
        f"Expected is ( {JW}Geslacht )."
    )
    text = explain_schema_error(unexpected)
    assert text.startswith("An element that iJw does not define is not allowed here.")
    assert "<Geslacht>" in text and NAME not in text and BSN not in text
    attribute = (
        f"Element '{JW}Client', attribute '{NAME}{BSN}': The attribute '{NAME}{BSN}' is "
        "not allowed."
    )
    assert explain_schema_error(attribute) == (
        "<Client> carries an attribute, which iJw messages do not have."
    )
    known = f"Element '{JW}Bsn': This element is not expected. Expected is ( {JW}Geslacht )."
    assert explain_schema_error(known).startswith("<Bsn> is not allowed here.")


def test_paths_name_unknown_elements_as_a_wildcard() -> None:
    assert named_path(f"/Bericht/Client/{NAME}{BSN}[2]/Bsn") == "/Bericht/Client/*[2]/Bsn"
    assert named_path("/Bericht/Client/Contactgegevens/Contact[2]") == (
        "/Bericht/Client/Contactgegevens/Contact[2]"
    )
    assert named_path("/") == "/"


@pytest.mark.parametrize(
    "data",
    [
        f"<a>\n<{NAME}{BSN}>\n</a>\n",
        f"<a {NAME}='1' {NAME}='2'/>",
        f"<a>&{NAME}{BSN};</a>",
        f"<a><{NAME}:b/></a>",
        f"<a><![CDATA[{BSN} {NAME}",
        f"<a><!-- {BSN} {NAME}",
        f"<a><?{NAME}{BSN} x",
        f"<a xmlns:p='{NAME} {BSN}'/>",
        f"<a {NAME}{BSN}/>",
    ],
)
def test_well_formedness_errors_repeat_nothing_of_the_document(data: str) -> None:
    with pytest.raises(InputRejected) as caught:
        xmlparse.parse(data.encode())
    text = caught.value.finding.text
    assert text.startswith("The file is not well-formed XML: ") and text.endswith(".")
    assert NAME not in text and BSN not in text and "ERR_" not in text, text


def test_validation_repeats_no_unknown_name_anywhere(registry: SchemaRegistry) -> None:
    """The screen and the schema both report the unknown names below; neither the texts
    nor the paths of the verdict repeat them."""
    data = b.to_bytes(b.jw301())
    client = b"<jw301:Client>"
    data = data.replace(
        client,
        client
        + f'<x:{NAME}{BSN} xmlns:x="urn:{NAME}:{BSN}"/><jw301:{NAME}{BSN}/><?{NAME}{BSN}?>'.encode(),
        1,
    ).replace(b"<jw301:Client>", f'<jw301:Client p{BSN}="{NAME}">'.encode(), 1)
    validator = Validator(registry, screens=[no_extra_data_screen(MemoryRefusalLog())])
    report = validator.validate(data)
    assert {f.level for f in report.findings} == {"policy", "schema"}
    said = json.dumps(report.to_json())
    assert NAME not in said and BSN not in said, said
