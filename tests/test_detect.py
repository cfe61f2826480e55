"""Detection: every message of every known release is recognised, with its release;
anything else gets one clear finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.catalogue.releases import RELEASES
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.detect import Detected, detect
from ijw_gateway.findings import Finding
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.shared_paths import shared_release
from tests.support.variants import catalogue_document

ISTANDAARDEN = "http://www.istandaarden.nl"


def _message(namespace: str | None, root: str = "Bericht", code: str = "436") -> bytes:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{xmlns}>\n  <Header>\n'
        f"    <BerichtCode>{code}</BerichtCode>\n  </Header>\n</{root}>\n"
    ).encode()


def _detect(data: bytes) -> Detected | Finding:
    return detect(etree.fromstring(data))


def _finding(data: bytes) -> Finding:
    result = _detect(data)
    assert isinstance(result, Finding), result
    assert result.level == "schema"
    assert result.line == 2 and result.path.startswith("/")
    assert "Supported" in result.text or "iJw 3.2" in result.text
    return result


@pytest.mark.parametrize("message", list(MESSAGES))
def test_every_message_built_from_the_catalogue_is_detected(message: str) -> None:
    assert _detect(catalogue_document(message)) == Detected(message, "3.2")


def test_every_published_sample_is_detected(shared_samples_dir: Path) -> None:
    for sample in sorted(shared_samples_dir.glob("*.xml")):
        assert _detect(sample.read_bytes()) == Detected(sample.stem.upper(), "3.2")


@pytest.mark.parametrize("release", ["3_1", "3_0"])
def test_an_older_release_is_named(release: str) -> None:
    text = _finding(_message(f"{ISTANDAARDEN}/ijw/{release}/jw301/schema")).text
    assert "JW301" in text
    assert f"release {release.replace('_', '.')}" in text
    assert "3.2" in text


@pytest.mark.parametrize("release", ["2_4", "3_0", "3_1", "3_2"])
@pytest.mark.parametrize(("name", "answer"), [("jw303", "JW323"), ("jw304", "JW325")])
def test_the_old_declaration_pair_points_to_its_successors(
    name: str, answer: str, release: str
) -> None:
    text = _finding(_message(f"{ISTANDAARDEN}/ijw/{release}/{name}/schema")).text
    assert name.upper() in text
    assert "JW323" in text and "JW325" in text
    assert f"Send a {answer}" in text


def test_an_iwmo_message_is_named() -> None:
    text = _finding(_message(f"{ISTANDAARDEN}/iwmo/3_2/wmo301/schema")).text
    assert "iwmo" in text and "wmo301" in text
    assert "iJw 3.2" in text


def test_an_unknown_ijw_message_lists_the_supported_ones() -> None:
    text = _finding(_message(f"{ISTANDAARDEN}/ijw/3_2/jw399/schema")).text
    assert "jw399" in text
    assert all(message in text for message in MESSAGES)


def test_a_document_that_is_not_ijw_at_all() -> None:
    finding = _finding(b"<?xml version='1.0'?>\n<html><body>hallo</body></html>")
    assert finding.path == "/*"  # a name iJw does not define is not repeated
    assert "html" not in finding.text and "not an iJw message" in finding.text


def test_a_root_without_namespace_gets_a_hint_from_its_berichtcode() -> None:
    text = _finding(_message(None, code="436")).text
    assert "BerichtCode 436" in text and "JW301" in text
    assert f"{ISTANDAARDEN}/ijw/3_2/jw301/schema" in text


def test_a_root_without_namespace_and_unknown_code_gets_no_hint() -> None:
    text = _finding(_message(None, code="999")).text
    assert "BerichtCode" not in text
    assert "not an iJw message" in text


def test_a_wrong_root_name_in_a_message_namespace() -> None:
    finding = _finding(_message(f"{ISTANDAARDEN}/ijw/3_2/jw301/schema", root="Client"))
    assert finding.path == "/Client"  # a name iJw defines is said
    assert "<Client>" in finding.text and "<Bericht>" in finding.text
    unknown = _finding(_message(f"{ISTANDAARDEN}/ijw/3_2/jw301/schema", root="Toewijzing"))
    assert unknown.path == "/*" and "Toewijzing" not in unknown.text


def test_names_in_a_namespace_are_repeated_only_when_the_standards_use_them() -> None:
    """A namespace shaped like the iStandaarden's can carry a sender's text."""
    for namespace in (
        f"{ISTANDAARDEN}/jansen/3_2/jw301/schema",
        f"{ISTANDAARDEN}/ijw/999_990019/jw301/schema",
        f"{ISTANDAARDEN}/ijw/3_2/jansen999990019/schema",
    ):
        text = _finding(_message(namespace, root="Jansen")).text
        assert "jansen" not in text.lower() and "999" not in text, text


def test_the_validator_reports_detection_as_the_only_finding(registry: SchemaRegistry) -> None:
    report = Validator(registry).validate(_message(f"{ISTANDAARDEN}/ijw/3_1/jw301/schema"))
    assert report.message is None and not report.schema_valid and not report.accepted
    assert len(report.findings) == 1 and report.findings[0].level == "schema"


def test_a_2_3_sample_is_detected_as_2_3() -> None:
    samples = shared_release("2.3") / "samples"
    if not samples.is_dir():
        pytest.skip(f"{samples} not present")
    found = {_detect(s.read_bytes()) for s in sorted(samples.glob("*.xml"))}
    assert found == {Detected(m, "2.3") for m in RELEASES["2.3"].messages}


def test_a_message_a_known_release_lacks_lists_that_release() -> None:
    text = _finding(_message(f"{ISTANDAARDEN}/ijw/2_3/jw317/schema")).text
    assert "not an iJw 2.3 message" in text and "JW303" in text and "JW317" not in text


def test_a_root_without_namespace_names_the_release_its_versions_say() -> None:
    data = (
        b'<?xml version="1.0"?>\n<Bericht>\n  <Header><BerichtCode>432</BerichtCode><BerichtVersie>2</BerichtVersie>'
        b"<BerichtSubversie>3</BerichtSubversie></Header>\n</Bericht>"
    )
    text = _finding(data).text
    assert "BerichtCode 432 is that of a JW303 of iJw 2.3" in text
    assert f"{ISTANDAARDEN}/ijw/2_3/jw303/schema" in text
