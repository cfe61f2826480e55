"""The command line with messages of release 2.3: validate, translate, explain and retour.

``validate`` judges a 2.3 message by the 2.3 schemas (the whole wired pipeline: the
exchange's rules and contracts never run on it); ``retour`` answers none; ``explain``
knows the 2.3 codes; ``retour`` states the versions ``IJW_RELEASES`` configures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway import cli
from ijw_gateway.fixtures import builders
from tests.support.variants import catalogue_document


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_validate_judges_a_2_3_message_by_its_own_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = _write(tmp_path, "jw303.xml", catalogue_document("JW303", "2.3"))
    root = etree.fromstring(catalogue_document("JW304", "2.3"))
    next(root.iter("{*}BetalingAanID")).text = "03"
    bad = _write(tmp_path, "jw304.xml", etree.tostring(root))
    code, out, _ = run(capsys, "validate", "--json", str(good), str(bad))
    reports = {r["file"]: r for r in map(json.loads, out.splitlines())}
    assert code == 1
    accepted = reports[str(good)]
    assert (accepted["message"], accepted["release"], accepted["accepted"]) == (
        "JW303",
        "2.3",
        True,
    )
    refused = reports[str(bad)]
    assert (refused["release"], refused["schema_valid"]) == ("2.3", False)
    assert [f["path"] for f in refused["findings"]] == ["/Bericht/Header/BetalingAanID"]


def test_translate_carries_a_jw303_to_json_and_back(
    capfdbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    source = _write(tmp_path, "jw303.xml", catalogue_document("JW303", "2.3"))
    assert cli.main(["translate", str(source)]) == 0
    model = json.loads(capfdbinary.readouterr().out)
    assert (model["message"], model["release"]) == ("JW303", "2.3")
    assert model["Header"]["DeclaratieFactuurIdentificatie"]["BtwIDNummer"] == "NL123456789B01"
    as_json = _write(tmp_path, "jw303.json", json.dumps(model).encode())
    assert cli.main(["translate", str(as_json)]) == 0
    back = capfdbinary.readouterr().out
    assert b"http://www.istandaarden.nl/ijw/2_3/jw303/schema" in back


def test_explain_knows_the_2_3_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "8855")
    assert code == 0 and out.startswith("8855 — Declaration received where an invoice")
    assert "Release: iJw 2.3" in out and "no longer takes messages of 2.3" in out
    code, out, _ = run(capsys, "explain", "0001", "--release", "2.3", "--lang", "nl")
    assert code == 0 and "Explained as in release 3.2" in out and "JW304" in out
    code, out, _ = run(capsys, "explain", "--list", "--release", "2.3")
    assert code == 0 and "Retourcodes (WJ001, release 2.3, 39):" in out
    assert "Rules in the catalogue (0):" in out
    code, _, err = run(capsys, "explain", "9332", "--release", "2.3")  # a 3.2-only code
    assert code == 2 and "of release 2.3" in err
    code, _, err = run(capsys, "explain", "0001", "--release", "3.1")
    assert code == 2 and "unknown release '3.1'" in err


def test_retour_answers_no_2_3_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = _write(tmp_path, "jw301.xml", catalogue_document("JW301", "2.3"))
    code, out, err = run(capsys, "retour", str(source))
    assert code == 1 and out == ""
    assert "iJw release 2.3, which the exchange no longer carries" in err


def test_retour_states_the_configured_versions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _write(
        tmp_path,
        "releases.toml",
        b'[release."3.2"]\nxsd_versie_retour = { basisschema = "1.0.2", bericht = "1.1.0" }\n'
        b'xslt_versie = "2.0.0"\n',
    )
    monkeypatch.setenv("IJW_RELEASES", str(config))
    source = _write(tmp_path, "jw305.xml", builders.to_bytes(builders.jw305()))
    code, out, _ = run(capsys, "retour", str(source))
    assert code == 0
    root = etree.fromstring(out.encode())
    assert next(root.iter("{*}XsltVersie")).text == "2.0.0"
    versie = next(root.iter("{*}XsdVersieRetour"))
    assert [e.text for e in versie] == ["1.0.2", "1.1.0"]


def test_a_bad_releases_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _write(tmp_path, "releases.toml", b'[[freeze]]\nrelease = "3.2"\n')
    monkeypatch.setenv("IJW_RELEASES", str(config))
    source = _write(tmp_path, "jw305.xml", builders.to_bytes(builders.jw305()))
    code, out, err = run(capsys, "retour", str(source))
    assert code == 2 and out == ""
    assert "IJW_RELEASES" in err and "releases.toml" in err and "start" in err
