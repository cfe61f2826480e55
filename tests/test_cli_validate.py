"""``ijw-gateway validate``: exit status, output formats, inputs, and what output never shows.

The command's contract is tested with a schema-only validator, so that these tests do not
move with the rule set; one test runs the fully wired pipeline.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import ijw_gateway.cli._history as history_option
from ijw_gateway import cli
from ijw_gateway.contracts import default_contracts_path
from ijw_gateway.findings import MAX_FINDINGS
from ijw_gateway.fixtures import builders
from ijw_gateway.runtime import build_registry
from ijw_gateway.validation import Validator

REPORT_KEYS = {
    "file",
    "message",
    "release",
    "schema_valid",
    "accepted",
    "retourcodes",
    "findings",
    "findings_omitted",
}
FINDING_KEYS = {"level", "rule", "retourcode", "path", "line", "text"}
VALID = builders.to_bytes(builders.jw305())  # valid, also for the within-message rules


def wired(test: Callable[..., None]) -> Callable[..., None]:
    """Marks a test that runs the command with the fully wired validator."""
    test.wired = True  # type: ignore[attr-defined]
    return test


@pytest.fixture(autouse=True)
def schema_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if getattr(request.function, "wired", False):
        return

    def build(schema_dir: Path | None = None, **_: object) -> Validator:
        return Validator(build_registry(schema_dir))

    monkeypatch.setattr(history_option, "build_validator", build)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def json_lines(out: str) -> list[dict[str, Any]]:
    reports = [json.loads(line) for line in out.splitlines()]
    for report in reports:
        assert set(report) == REPORT_KEYS
        for finding in report["findings"]:
            assert set(finding) == FINDING_KEYS
    return reports


def _invalid() -> bytes:
    return _with_values(VALID, {"Geslacht": "9"})  # not in code list COD046


def _with_values(data: bytes, values: dict[str, str]) -> bytes:
    root = etree.fromstring(data)
    for name, value in values.items():
        for element in root.iter(f"{{*}}{name}"):
            element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def valid_sample(shared_samples_dir: Path) -> Path:
    return shared_samples_dir / "jw301.xml"


# --- exit status ---------------------------------------------------------------------


def test_all_accepted_exits_0(capsys: pytest.CaptureFixture[str], valid_sample: Path) -> None:
    code, out, _ = run(capsys, "validate", str(valid_sample))
    assert code == 0
    assert out.strip() == f"{valid_sample}: JW301 — accepted"


@wired
def test_the_wired_pipeline_accepts_a_valid_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "m.xml").write_bytes(VALID)
    code, out, _ = run(capsys, "validate", str(tmp_path / "m.xml"))
    assert (code, out.strip()) == (0, f"{tmp_path / 'm.xml'}: JW305 — accepted")


def test_any_rejected_exits_1(
    capsys: pytest.CaptureFixture[str], valid_sample: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_invalid())
    code, out, _ = run(capsys, "validate", str(valid_sample), str(bad))
    assert code == 1
    assert "JW301 — accepted" in out and "JW305 — REJECTED" in out


def test_a_published_invalid_sample_exits_1(
    capsys: pytest.CaptureFixture[str], shared_samples_dir: Path
) -> None:
    code, out, _ = run(capsys, "validate", str(shared_samples_dir / "jw315.xml"))
    assert code == 1
    assert "line 44: /Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]" in out


def test_a_missing_path_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nowhere.xml"))
    assert code == 2
    assert "nowhere.xml: no such file or directory" in err


@pytest.mark.parametrize(
    "args",
    [["validate"], ["validate", "--no-such-option", "x.xml"], ["no-such-command"], []],
    ids=["no-paths", "unknown-option", "unknown-command", "nothing"],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err  # click explains what is wrong


def test_an_internal_error_exits_3_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def explode(self: Validator, data: bytes, file: str = "") -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Validator, "validate", explode)
    (tmp_path / "m.xml").write_bytes(VALID)
    code, _, err = run(capsys, "validate", str(tmp_path / "m.xml"))
    assert code == 3
    assert "internal error (RuntimeError)" in err


def test_a_failure_while_building_the_validator_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(schema_dir: Path | None = None, **_: object) -> Validator:
        raise KeyError("surprise")

    monkeypatch.setattr(history_option, "build_validator", broken)
    (tmp_path / "m.xml").write_bytes(VALID)
    code, _, err = run(capsys, "validate", str(tmp_path / "m.xml"))
    assert code == 3 and "KeyError" in err


# --- output formats --------------------------------------------------------------------


def test_json_prints_one_object_per_file(
    capsys: pytest.CaptureFixture[str], valid_sample: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_invalid())
    code, out, _ = run(capsys, "validate", "--json", str(valid_sample), str(bad))
    assert code == 1
    good, rejected = json_lines(out)
    assert good == {
        "file": str(valid_sample),
        "message": "JW301",
        "release": "3.2",
        "schema_valid": True,
        "accepted": True,
        "retourcodes": [],
        "findings": [],
        "findings_omitted": 0,
    }
    assert rejected["accepted"] is False and rejected["message"] == "JW305"
    (finding,) = rejected["findings"]
    assert finding["level"] == "schema"
    assert finding["path"] == "/Bericht/Client/Geslacht"
    assert isinstance(finding["line"], int) and finding["line"] > 1


def test_human_output_shows_type_verdict_and_each_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_invalid())
    line = next(i for i, t in enumerate(_invalid().splitlines(), 1) if b"Geslacht" in t)
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    head, where, explanation = out.splitlines()
    assert head == f"{bad}: JW305 — REJECTED"
    assert where == f"  line {line}: /Bericht/Client/Geslacht (schema)"
    assert "<Geslacht> holds a code that is not in its code list" in explanation


def test_a_file_that_is_not_xml_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "garbage.xml").write_bytes(b"\xff\x00\x13 binary")
    code, out, _ = run(capsys, "validate", "--json", str(tmp_path / "garbage.xml"))
    assert code == 1
    (report,) = json_lines(out)
    assert report["message"] is None and report["findings"][0]["level"] == "xml"


# --- inputs ----------------------------------------------------------------------------


def test_directories_are_walked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deeper").mkdir()
    (tmp_path / "a" / "one.xml").write_bytes(VALID)
    (tmp_path / "a" / "deeper" / "two.XML").write_bytes(VALID)
    (tmp_path / "a" / "notes.txt").write_text("not a message")
    code, out, _ = run(capsys, "validate", "--json", str(tmp_path))
    assert code == 0
    files = [r["file"] for r in json_lines(out)]
    assert files == [str(tmp_path / "a" / "deeper" / "two.XML"), str(tmp_path / "a" / "one.xml")]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_is_validated_per_member(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    members = {f"m{i:02}.xml": VALID for i in range(29)} | {"bad.xml": _invalid()}
    archive = _zip(tmp_path / "archive.zip", members)
    code, out, _ = run(capsys, "validate", "--json", str(archive))
    assert code == 1
    reports = {r["file"]: r for r in json_lines(out)}
    assert len(reports) == 30
    assert reports[f"{archive}!m00.xml"]["accepted"] is True
    assert reports[f"{archive}!bad.xml"]["accepted"] is False


def test_a_zip_with_more_than_30_members_is_one_rejection(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = _zip(tmp_path / "big.zip", {f"m{i:02}.xml": VALID for i in range(31)})
    code, out, _ = run(capsys, "validate", "--json", str(archive))
    assert code == 1
    (report,) = json_lines(out)
    assert report["file"] == str(archive) and report["accepted"] is False
    assert "31" in report["findings"][0]["text"]


def test_a_zip_member_over_25_mb_is_a_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"huge.xml": b" " * (26 * 1024 * 1024)})
    code, out, _ = run(capsys, "validate", "--json", str(archive))
    assert code == 1
    (report,) = json_lines(out)
    assert report["file"] == f"{archive}!huge.xml"
    assert report["findings"][0]["rule"] == "OP179"


def test_a_non_zip_named_zip_is_a_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "fake.zip").write_bytes(VALID)
    code, out, _ = run(capsys, "validate", "--json", str(tmp_path / "fake.zip"))
    assert code == 1
    (report,) = json_lines(out)
    assert "not a readable zip archive" in report["findings"][0]["text"]


def test_a_dash_reads_one_message_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(VALID)))
    code, out, _ = run(capsys, "validate", "-")
    assert (code, out.strip()) == (0, "<stdin>: JW305 — accepted")


def test_a_directory_without_messages_exits_2_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "notes.txt").write_text("not a message")
    code, out, err = run(capsys, "validate", str(tmp_path / "inbox"))
    assert (code, out) == (2, "")
    assert f"{tmp_path / 'inbox'}: the directory holds no .xml or .zip file" in err


# --- contracts: a choice ---------------------------------------------------------------

OFFICIAL = ("jw301.xml", "jw305.xml", "jw307.xml")


@wired
def test_the_standard_alone_judges_unless_contracts_are_given(
    capsys: pytest.CaptureFixture[str], shared_samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The official example allocation, start and stop pass the standard; the example
    region's contracts refuse them (their providers and products are not contracted)."""
    samples = [str(shared_samples_dir / name) for name in OFFICIAL]
    code, out, _ = run(capsys, "validate", "--json", *samples)
    assert code == 0 and all(r["accepted"] for r in json_lines(out))
    zhz = str(default_contracts_path())
    code, out, _ = run(capsys, "validate", "--json", "--contracts", zhz, *samples)
    assert code == 1
    for report in json_lines(out):
        assert {f["level"] for f in report["findings"]} == {"contract"}
    monkeypatch.setenv("IJW_CONTRACTS", zhz)
    code, out, _ = run(capsys, "validate", *samples)
    assert code == 1 and out.count("CONTRACT-MATCH") == 3


@wired
def test_contracts_that_cannot_be_used_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_cwd: Path
) -> None:
    (tmp_cwd / "m.xml").write_bytes(VALID)
    code, _, err = run(capsys, "validate", "--contracts", "missing.toml", "m.xml")
    assert code == 2 and "missing.toml does not exist" in err
    refused = default_contracts_path().read_text(encoding="utf-8")
    refused = refused.replace("[region]", '[region]\nconditions = { attachments = ["plan"] }')
    (tmp_cwd / "refused.toml").write_text(refused, encoding="utf-8")
    code, _, err = run(capsys, "validate", "--contracts", "refused.toml", "m.xml")
    assert code == 2 and "region.conditions.attachments: refused" in err
    assert not (tmp_cwd / "ijw-refusals.jsonl").exists()  # a check records nothing


@wired
def test_validating_records_no_refusals_however_often_it_runs(
    capsys: pytest.CaptureFixture[str], tmp_cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = VALID.replace(b"<jw305:Client>", b"<jw305:Client><?demand x?>", 1)
    (tmp_cwd / "extra.xml").write_bytes(extra)
    for _ in range(2):
        code, out, _ = run(capsys, "validate", "extra.xml")
        assert code == 1 and "NO-EXTRA-DATA" in out
    monkeypatch.setenv("IJW_REFUSAL_LOG", str(tmp_cwd / "configured.jsonl"))
    assert run(capsys, "validate", "extra.xml")[0] == 1
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["extra.xml"]


# --- language ----------------------------------------------------------------------------


@wired
@pytest.mark.parametrize(
    ("lang", "rule", "schema"),
    [
        ("nl", "Het burgerservicenummer (Bsn) van een cliënt", "<Geslacht> bevat een code die"),
        ("en", "A client's citizen service number (Bsn)", "<Geslacht> holds a code that"),
    ],
)
def test_findings_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], tmp_cwd: Path, lang: str, rule: str, schema: str
) -> None:
    (tmp_cwd / "bsn.xml").write_bytes(builders.to_bytes(builders.jw305(bsn="123456789")))
    (tmp_cwd / "code.xml").write_bytes(_invalid())
    code, out, _ = run(capsys, "validate", "--json", "--lang", lang, "bsn.xml", "code.xml")
    bsn, geslacht = json_lines(out)
    assert code == 1
    assert str(bsn["findings"][0]["text"]).startswith(rule)
    assert str(geslacht["findings"][0]["text"]).startswith(schema)


# --- schema bundles --------------------------------------------------------------------


def test_the_published_schemas_can_be_used(
    capsys: pytest.CaptureFixture[str], shared_xsd_dir: Path, shared_samples_dir: Path
) -> None:
    code, out, _ = run(
        capsys, "validate", "--json", "--schemas", str(shared_xsd_dir), str(shared_samples_dir)
    )
    assert code == 1  # jw315 and jw318 fail their schema
    verdicts = {Path(r["file"]).name: r["schema_valid"] for r in json_lines(out)}
    assert len(verdicts) == 14
    assert {name for name, valid in verdicts.items() if not valid} == {"jw315.xml", "jw318.xml"}


def test_a_directory_without_schemas_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "m.xml").write_bytes(VALID)
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "validate", "--schemas", str(tmp_path / "empty"), str(tmp_path))
    assert code == 2 and out == ""
    assert "lacks the schemas of JW301" in err and "jw301.xsd" in err


def test_a_missing_schema_directory_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "m.xml").write_bytes(VALID)
    code, _, err = run(capsys, "validate", "--schemas", str(tmp_path / "nope"), str(tmp_path))
    assert code == 2 and "does not exist" in err


# --- privacy ---------------------------------------------------------------------------

BSN = "12345678X"
NAME = "Zwartjes-van-der-Heuvelenbroek" * 7  # 210 characters, over LDT_Naam's 200


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_findings_never_echo_bsn_or_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, as_json: bool
) -> None:
    message = tmp_path / "private.xml"
    message.write_bytes(
        _with_values(builders.to_bytes(builders.jw301()), {"Bsn": BSN, "Achternaam": NAME})
    )
    args = ["validate", *(["--json"] if as_json else []), str(message)]
    code, out, err = run(capsys, *args)
    assert code == 1
    assert "Bsn" in out and "Achternaam" in out  # the elements are named ...
    assert BSN not in out + err and NAME[:30] not in out + err  # ... their values are not


# --- the findings cap ------------------------------------------------------------------


def foreign_attributes(count: int) -> bytes:
    """A JW305 whose Client carries ``count`` attributes of a foreign namespace: one
    schema finding each (two with the no-extra-data screen)."""
    names = b" ".join(b'f:a%d="x"' % i for i in range(count))
    start = b"<jw305:Client>"
    assert start in VALID
    return VALID.replace(start, b'<jw305:Client xmlns:f="urn:foreign" ' + names + b">", 1)


def test_findings_beyond_the_cap_are_counted_not_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "many.xml"
    path.write_bytes(foreign_attributes(MAX_FINDINGS + 234))
    code, out, _ = run(capsys, "validate", "--json", str(path))
    (report,) = json_lines(out)
    assert code == 1
    assert len(report["findings"]) == MAX_FINDINGS
    assert report["findings_omitted"] == 234
    code, out, _ = run(capsys, "validate", str(path))
    assert out.count("\n  line ") == MAX_FINDINGS
    assert f"… and 234 more findings, not listed (at most {MAX_FINDINGS} per message" in out


def test_under_the_cap_nothing_is_omitted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "some.xml"
    path.write_bytes(foreign_attributes(MAX_FINDINGS))
    _, out, _ = run(capsys, "validate", "--json", str(path))
    (report,) = json_lines(out)
    assert len(report["findings"]) == MAX_FINDINGS
    assert report["findings_omitted"] == 0
    _, out, _ = run(capsys, "validate", str(path))
    assert "more findings" not in out
