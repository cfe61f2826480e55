"""The JSON model is a lossless translation of iJw XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import MESSAGES, SHARED_CLASSES, SIMPLE_TYPES, Element
from ijw_gateway.errors import InputRejected
from ijw_gateway.fixtures import builders
from ijw_gateway.messages.jsonmodel import (
    JsonObject,
    JsonValue,
    ModelError,
    from_json,
    to_json,
    to_xml_bytes,
)
from ijw_gateway.messages.translate import json_to_xml, model_of, read_model, render, sniff
from tests.support.suite import SUITE


def _canonical(root: etree._Element) -> bytes:
    # lxml-stubs do not know c14n2's options
    canonical: bytes = etree.tostring(root, method="c14n2", strip_text=True)  # type: ignore[call-overload]
    return canonical


def test_official_samples_round_trip(shared_samples_dir: Path) -> None:
    checked = 0
    for sample in sorted(shared_samples_dir.glob("*.xml")):
        tree = xmlparse.parse(sample.read_bytes())
        try:
            model = to_json(tree.getroot())
        except ModelError:
            continue  # the sample that does not fit its schema (a misplaced RetourCode)
        assert _canonical(from_json(model)) == _canonical(tree.getroot()), sample.name
        checked += 1
    assert checked >= 13


@pytest.mark.parametrize(
    "model",
    [builders.jw301(), builders.jw305(), builders.jw307(), builders.jw315(), builders.jw323()],
    ids=lambda m: str(m["message"]),
)
def test_builders_round_trip_through_bytes(model: JsonObject) -> None:
    assert to_json(xmlparse.parse(to_xml_bytes(model)).getroot()) == model


def test_codes_and_dates_stay_strings() -> None:
    model = to_json(xmlparse.parse(to_xml_bytes(builders.jw301())).getroot())
    header = model["Header"]
    assert isinstance(header, dict)
    assert header["Afzender"] == "0505"
    assert header["BerichtIdentificatie"] == {
        "Identificatie": "T301-1",
        "Dagtekening": "2026-03-02",
    }


def test_repeated_elements_are_always_lists() -> None:
    model = to_json(xmlparse.parse(to_xml_bytes(builders.jw301())).getroot())
    client = model["Client"]
    assert isinstance(client, dict)
    assert isinstance(client["ToegewezenProducten"], dict)
    assert isinstance(client["ToegewezenProducten"]["ToegewezenProduct"], list)


@pytest.mark.parametrize(
    ("model", "complaint"),
    [
        ({"message": "JW399"}, "'message' must be one of"),
        ({"message": "JW301", "release": "3.1"}, "'release' must be one of 3.2, 2.3"),
        ({"message": "JW317", "release": "2.3"}, "(release 2.3)"),
        ({"message": "JW301", "Kop": {}}, "unknown element(s) Kop"),
        ({"message": "JW301", "Header": "x"}, "Header must be an object"),
        ({"message": "JW319", "Antwoord": {"ReferentieAanbieder": {}}}, "must be a string"),
    ],
)
def test_models_that_do_not_fit_the_catalogue_are_refused(
    model: dict[str, JsonValue], complaint: str
) -> None:
    with pytest.raises(ModelError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        from_json(model)


def test_xml_with_an_unknown_element_is_refused() -> None:
    xml = to_xml_bytes(builders.jw319()).replace(
        b"</jw319:Antwoord>", b"<jw319:Extra>1</jw319:Extra></jw319:Antwoord>"
    )
    with pytest.raises(ModelError, match="unexpected element Extra"):
        to_json(xmlparse.parse(xml).getroot())


def _c14n(data: bytes) -> bytes:
    """Canonical XML (C14N 2.0, without comments); layout whitespace is kept and compared."""
    return etree.tostring(etree.fromstring(data), method="c14n2")


def test_every_fixture_translates_losslessly_both_ways() -> None:
    """XML -> JSON -> XML gives the same canonical XML, and JSON -> XML -> JSON the same
    model, for every file of the suite that is an iJw 3.2 message at all."""
    translated, refused = 0, []
    for path in sorted(SUITE.rglob("*.xml")):
        data = path.read_bytes()
        try:
            model = model_of(data)
        except (InputRejected, ModelError):
            refused.append(path.relative_to(SUITE).parent.as_posix())
            continue
        as_json = render(model, "json")
        back = render(model_of(as_json), "xml")
        assert _c14n(back) == _c14n(data), path
        assert model_of(back) == model == json.loads(as_json), path
        translated += 1
    assert translated > 750
    assert refused == ["jw301/invalid/XML"] * 3  # not well-formed, a DTD, release 3.1


@pytest.mark.parametrize(
    ("extra", "refusal"),
    [
        (b'<jw301:Client ijw:x="1" xmlns:ijw="urn:x">', "Client carries an attribute"),
        (b"<jw301:Client><?demand x?>", "processing instruction"),
        (b"<jw301:Client>loose text", "Client holds text between its elements"),
    ],
)
def test_what_json_cannot_carry_is_refused_not_dropped(extra: bytes, refusal: str) -> None:
    data = to_xml_bytes(builders.jw301()).replace(b"<jw301:Client>", extra, 1)
    with pytest.raises(ModelError, match=refusal):
        model_of(data)


def test_a_value_holding_elements_is_refused() -> None:
    data = to_xml_bytes(builders.jw301()).replace(b"<jw301:Bsn>", b"<jw301:Bsn><jw301:X/>", 1)
    with pytest.raises(ModelError, match="Bsn holds elements"):
        model_of(data)


def test_comments_and_schema_location_hints_carry_no_data_and_are_not_kept() -> None:
    xsi = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="a b"'
    plain = to_xml_bytes(builders.jw301())
    data = plain.replace(b"<jw301:Bericht ", b"<jw301:Bericht " + xsi + b" ", 1)
    data = data.replace(b"<jw301:Client>", b"<jw301:Client><!-- note -->", 1)
    assert model_of(data) == model_of(plain)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"{", "not valid JSON"),
        (b"[1, 2]", "a JSON model is an object"),
        (b"\xff\xfe{", "not valid JSON"),
        (b'{"message": "JW301", "Client": {"Bsn": 1}}', "Bsn must be a string"),
        (b'{"message": "JW301", "Client": {"Bsn": "\\u0001"}}', "characters that XML cannot"),
        (b'{"message": "JW301", "Client": {"Bsn": "\\ud800"}}', "characters that XML cannot"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"n": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_a_body_that_is_no_json_model_is_refused(body: bytes, complaint: str) -> None:
    with pytest.raises(ModelError, match=complaint):
        json_to_xml(body)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<?xml version='1.0'?><a/>", "xml"),
        (b"\xef\xbb\xbf\n  <a/>", "xml"),
        ("<a/>".encode("utf-16"), "xml"),
        ("<a/>".encode("utf-16-be"), "xml"),
        ("<a/>".encode("utf-32"), "xml"),
        (b' \n{"message": "JW301"}', "json"),
        (b"PK\x03\x04rest", "zip"),
        (b"this is not xml", None),
        (b"[]", None),
        (b"", None),
        (b"   ", None),
    ],
)
def test_sniff_tells_the_kinds_apart(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_read_model_reads_the_unicode_encodings_json_allows() -> None:
    assert read_model('{"message": "JW301"}'.encode("utf-16")) == {"message": "JW301"}


_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), min_size=1, max_size=12
)


def _elements(
    sequence: tuple[Element, ...], message: str, depth: int
) -> st.SearchStrategy[JsonObject]:
    parts: dict[str, st.SearchStrategy[JsonValue]] = {}
    optional: set[str] = set()
    for element in sequence:
        value = _value(element, message, depth)
        parts[element.name] = st.lists(value, min_size=1, max_size=2) if element.repeated else value
        if element.optional:
            optional.add(element.name)
    required = {k: v for k, v in parts.items() if k not in optional}
    extra = {k: v for k, v in parts.items() if k in optional}
    return st.fixed_dictionaries(required, optional=extra)


def _value(element: Element, message: str, depth: int) -> st.SearchStrategy[JsonValue]:
    if element.type in SIMPLE_TYPES:
        return _TEXT
    classes = SHARED_CLASSES if element.is_shared else MESSAGES[message].classes
    return st.deferred(lambda: _elements(classes[element.type], message, depth + 1))


@st.composite
def _models(draw: st.DrawFn) -> JsonObject:
    message = draw(st.sampled_from(sorted(MESSAGES)))
    body = draw(_elements(MESSAGES[message].classes["Root"], message, 0))
    return {"message": message, "release": "3.2", **body}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_models())
def test_model_to_xml_to_model_is_the_identity(model: JsonObject) -> None:
    assert to_json(xmlparse.parse(to_xml_bytes(model)).getroot()) == model
