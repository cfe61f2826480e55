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


def _gateway_db(tmp_path: Path, *models: JsonObject) -> tuple[str, Path]:
    """A migrated gateway database whose history holds ``models`` (validated, recorded)."""
    from ijw_gateway.history.service import validate_and_record
    from ijw_gateway.runtime import build_validator
    from ijw_gateway.store import Store
    from ijw_gateway.store.history import StoreHistory

    path = tmp_path / "gateway.db"
    url = f"sqlite:///{path}"
    store = Store.open(url)
    store.upgrade()
    with store.session() as session:
        history = StoreHistory(session)
        validator = build_validator(history=history)
        for model in models:
            assert validate_and_record(validator, history, b.to_bytes(model)).accepted
    store.dispose()
    return url, path


def test_a_gateway_database_serves_as_history_and_stays_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, path = _gateway_db(tmp_path, b.jw301(), b.jw305())
    before = path.read_bytes()
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    again = _write(tmp_path, "stop-again.xml", b.jw307("T307-2", dagtekening=STOPPED))
    assert main(["validate", "--json", "--history", url, str(stop), str(again)]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["accepted"] is True  # the stop refers to the stored start
    assert "9074" in second["retourcodes"]  # the first stop counts for the second
    assert path.read_bytes() == before  # judged in a transaction that was rolled back


def test_without_the_stored_allocation_the_start_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = _gateway_db(tmp_path)
    start = _write(tmp_path, "start.xml", b.jw305())
    assert main(["validate", "--json", "--history", url, str(start)]) == 1
    assert "9019" in json.loads(capsys.readouterr().out)["retourcodes"]


def test_an_unreachable_database_is_a_clear_error_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    url = "postgresql+psycopg://user:secret@127.0.0.1:1/ijw"
    assert main(["validate", "--history", url, str(stop)]) not in (0, 1)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "secret" not in err


def test_history_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stop = _write(tmp_path, "stop.xml", b.jw307(dagtekening=STOPPED))
    assert main(["validate", "--history", str(tmp_path / "nope"), str(stop)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_a_file_under_test_is_not_replayed_from_the_history_against_itself(
    earlier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checking the last file of a sequence in place: the files before it are its history."""
    start = earlier / "02-start.xml"
    assert main(["validate", "--history", str(earlier), str(start)]) == 0
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [f"history: {earlier / '01-allocation.xml'}: JW301 accepted"]
    assert out.strip() == f"{start}: JW305 — accepted"  # not TR056 against itself


def test_a_whole_history_directory_under_test_is_judged_as_a_sequence(
    earlier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--history", str(earlier), str(earlier)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.count("accepted") == 2
