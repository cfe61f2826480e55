"""``ijw-gateway conformance run``: exit status, summary table and JUnit XML."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.cli import main
from ijw_gateway.fixtures.manifest import Manifest
from ijw_gateway.schemas import SchemaRegistry
from tests.support.conformance_apps import Receiver, served, verdict_app

ONLY_319 = ["--only", "jw319/*"]


def _run(suite: Path, *extra: str) -> int:
    return main(["conformance", "run", "--target", "local", "--suite", str(suite), *extra])


def test_a_conforming_target_exits_0_and_writes_junit(
    suite_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "junit.xml"
    assert _run(suite_dir, *ONLY_319, "--junit", str(report)) == 0
    out = capsys.readouterr().out
    assert "JW319" in out and "total" in out
    root = etree.fromstring(report.read_bytes())
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "ijw-conformance.JW319"
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "0")) == len(cases) > 10
    assert suite.get("failures") == "0"
    assert (root.get("tests"), root.get("failures")) == (suite.get("tests"), "0")  # totals


def test_a_differing_answer_exits_1_and_is_a_junit_failure(
    suite_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(suite_dir, suite)
    manifest = json.loads((suite / "manifest.json").read_text(encoding="utf-8"))
    target = next(f for f in manifest["fixtures"] if f["file"].startswith("jw319/invalid/CD085"))
    target.update(accepted=True, rules=[], retourcodes=[], level="valid")
    (suite / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = tmp_path / "junit.xml"
    assert _run(suite, *ONLY_319, "--junit", str(report)) == 1
    out = capsys.readouterr().out
    assert f"FAILED {target['file']}" in out and "unexpected retourcodes 0001" in out
    failures = etree.fromstring(report.read_bytes()).findall(".//failure")
    assert len(failures) == 1 and "CD085" in (failures[0].text or "")


def test_usage_errors_exit_2(tmp_path: Path, suite_dir: Path) -> None:
    assert _run(tmp_path) == 2  # no manifest
    assert _run(suite_dir, "--only", "nothing/matches/*") == 2
    assert main(["conformance", "run", "--target", "gopher://x", "--suite", str(suite_dir)]) == 2


def test_an_http_target_with_per_party_keys(
    manifest: Manifest,
    registry: SchemaRegistry,
    suite_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    receiver = Receiver(manifest, registry)
    with served(verdict_app(receiver)) as url:
        status = main(["conformance", "run", "--target", url, "--suite", str(suite_dir),
                       "--only", "sequences/flow-segment-4b-*", "--skip-answers",
                       "--api-key-template", "key-{party}", "--api-key", "0505=dordrecht"])  # fmt: skip
    assert status == 0, capsys.readouterr().out
    assert set(receiver.keys) == {"Bearer dordrecht", "Bearer key-12345678"}
    assert len(receiver.keys) == 5  # the flow's heen messages only


def test_the_suite_is_found_from_any_directory(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance", "run", "--target", "local", *ONLY_319]) == 0
    assert "JW319" in capsys.readouterr().out


def test_an_install_without_the_checkout_runs_the_generated_suite(
    tmp_cwd: Path,
    suite_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wheel has no fixtures/: the runner writes the suite its builders generate (the
    same files as the checked-in suite) into a temporary directory and runs that."""
    import ijw_gateway.conformance.suites as command

    report = tmp_cwd / "junit.xml"
    monkeypatch.setattr(command, "checkout_suite", lambda: tmp_cwd / "no-checkout")
    assert main(["conformance", "run", "--target", "local", *ONLY_319, "--junit", str(report)]) == 0
    generated = etree.fromstring(report.read_bytes()).findall(".//testcase")
    assert _run(suite_dir, *ONLY_319, "--junit", str(report)) == 0
    checked_in = etree.fromstring(report.read_bytes()).findall(".//testcase")
    assert [c.get("name") for c in generated] == [c.get("name") for c in checked_in]
    assert list(tmp_cwd.iterdir()) == [report]  # the generated suite is gone again
