"""The no-extra-data screen: content outside the standard is refused and recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ijw_gateway.config import Settings
from ijw_gateway.contracts import MemoryRefusalLog, extra_content, no_extra_data_screen
from ijw_gateway.fixtures import builders as b
from ijw_gateway.runtime import build_validator
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from ijw_gateway.xmlparse import parse

CLIENT = b"<jw301:Client>"
XSI = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
BLOB = b"QUJD" * 40  # 160 characters of base64


def _jw301() -> bytes:
    return b.to_bytes(b.jw301())


def _inject(after: bytes, extra: bytes, data: bytes | None = None) -> bytes:
    data = data or _jw301()
    assert after in data
    return data.replace(after, after + extra, 1)


def _screen(data: bytes, message: str = "JW301") -> list[str]:
    return [f"{f.path}: {f.text}" for f in extra_content(parse(data), message)]


def test_a_standard_message_passes() -> None:
    for name in ("jw301", "jw305", "jw307", "jw315", "jw317", "jw319", "jw323"):
        model = getattr(b, name)()
        assert _screen(b.to_bytes(model), str(model["message"])) == []


def test_a_return_message_passes() -> None:
    original = b.jw301()
    assert _screen(b.to_bytes(b.retour(original)), "JW302") == []


@pytest.mark.parametrize(
    ("data", "path", "says"),
    [
        (
            _inject(CLIENT, b'<x:Extra xmlns:x="urn:x">a</x:Extra>'),
            "/Bericht/Client",
            "an element from a foreign namespace.",
        ),
        (
            _inject(CLIENT, b"<Extra>a</Extra>"),
            "/Bericht/Client",
            "an element without a namespace, which this message does not define",
        ),
        (
            _inject(CLIENT, b"<jw301:Diagnose>a</jw301:Diagnose>"),
            "/Bericht/Client",
            "an element that this message does not define",
        ),
        (
            _jw301().replace(CLIENT, b'<jw301:Client xmlns:x="urn:x" x:risk="high">'),
            "/Bericht/Client",
            "an attribute from a foreign namespace.",
        ),
        (
            _jw301().replace(CLIENT, b'<jw301:Client versie="2">'),
            "/Bericht/Client",
            "an attribute; iJw elements have no attributes",
        ),
        (
            _jw301().replace(CLIENT, b"<jw301:Client " + XSI + b' xsi:type="x">'),
            "/Bericht/Client",
            "attribute xsi:type",
        ),
        (
            _jw301().replace(CLIENT, b"<jw301:Client " + XSI + b' xsi:nil="false">'),
            "/Bericht/Client",
            "attribute xsi:nil",
        ),
        (
            _inject(CLIENT, b"<?render now?>"),
            "/Bericht/Client",
            "a processing instruction.",
        ),
        (
            _jw301().replace(b"?>\n", b"?>\n<?app data?>\n", 1),
            "/Bericht",
            "a processing instruction.",
        ),
        (_inject(CLIENT, b"<!-- " + BLOB + b" -->"), "/Bericht/Client", "attachment"),
        (
            _inject(
                b"<jw301:Geslacht>0</jw301:Geslacht>",
                b"<jw301:Commentaar>" + BLOB + b"</jw301:Commentaar>",
            ),
            "/Bericht/Client/Commentaar",
            "embedded attachment (encoded data) in Commentaar",
        ),
        (
            _inject(
                b"<jw301:Geslacht>0</jw301:Geslacht>",
                b"<jw301:Commentaar>zie data:application/pdf;base64,JVBER</jw301:Commentaar>",
            ),
            "/Bericht/Client/Commentaar",
            "attachment",
        ),
    ],
    ids=[
        "foreign-element",
        "no-namespace-element",
        "unknown-ijw-element",
        "foreign-attribute",
        "plain-attribute",
        "xsi-type",
        "xsi-nil",
        "pi-inside",
        "pi-before-root",
        "comment-with-blob",
        "base64-in-commentaar",
        "data-uri",
    ],
)
def test_content_outside_the_standard_is_refused(data: bytes, path: str, says: str) -> None:
    found = list(extra_content(parse(data), "JW301"))
    assert len(found) == 1, [f.text for f in found]
    assert found[0].path == path and says in found[0].text
    for name in ("Extra", "urn:x", "Diagnose", "risk", "versie", "render", "app"):
        assert name not in found[0].text  # the sender's names are not repeated
    assert found[0].level == "policy" and found[0].rule == "NO-EXTRA-DATA"
    assert found[0].retourcode is None and "6c.1" in found[0].text
    assert "Jeugdwet art. 2.15 lid 2" in found[0].text


@pytest.mark.parametrize(
    "data",
    [
        _inject(b"<jw301:Header>", b"<jw301:Geslacht>1</jw301:Geslacht>"),  # misplaced
        _inject(CLIENT, b"<jw301:Client/>"),  # a class inside itself
        _inject(CLIENT, b"<jw301:Verzoek/>"),  # an element of another message (JW317)
        _inject(
            CLIENT, b'<jw305:Bsn xmlns:jw305="http://www.istandaarden.nl/ijw/3_2/jw305/schema"/>'
        ),
    ],
    ids=["misplaced", "nested", "other-message", "other-namespace"],
)
def test_an_element_of_the_standard_in_the_wrong_place_is_a_schema_fault(
    data: bytes, registry: SchemaRegistry
) -> None:
    """Not extra data: the schema rejects it, and no no-extra-data refusal is counted."""
    log = MemoryRefusalLog()
    report = Validator(registry, screens=[no_extra_data_screen(log)]).validate(data)
    assert not report.schema_valid and {f.level for f in report.findings} == {"schema"}
    assert log.items == []


def test_what_a_misplaced_element_holds_is_still_screened() -> None:
    data = _inject(CLIENT, b'<jw301:Client><x:Extra xmlns:x="urn:x"/></jw301:Client>')
    [found] = _screen(data)
    assert found.startswith("/Bericht/Client/Client: ")  # placed at its parent, unnamed
    assert found.endswith("Found: an element from a foreign namespace.")
    assert "Extra" not in found and "urn:x" not in found


def test_the_official_jw318_sample_is_a_schema_fault_not_a_refusal(
    shared_samples_dir: Path, registry: SchemaRegistry
) -> None:
    """Its RetourCode stands outside RetourCodes: the schema's fault, not extra data."""
    log = MemoryRefusalLog()
    validator = Validator(registry, screens=[no_extra_data_screen(log)])
    report = validator.validate((shared_samples_dir / "jw318.xml").read_bytes())
    assert [f.level for f in report.findings] == ["schema"]
    assert log.items == []


def test_schema_location_hints_comments_and_unused_declarations_are_allowed() -> None:
    root = b"<jw301:Bericht "
    data = _jw301().replace(
        root,
        root + XSI + b' xsi:schemaLocation="urn:a a.xsd" xmlns:unused="urn:unused" ',
        1,
    )
    data = _inject(CLIENT, b"<!-- generated by a test -->", data)
    assert _screen(data) == []


def test_a_foreign_subtree_is_reported_once_at_its_top() -> None:
    data = _inject(CLIENT, b'<x:A xmlns:x="urn:x"><x:B/><x:C/></x:A>')
    assert len(_screen(data)) == 1


def test_findings_point_at_the_line_and_never_quote_content() -> None:
    data = _inject(CLIENT, b'\n<x:Extra xmlns:x="urn:x">999999990 secret</x:Extra>')
    [finding] = list(extra_content(parse(data), "JW301"))
    line = data[: data.index(b"<x:Extra")].count(b"\n") + 1
    assert finding.line == line and "secret" not in finding.text and "999999990" not in finding.text


def test_names_the_standard_does_not_define_are_not_repeated() -> None:
    """A sender can write a BSN or a client's name as an element's, attribute's,
    namespace's or processing instruction's name; findings and records say what was
    found and where, never that name."""
    bsn, name = b.BSN, "Jansen"
    data = _inject(CLIENT, f'<x:{name}{bsn} xmlns:x="urn:{name}:{bsn}">a</x:{name}{bsn}>'.encode())
    data = _inject(CLIENT, f"<{name}{bsn}>a</{name}{bsn}><?{name}{bsn} x?>".encode(), data)
    data = _inject(CLIENT, f"<jw301:{name}{bsn}>a</jw301:{name}{bsn}>".encode(), data)
    data = data.replace(
        CLIENT, f'<jw301:Client {name}{bsn}="1" xmlns:p="urn:{bsn}" p:{name}="1">'.encode(), 1
    )
    log = MemoryRefusalLog()
    found = list(no_extra_data_screen(log)(parse(data), "JW301"))
    assert len(found) == 6
    said = json.dumps([(f.path, f.text) for f in found]) + json.dumps(log.items[0].to_json())
    assert bsn not in said and name not in said


def test_dutch_texts() -> None:
    data = _inject(CLIENT, b'<x:Extra xmlns:x="urn:x">a</x:Extra>')
    [finding] = list(extra_content(parse(data), "JW301", "nl"))
    assert "Gevonden: een element uit een vreemde namespace." in finding.text


def test_the_screen_runs_before_the_schema_and_records_the_refusal(
    registry: SchemaRegistry,
) -> None:
    log = MemoryRefusalLog()
    validator = Validator(registry, screens=[no_extra_data_screen(log)])
    data = _inject(CLIENT, b'<x:Extra xmlns:x="urn:x">' + b.BSN.encode() + b"</x:Extra>")
    report = validator.validate(data)
    assert [f.level for f in report.findings][:1] == ["policy"] and not report.accepted
    [refusal] = log.items
    assert (refusal.source, refusal.municipality, refusal.provider) == ("message", "0505", b.AGB)
    assert refusal.on is not None and refusal.on.isoformat() == b.DAGTEKENING
    assert refusal.subject == "JW301 T301-1" and refusal.rule == "NO-EXTRA-DATA"
    assert refusal.what == "an element from a foreign namespace at /Bericht/Client"
    assert refusal.recorded_at is not None
    dumped = json.dumps(refusal.to_json())
    assert b.BSN not in dumped and "Testpersoon" not in dumped and "Sam" not in dumped


def test_a_clean_message_records_nothing(registry: SchemaRegistry) -> None:
    log = MemoryRefusalLog()
    Validator(registry, screens=[no_extra_data_screen(log)]).validate(_jw301())
    assert log.items == []


def test_a_provider_message_records_the_provider_as_sender(registry: SchemaRegistry) -> None:
    log = MemoryRefusalLog()
    data = b.to_bytes(b.jw323()).replace(b"<jw323:Declaratie>", b"<?x?><jw323:Declaratie>")
    Validator(registry, screens=[no_extra_data_screen(log)]).validate(data)
    [refusal] = log.items
    assert (refusal.municipality, refusal.provider, refusal.subject) == (
        "0505",
        b.AGB,
        "JW323 T323-1",
    )


def test_many_findings_are_summarised_in_one_record(registry: SchemaRegistry) -> None:
    log = MemoryRefusalLog()
    extra = b"".join(b"<?p%d?>" % i for i in range(8))
    Validator(registry, screens=[no_extra_data_screen(log)]).validate(_inject(CLIENT, extra))
    assert log.items[0].what.endswith("; and 3 more")


def test_the_default_validator_screens_and_logs_to_the_configured_file(tmp_path: Path) -> None:
    log = tmp_path / "refusals.jsonl"
    settings = Settings.from_env({"IJW_REFUSAL_LOG": str(log)})
    report = build_validator(settings=settings).validate(_inject(CLIENT, b'<x:E xmlns:x="urn:x"/>'))
    assert report.findings[0].rule == "NO-EXTRA-DATA"
    [line] = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["municipality"] == "0505"
