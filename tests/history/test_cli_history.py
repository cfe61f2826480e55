"""``ijw-gateway validate --history DIR PATH...``: replay a directory, then check PATHs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject

STOPPED = "2026-03-25"  # the builder's stop ends 2026-03-20; its message comes later


def _write(folder: Path, name: str, model: JsonObject) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b.to_bytes(model))
    return path


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """A history directory whose file names give the order: allocation, then start."""
    folder = tmp_path / "history"
    _write(folder, "02-start.xml", b.jw305())
    _write(folder, "01-allocation.xml", b.jw301())
    return folder


def test_replayed_history_is_summarised_on_stderr(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    assert main(["validate", "--history", str(earlier), str(stop)]) == 0
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "01-allocation.xml: JW301 accepted" in lines[0]
    assert "02-start.xml: JW305 accepted" in lines[1]
    assert "JW307 — accepted" in out


def test_paths_are_checked_against_the_history_and_recorded_in_order(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = _write(tmp_path / "new", "a-stop.xml", b.jw307(dagtekening=STOPPED))
    again = _write(tmp_path / "new", "b-stop-again.xml", b.jw307("T307-2", dagtekening=STOPPED))
    code = main(["validate", "--json", "--history", str(earlier), str(stop), str(again)])
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert reports[0]["accepted"] is True
    assert reports[1]["retourcodes"] == ["9074", "9415"]


def test_start_for_another_product_is_refused_with_9019(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "history"
    _write(folder, "01.xml", b.jw301())
    start = _write(tmp_path, "start.xml", b.jw305(starts=[b.start_product(code="45A02")]))
    assert main(["validate", "--history", str(folder), str(start)]) == 1
    assert "9019" in capsys.readouterr().out


def test_without_history_no_cross_message_rules_run(tmp_path: Path) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    assert main(["validate", str(stop)]) == 0


def test_a_database_url_is_not_supported_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    url = "postgresql://user:secret@localhost/ijw"
    assert main(["validate", "--history", url, str(stop)]) == 2
    err = capsys.readouterr().err
    assert "database histories arrive with the gateway store" in err
    assert "secret" not in err


def test_history_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    assert main(["validate", "--history", str(tmp_path / "nope"), str(stop)]) == 2
    assert "not a directory" in capsys.readouterr().err
