"""Releases as data: 2.3 beside 3.2, detected, validated and translated by the same code.

The published 2.3 samples are read in place from ``../shared/ijw-2.3`` (never copied); the
documents built from our catalogue stand in where a test must not depend on them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.catalogue.releases import (
    DEFAULT,
    EXCHANGED,
    RELEASES,
    by_codes,
    by_root_tag,
    release,
)
from ijw_gateway.catalogue.retourcodes import retourcodes
from ijw_gateway.catalogue.rulecat import rules, rules_of
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import SchemaBundleError
from ijw_gateway.findings import Finding, Level
from ijw_gateway.messages.jsonmodel import from_json, to_json
from ijw_gateway.messages.translate import model_of, render
from ijw_gateway.rules.base import applicable
from ijw_gateway.rules.stages import load_rule_modules
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.shared_paths import shared_release
from tests.support.variants import catalogue_document

OLD = "2.3"
MESSAGES_23 = list(RELEASES[OLD].messages)


@pytest.fixture(scope="module")
def samples_23() -> Path:
    folder = shared_release(OLD) / "samples"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    return folder


def _c14n(data: bytes) -> str:
    """Canonical XML (C14N 2.0) without layout whitespace, comments or prefix choices."""
    return ET.canonicalize(data.decode("utf-8"), strip_text=True, rewrite_prefixes=True)


# --- the catalogue ---------------------------------------------------------------------


def test_the_catalogue_knows_both_releases_and_the_exchange_carries_one() -> None:
    assert list(RELEASES) == ["3.2", OLD] and DEFAULT.name == "3.2"
    assert EXCHANGED == ("3.2",)
    old = RELEASES[OLD]
    assert (old.versie, old.subversie) == (2, 3) and not old.exchanged
    assert [f"JW3{n:02}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 15, 16)] == MESSAGES_23
    assert old.messages["JW303"].berichtcodes == ("432", "450")
    assert old.messages["JW304"].berichtcodes == ("433", "451")
    assert old.answered_by == {
        "JW301": "JW302",
        "JW303": "JW304",
        "JW305": "JW306",
        "JW307": "JW308",
        "JW315": "JW316",
    }
    assert old.replaced_by == {"JW303": "JW323", "JW304": "JW325"}
    assert release("3.1") is None


def test_every_message_is_found_by_its_root_and_by_its_header_codes() -> None:
    for known in RELEASES.values():
        for message, structure in known.messages.items():
            assert by_root_tag(f"{{{structure.namespace}}}Bericht") is structure
            assert f"/{known.name.replace('.', '_')}/{message.lower()}/" in structure.namespace
            for code in structure.berichtcodes:
                found = by_codes(code, str(known.versie), str(known.subversie))
                assert found is structure, (known.name, message, code)


def test_a_2_3_header_without_xsdversie_and_a_declaration_header_without_afzender() -> None:
    old = RELEASES[OLD].messages
    names = [e.name for e in old["JW301"].classes["Header"]]
    assert "XsdVersie" not in names and names[3:5] == ["Afzender", "Ontvanger"]
    declaration = [e.name for e in old["JW303"].classes["Header"]]
    assert declaration[3:6] == ["Gemeente", "Servicebureau", "Aanbieder"]
    assert (
        "Beschikking" in old["JW301"].classes
        and "Beschikking" not in DEFAULT.messages["JW301"].classes
    )


def test_rules_are_keyed_by_release_and_2_3_has_none() -> None:
    load_rule_modules()
    assert rules_of(DEFAULT.name) is rules() and len(rules()) > 100
    assert dict(rules_of(OLD)) == {}
    levels: frozenset[Level] = frozenset({"message", "history"})
    assert list(applicable("JW301", levels, True, DEFAULT.name))
    assert list(applicable("JW301", levels, True, OLD)) == []


def test_the_retourcodes_of_2_3_are_explained_and_belong_to_its_answers() -> None:
    old = RELEASES[OLD]
    explained = retourcodes(OLD)
    assert list(explained) == list(old.codelists["WJ001"])  # every code, in list order
    answers = {m for m in old.messages if m in old.answered_by.values()}
    class_names = {c for s in old.messages.values() for c in s.classes}
    for code, spec in explained.items():
        assert spec.release == OLD and spec.rules == ()
        assert set(spec.answers) <= answers, code
        assert set(spec.classes) <= class_names, code
        assert spec.title["en"] and spec.explain["nl"], code
    shared = [c for c, s in explained.items() if s.see == DEFAULT.name]
    assert "0001" in shared and explained["0001"].title == retourcodes()["0001"].title
    assert {"0013", "0030", "8853", "8855", "8856", "9311"} <= {
        c for c, s in explained.items() if s.see is None
    }


# --- detection, schemas, validation ------------------------------------------------------


@pytest.mark.parametrize("message", MESSAGES_23)
def test_a_2_3_message_is_detected_as_2_3(message: str) -> None:
    assert detect(etree.fromstring(catalogue_document(message, OLD))) == Detected(message, OLD)


def test_the_published_2_3_samples_are_detected_and_schema_valid(
    samples_23: Path, registry: SchemaRegistry
) -> None:
    validator = Validator(registry)
    for sample in sorted(samples_23.glob("*.xml")):
        report = validator.validate(sample.read_bytes(), sample.name)
        assert (report.message, report.release) == (sample.stem.upper(), OLD)
        assert report.schema_valid and report.accepted and report.findings == ()


def test_a_2_3_message_is_judged_against_the_2_3_schema(registry: SchemaRegistry) -> None:
    root = etree.fromstring(catalogue_document("JW303", OLD))
    next(root.iter("{*}BerichtSubversie")).text = "2"  # the 3.2 value: not 2.3's
    next(root.iter("{*}ValutaCode")).text = "USD"
    report = Validator(registry).validate(etree.tostring(root))
    assert (report.message, report.release, report.schema_valid) == ("JW303", OLD, False)
    assert {f.path for f in report.findings} == {
        "/Bericht/Header/BerichtSubversie",
        "/Bericht/Header/DeclaratieFactuurIdentificatie/ValutaCode",
    }
    assert all(f.level == "schema" for f in report.findings)


def test_the_exchange_answers_a_2_3_message_with_one_finding(registry: SchemaRegistry) -> None:
    exchange = Validator(registry, releases=EXCHANGED)
    report = exchange.validate(catalogue_document("JW303", OLD))
    assert (report.message, report.release, report.schema_valid) == ("JW303", OLD, False)
    (finding,) = report.findings
    assert finding.level == "schema" and finding.path == "/Bericht"
    text = finding.text
    assert "JW303 of iJw release 2.3" in text and "schema-valid against the iJw 2.3" in text
    assert "carries iJw 3.2 only" in text and "2021" in text
    assert "A JW323 of iJw 3.2 replaces the JW303" in text
    allocation = exchange.validate(catalogue_document("JW301", OLD)).findings[0].text
    assert "Send it as a JW301 of iJw 3.2" in allocation


def test_the_exchange_says_when_a_2_3_message_fails_its_own_schema_too(
    registry: SchemaRegistry,
) -> None:
    root = etree.fromstring(catalogue_document("JW304", OLD))
    next(root.iter("{*}Bsn")).text = "12345678X"
    report = Validator(registry, releases=EXCHANGED).validate(etree.tostring(root))
    (finding,) = report.findings
    assert (
        "not schema-valid against the iJw 2.3 schemas either (1 schema finding(s)" in finding.text
    )
    assert "12345678X" not in finding.text
    assert "A JW325 of iJw 3.2 replaces the JW304" in finding.text


def test_the_rules_and_screens_of_the_exchange_do_not_run_on_2_3(
    registry: SchemaRegistry,
) -> None:
    def never(*args: object) -> list[Finding]:
        raise AssertionError("a check of the exchange ran on a 2.3 message")

    validator = Validator(registry, checks=[never], screens=[never])
    assert validator.validate(catalogue_document("JW301", OLD)).accepted


def test_a_registry_takes_a_bundle_per_release(tmp_path: Path) -> None:
    bundles = Path(__file__).resolve().parent.parent / "xsd"
    both = SchemaRegistry(bundles)
    assert both.schema("JW303", OLD) is not None and both.schema("JW323") is not None
    (tmp_path / OLD).mkdir()
    with pytest.raises(SchemaBundleError, match=r"lacks the schemas of JW301.*of release 2\.3"):
        SchemaRegistry(tmp_path)
    with pytest.raises(SchemaBundleError, match=r"No schema for JW303 of release 3\.2"):
        both.schema("JW303")
    with pytest.raises(SchemaBundleError, match=r"No release 9\.9"):
        SchemaRegistry(bundles, release="9.9")


# --- translation ---------------------------------------------------------------------------


def test_every_2_3_sample_translates_to_json_and_back_losslessly(samples_23: Path) -> None:
    for sample in sorted(samples_23.glob("*.xml")):
        data = sample.read_bytes()
        model = model_of(data)
        assert (model["message"], model["release"]) == (sample.stem.upper(), OLD)
        back = render(model, "xml")
        assert _c14n(back) == _c14n(data), sample.name
        assert model_of(back) == model and model_of(render(model, "json")) == model


@pytest.mark.parametrize("message", ["JW303", "JW304"])
def test_the_declaration_pair_round_trips_with_every_element(message: str) -> None:
    data = catalogue_document(message, OLD)  # every optional element present
    model = to_json(etree.fromstring(data))
    assert model["release"] == OLD
    assert _c14n(etree.tostring(from_json(model))) == _c14n(data)
