"""``ijw-gateway retour``: the answer on stdout, the verdict on stderr, the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.cli import main
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.schemas import SchemaRegistry
from tests.support.retour_support import answer, codes_of, only


def _write(folder: Path, name: str, model: JsonObject | bytes) -> Path:
    path = folder / name
    path.write_bytes(model if isinstance(model, bytes) else b.to_bytes(model))
    return path


def test_a_valid_message_prints_a_bare_header_and_exits_0(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], official_registry: SchemaRegistry
) -> None:
    path = _write(tmp_cwd, "jw301.xml", b.jw301())
    status = main(["retour", str(path), "--identificatie", "RET-7", "--dagtekening", "2026-03-04"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    tree = xmlparse.parse(out.encode())
    assert official_registry.check(tree, "JW302") == []
    root = tree.getroot()
    assert only(root, "*:Header/*:IdentificatieRetour").text == "RET-7"
    assert only(root, "*:Header/*:DagtekeningRetour").text == "2026-03-04"
    assert codes_of(only(root, "*:Header")) == []


def test_a_refused_message_prints_its_answer_and_exits_1(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "CS002" not in rules():
        pytest.skip("CS002 not in the catalogue yet")
    path = _write(tmp_cwd, "jw305.xml", b.jw305(bsn="123456789"))
    assert main(["retour", str(path)]) == 1
    out, err = capsys.readouterr()
    root = xmlparse.parse(out.encode()).getroot()
    assert codes_of(only(root, "*:Header")) == ["0001"]
    assert "REJECTED" in err and "CS002" in err
    identificatie = only(root, "*:Header/*:IdentificatieRetour").text or ""
    assert 1 <= len(identificatie) <= 12


def test_json_report_goes_to_stderr(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_cwd, "jw323.xml", b.jw323())
    assert main(["retour", str(path), "--json-report"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(err)
    assert report["message"] == "JW323" and report["accepted"] is True
    root = xmlparse.parse(out.encode()).getroot()
    assert codes_of(only(root, "*:DeclaratieAntwoord")) == ["8001"]


def test_a_schema_invalid_message_gets_no_answer(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = b.to_bytes(b.jw301()).replace(b"<jw301:Geslacht>0", b"<jw301:Geslacht>7")
    assert main(["retour", str(_write(tmp_cwd, "bad.xml", xml))]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "rejects schema-invalid messages" in err and "Geslacht" in err


def test_a_return_message_is_not_answered(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_cwd, "jw302.xml", answer(b.jw301()).to_bytes())
    assert main(["retour", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "itself a return message" in err
    path = _write(tmp_cwd, "jw325.xml", answer(b.jw323()).to_bytes())
    assert main(["retour", str(path)]) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--identificatie", "THIRTEEN-CHAR"],
        ["--identificatie", "   "],
        ["--dagtekening", "04-03-2026"],
    ],
)
def test_bad_options_are_usage_errors(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    path = _write(tmp_cwd, "jw301.xml", b.jw301())
    assert main(["retour", str(path), *args]) == 2
    assert capsys.readouterr().out == ""


def test_a_missing_file_is_a_usage_error(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retour", str(tmp_cwd / "nothing.xml")]) == 2


def test_history_lets_the_cross_message_rules_judge(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "TR338" not in rules():
        pytest.skip("TR338 not in the catalogue yet")
    earlier = tmp_cwd / "earlier"
    earlier.mkdir()
    _write(earlier, "01-jw301.xml", b.jw301())
    claim = b.jw323(clients={b.BSN: [b.prestatie("P-1"), b.prestatie("P-2", nummer=9999)]})
    path = _write(tmp_cwd, "jw323.xml", claim)
    assert main(["retour", str(path), "--history", str(earlier)]) == 1
    out, err = capsys.readouterr()
    assert "history: " in err and "TR338" in err
    root = xmlparse.parse(out.encode()).getroot()
    (prestatie,) = root.iter("{*}Prestatie")
    assert codes_of(prestatie) == ["9338"]


def test_the_answer_judges_the_standard_alone_unless_contracts_are_given(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], shared_samples_dir: Path
) -> None:
    """The official example allocation is contracted nowhere in the example region."""
    from ijw_gateway.contracts import default_contracts_path

    sample = str(shared_samples_dir / "jw301.xml")
    assert main(["retour", sample]) == 0
    assert (
        codes_of(only(xmlparse.parse(capsys.readouterr().out.encode()).getroot(), "*:Header")) == []
    )
    assert main(["retour", sample, "--contracts", str(default_contracts_path())]) == 1
    out, err = capsys.readouterr()
    assert "S329" in err and "S329" in out


def test_a_dash_reads_the_message_from_standard_input(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b.to_bytes(b.jw301()))))
    assert main(["retour", "-", "--json-report"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(err)["file"] == "<stdin>" and "<jw302:Bericht" in out
