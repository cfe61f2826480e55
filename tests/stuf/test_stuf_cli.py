"""``ijw-gateway validate`` on envelopes, and ``ijw-gateway envelope wrap|unwrap``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway import cli
from ijw_gateway.findings import MAX_FINDINGS
from ijw_gateway.fixtures import builders as b
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.model import SOAP, is_uuid4
from tests.support.stuf_support import AGB, GEMEENTE, envelope, jw301_envelope

ENVELOPE_KEYS = {"kind", "valid", "functie", "referentienummer", "findings", "findings_omitted"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, object]]:
    status, out, _ = run(capsys, "validate", "--json", str(path))
    lines = out.strip().splitlines()
    assert len(lines) == 1
    return status, json.loads(lines[0])


@pytest.mark.parametrize("soap", [False, True])
def test_an_envelope_is_checked_and_its_payload_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], soap: bool
) -> None:
    di01 = jw301_envelope()
    path = tmp_path / "di01.xml"
    path.write_bytes(codec.write(di01, soap))
    status, report = _json(capsys, path)
    assert status == 0 and report["accepted"] is True and report["message"] == "JW301"
    wrapped = report["envelope"]
    assert isinstance(wrapped, dict) and set(wrapped) == ENVELOPE_KEYS
    assert wrapped == {
        "kind": "Di01",
        "valid": True,
        "functie": "JW301",
        "referentienummer": di01.routing.referentienummer,
        "findings": [],
        "findings_omitted": 0,
    }
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 0 and "Di01 envelope — valid" in out and "JW301 — accepted" in out


def test_an_invalid_envelope_rejects_a_valid_payload(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = codec.write(jw301_envelope())
    path = tmp_path / "bad.xml"
    path.write_bytes(data.replace(b"<GGK:functieVersie>0003", b"<GGK:functieVersie>003"))
    status, report = _json(capsys, path)
    assert status == 1 and report["accepted"] is False and report["schema_valid"] is True
    wrapped = report["envelope"]
    assert isinstance(wrapped, dict) and wrapped["valid"] is False
    assert [f["rule"] for f in wrapped["findings"]] == ["RIN001"]


def test_an_envelope_that_contradicts_its_payload_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mislabelled.xml"
    path.write_bytes(codec.write(envelope(b.to_bytes(b.jw301()), "JW315", GEMEENTE, AGB)))
    status, report = _json(capsys, path)
    wrapped = report["envelope"]
    assert status == 1 and isinstance(wrapped, dict)
    assert [f["rule"] for f in wrapped["findings"]] == ["IB240"]


def test_the_published_samples_and_their_iwmo_payload(
    stuf_ggk_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The iWmo payload gets the same 'not iJw' finding as the bare iWmo message does."""
    sample = stuf_ggk_dir / "samples" / "soap-envelope-di01.xml"
    status, report = _json(capsys, sample)
    wrapped = report["envelope"]
    assert status == 1 and isinstance(wrapped, dict) and wrapped["valid"] is True
    assert wrapped["kind"] == "Di01" and wrapped["functie"] == "WMO301"
    payload = codec.read(sample.read_bytes()).payload
    assert payload is not None
    bare = tmp_path / "wmo301.xml"
    bare.write_bytes(payload)
    bare_status, bare_report = _json(capsys, bare)
    assert bare_status == 1 and report["findings"] == bare_report["findings"]
    findings = report["findings"]
    assert isinstance(findings, list) and "iStandaard 'iwmo'" in findings[0]["text"]
    status, report = _json(capsys, stuf_ggk_dir / "samples" / "Fo01.xml")
    assert status == 1 and report["envelope"]["kind"] == "Fo01"  # type: ignore[index]
    assert "carries no message" in report["findings"][0]["text"]  # type: ignore[index]


def test_a_bare_message_is_unchanged_by_the_envelope_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "jw301.xml"
    path.write_bytes(b.to_bytes(b.jw301()))
    status, report = _json(capsys, path)
    assert status == 0 and "envelope" not in report
    soap_bericht = f"<s:Envelope xmlns:s='{SOAP}'><s:Body>".encode() + b"<x/></s:Body></s:Envelope>"
    path.write_bytes(soap_bericht)
    status, report = _json(capsys, path)
    wrapped = report["envelope"]
    assert status == 1 and isinstance(wrapped, dict) and wrapped["kind"] is None


def test_wrap_and_unwrap_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = tmp_path / "jw301.xml"
    message.write_bytes(b.to_bytes(b.jw301()))
    wrapped = tmp_path / "di01.xml"
    assert run(capsys, "envelope", "wrap", "--soap", str(message), "-o", str(wrapped))[0] == 0
    received = codec.read(wrapped.read_bytes())
    assert received.valid and received.soap and received.envelope is not None
    routing = received.envelope.routing
    assert (routing.functie, routing.zender.organisatie, routing.ontvanger.organisatie) == (
        "JW301",
        GEMEENTE,
        AGB,
    )
    assert is_uuid4(routing.referentienummer)
    unwrapped = tmp_path / "out.xml"
    status, _, err = run(capsys, "envelope", "unwrap", str(wrapped), "-o", str(unwrapped))
    assert status == 0 and unwrapped.read_bytes() == message.read_bytes()
    assert f"referentienummer {routing.referentienummer}" in err


def test_wrap_an_answer_needs_the_di01_it_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference_schema: etree.XMLSchema
) -> None:
    answer = tmp_path / "jw302.xml"
    answer.write_bytes(b"<not-ijw/>")
    base = ("envelope", "wrap", str(answer), "--functie", "JW302", "--from", AGB, "--to", GEMEENTE)
    assert run(capsys, *base)[0] == 2
    cross = "0e09a81f-64a0-4793-b946-d6538fb3f37e"
    status, out, _ = run(capsys, *base, "--answers", cross)
    du01 = codec.read(out.encode())
    assert status == 0 and du01.kind == "Du01" and du01.routing.cross_refnummer == cross  # type: ignore[union-attr]
    assert reference_schema.validate(etree.fromstring(out.encode()))
    assert run(capsys, *base, "--answers", "not-a-uuid")[0] == 2
    assert run(capsys, "envelope", "wrap", str(answer))[0] == 2  # not iJw: say who and what


def test_unwrap_of_a_broken_envelope_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<no-envelope/>")
    status, out, err = run(capsys, "envelope", "unwrap", str(path))
    assert status == 1 and out == "" and "RIN001" in err


def test_an_envelopes_findings_beyond_the_cap_are_counted_not_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a message's (``MAX_FINDINGS``): ``validate`` (JSON and human) and ``envelope
    unwrap`` list the first findings of an envelope and count the rest."""
    names = b" ".join(b'f:a%d="x"' % i for i in range(MAX_FINDINGS + 7))
    foreign = b'<GGK:stuurgegevens xmlns:f="urn:foreign" ' + names + b">"
    path = tmp_path / "many.xml"
    path.write_bytes(codec.write(jw301_envelope()).replace(b"<GGK:stuurgegevens>", foreign, 1))
    status, report = _json(capsys, path)
    wrapped = report["envelope"]
    assert status == 1 and isinstance(wrapped, dict) and wrapped["valid"] is False
    assert len(wrapped["findings"]) == MAX_FINDINGS and wrapped["findings_omitted"] == 7
    said = f"… and 7 more findings, not listed (at most {MAX_FINDINGS} per envelope are)"
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 1 and out.count("(envelope RIN001)") == MAX_FINDINGS and said in out
    status, _, err = run(capsys, "envelope", "unwrap", str(path), "-o", str(tmp_path / "o"))
    assert status == 1 and err.count("(RIN001)") == MAX_FINDINGS and said in err
