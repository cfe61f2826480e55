"""``contracts check`` exit codes and messages; the refusal log and its report."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.config import Settings
from ijw_gateway.contracts import MemoryRefusalLog, Refusal, default_contracts_path, summarise
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.refusallog import JsonlRefusalLog
from ijw_gateway.runtime import contract_book
from tests.support.contract_support import TEST_REGION, write


def _refusal(municipality: str | None, on: str | None, source: str = "message") -> Refusal:
    return Refusal(
        source="contract" if source == "contract" else "message",
        municipality=municipality,
        provider="12345678",
        on=date.fromisoformat(on) if on else None,
        subject="JW301 T1",
        what="element Extra from a foreign namespace (urn:x) at /Bericht/Client/Extra",
        rule="NO-EXTRA-DATA",
        why="content outside the iJw standard",
    )


# --- contracts check ----------------------------------------------------------------


def test_check_accepts_the_zhz_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "check", str(default_contracts_path())]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "10 municipalities, 9 segments" in out


def test_check_lists_every_problem_as_file_line_field_reason(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TEST_REGION.replace('agb = "87654321"', 'agb = "8765"').replace(
        'unit = "01", tariff = 150', 'unit = "01", tariff = "150"'
    )
    path = write(tmp_cwd, text)
    assert main(["contracts", "check", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert f"{path}:" in lines[0] and len(lines) == 2
    assert any(": providers[1].agb: '8765' does not have the form" in line for line in lines)
    assert any("providers[0].contracts[0].products[0].tariff: must be a whole" in x for x in lines)
    assert "2 problems; not usable" in captured.err
    assert not (tmp_cwd / "ijw-refusals.jsonl").exists()  # nothing refused under the rule


def test_check_records_refused_terms(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TEST_REGION.replace('ref = "E-1"', 'ref = "E-1"\nconditions = { attachments = ["x"] }')
    path = write(tmp_cwd, text)
    log = tmp_cwd / "log.jsonl"
    assert main(["contracts", "check", str(path), "--log", str(log)]) == 1
    assert "Regeling Jeugdwet art. 6c.1" in capsys.readouterr().out
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {r["municipality"] for r in records} == {"0505", "0482"}
    assert all(r["source"] == "contract" and r["recorded_at"] for r in records)


def test_check_records_nothing_unless_asked_and_the_same_terms_once(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check only looks: checking a draft again and again must not inflate the report."""
    text = TEST_REGION.replace('ref = "E-1"', 'ref = "E-1"\nconditions = { attachments = ["x"] }')
    path = write(tmp_cwd, text)
    monkeypatch.setenv("IJW_REFUSAL_LOG", str(tmp_cwd / "configured.jsonl"))
    assert main(["contracts", "check", str(path)]) == 1
    assert sorted(p.name for p in tmp_cwd.iterdir()) == [path.name]
    log = tmp_cwd / "log.jsonl"
    for _ in range(3):
        assert main(["contracts", "check", str(path), "--log", str(log)]) == 1
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2  # one per municipality


def test_check_of_a_syntax_error_exits_1(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_cwd, "[region\n")
    assert main(["contracts", "check", str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}:1: (syntax): not valid TOML")


def test_check_of_a_missing_file_exits_2(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "check", str(tmp_cwd / "none.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- runtime loading ------------------------------------------------------------------


def test_ijw_contracts_overrides_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, TEST_REGION)
    assert contract_book(Settings.from_env({"IJW_CONTRACTS": str(path)})).region.code == "TST"
    assert contract_book(Settings.from_env({})).region.code == "ZHZ"


def test_the_book_is_loaded_once_per_file_version(tmp_path: Path) -> None:
    path = write(tmp_path, TEST_REGION)
    settings = Settings(contracts=path)
    assert contract_book(settings) is contract_book(settings)
    first = contract_book(settings)
    path.write_text(TEST_REGION.replace('name = "Testregio"', 'name = "Nieuw"'), encoding="utf-8")
    assert contract_book(settings) is not first
    assert contract_book(settings).region.name == "Nieuw"


def test_a_refused_configuration_stops_the_gateway_and_is_recorded(tmp_path: Path) -> None:
    text = TEST_REGION.replace('ref = "O-1"', 'ref = "O-1"\nconditions = { side_reports = ["x"] }')
    log = tmp_path / "log.jsonl"
    settings = Settings(contracts=write(tmp_path, text), refusal_log=log)
    with pytest.raises(ConfigurationError, match="side_reports"):
        contract_book(settings)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2


def test_a_missing_contract_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        contract_book(Settings(contracts=tmp_path / "missing.toml"))


def test_the_command_line_reads_ijw_contracts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The environment is read at the edge: ``validate`` uses the IJW_CONTRACTS file,
    while ``runtime`` below it keeps to the settings it is given."""
    from ijw_gateway.fixtures import builders

    message = tmp_path / "m.xml"
    message.write_bytes(builders.to_bytes(builders.jw301()))
    monkeypatch.setenv("IJW_CONTRACTS", str(tmp_path / "missing.toml"))
    assert contract_book().region.code == "ZHZ"  # below the edge: the defaults
    assert main(["validate", str(message)]) == 2
    assert "missing.toml" in capsys.readouterr().err


# --- the refusal log -----------------------------------------------------------------


def test_jsonl_log_round_trips_and_filters_by_date(tmp_path: Path) -> None:
    log = JsonlRefusalLog(tmp_path / "r.jsonl")
    assert log.refusals() == []
    for on in ("2026-02-10", "2026-03-05", None):
        log.record(_refusal("0505", on))
    assert len(log.refusals()) == 3
    march = log.refusals(date(2026, 3, 1), date(2026, 3, 31))
    assert [r.on for r in march if r.on] == [date(2026, 3, 5)]
    recorded = log.refusals()[0]
    assert recorded.recorded_at is not None and recorded.subject == "JW301 T1"


def test_jsonl_log_refuses_a_corrupt_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("{}\nnot json\n", encoding="utf-8")
    with pytest.raises(UsageError, match=":2: not a refusal record"):
        JsonlRefusalLog(path).refusals()


def test_memory_log_keeps_stamped_refusals() -> None:
    log = MemoryRefusalLog()
    log.record(_refusal("0505", "2026-03-01"))
    assert log.refusals(end=date(2026, 2, 1)) == []
    assert log.items[0].recorded_at is not None


def test_summary_counts_per_municipality_and_month() -> None:
    rows = summarise(
        [
            _refusal("0505", "2026-03-02"),
            _refusal("0505", "2026-03-20"),
            _refusal("0505", "2026-04-01", "contract"),
            _refusal("0482", "2026-03-02", "contract"),
            _refusal(None, None),
        ]
    )
    as_tuples = [(r.municipality, r.period, r.messages, r.contract_terms) for r in rows]
    assert as_tuples == [
        ("-", "-", 1, 0),
        ("0482", "2026-03", 0, 1),
        ("0505", "2026-03", 2, 0),
        ("0505", "2026-04", 0, 1),
    ]


# --- report no-extra-data --------------------------------------------------------------


def _log_with_refusals(path: Path) -> Path:
    log = JsonlRefusalLog(path)
    log.record(_refusal("0505", "2026-03-02"))
    log.record(_refusal("0505", "2026-03-09"))
    log.record(_refusal("1963", "2026-04-01", "contract"))
    undated = _refusal("0482", None)  # counted in the month it was recorded
    log.record(replace(undated, recorded_at=datetime(2026, 1, 5, tzinfo=UTC)))
    return path


def test_report_summarises_per_municipality_and_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log_with_refusals(tmp_path / "r.jsonl")
    assert main(["report", "no-extra-data", "--log", str(log)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Jeugdwet art. 2.15 lid 2 with Regeling Jeugdwet art. 6c.1" in out[0]
    dordrecht = next(line for line in out if line.startswith("0505 Dordrecht"))
    assert dordrecht.split()[-4:] == ["2026-03", "2", "0", "2"]
    assert any(line.startswith("1963 Hoeksche Waard") for line in out)
    assert out[-1].split()[-3:] == ["3", "1", "4"]


def test_report_filters_by_period_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log_with_refusals(tmp_path / "r.jsonl")
    args = ["report", "no-extra-data", "--log", str(log), "--from", "2026-03-01"]
    assert main([*args, "--to", "2026-03-31", "--json", "--details"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["from"] == "2026-03-01" and data["total"] == 2
    assert data["rows"] == [
        {
            "municipality": "0505",
            "name": "Dordrecht",
            "period": "2026-03",
            "messages": 2,
            "contract_terms": 0,
            "total": 2,
        }
    ]
    assert len(data["refusals"]) == 2


def test_report_details_list_each_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log_with_refusals(tmp_path / "r.jsonl")
    assert main(["report", "no-extra-data", "--log", str(log), "--details"]) == 0
    out = capsys.readouterr().out
    assert "2026-03-02 0505 12345678 JW301 T1: element Extra" in out


def test_report_without_refusals_and_with_a_missing_log(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "no-extra-data"]) == 0  # default log, nothing recorded yet
    assert capsys.readouterr().out.splitlines()[-1].split()[-3:] == ["0", "0", "0"]
    assert main(["report", "no-extra-data", "--log", str(tmp_cwd / "none.jsonl")]) == 2
    assert main(["report", "no-extra-data", "--from", "March"]) == 2


def _stored(folder: Path) -> str:
    """A gateway database holding two refusals of Dordrecht in March 2026; its URL."""
    from ijw_gateway.store import Store
    from ijw_gateway.store.refusals import StoreRefusalLog

    url = f"sqlite:///{folder / 'gateway.db'}"
    store = Store.open(url)
    store.upgrade()
    stored = StoreRefusalLog(store.session)
    for refusal in (_refusal("0505", "2026-03-02"), _refusal("0505", "2026-03-09")):
        stored.record(refusal)
    store.dispose()
    return url


def test_report_reads_the_database_of_ijw_database_url(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", _stored(tmp_cwd))
    assert main(["report", "no-extra-data", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert (body["log"], body["total"]) == ("sqlite://…", 2)
    log = _log_with_refusals(tmp_cwd / "r.jsonl")  # a log named on the command line wins
    assert main(["report", "no-extra-data", "--json", "--log", str(log)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert (body["log"], body["total"]) == (str(log), 4)
    args = ["report", "no-extra-data", "--log", str(log), "--database", "sqlite://"]
    assert main(args) == 2


def test_report_refuses_a_period_that_ends_before_it_starts(
    tmp_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "no-extra-data", "--from", "2026-04-01", "--to", "2026-03-31"]
    assert main(args) == 2
    assert "--from 2026-04-01 lies after --to 2026-03-31" in capsys.readouterr().err
    assert main([*args[:-1], "2026-04-01"]) == 0  # one day is a period


def test_report_reads_the_refusals_the_service_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _stored(tmp_path)
    assert main(["report", "no-extra-data", "--json", "--database", url]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["total"] == 2
    assert [(r["municipality"], r["period"], r["messages"]) for r in body["rows"]] == [
        ("0505", "2026-03", 2)
    ]
    assert body["log"] == "sqlite://…"  # the database is named without its details
    assert main(["report", "no-extra-data", "--database", url]) == 0
    assert any(line.startswith("0505 Dordrecht") for line in capsys.readouterr().out.splitlines())


_DETAIL_CHECK = (
    'conditions = { detail_checks = [{ purpose = "fraud-inquiry", risk_analysis = "RA-2026-07" }] }'
)


def _with_a_detail_check(folder: Path) -> Path:
    return write(folder, TEST_REGION.replace('ref = "E-1"', f'ref = "E-1"\n{_DETAIL_CHECK}'))


def test_report_lists_announced_detail_checks_as_lawful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_CONTRACTS", str(_with_a_detail_check(tmp_path)))
    log = _log_with_refusals(tmp_path / "r.jsonl")
    assert main(["report", "no-extra-data", "--log", str(log)]) == 0
    out = capsys.readouterr().out.splitlines()
    heading = out.index(
        "Lawful, not refused (Regeling Jeugdwet §6b): detail checks the contracts announce"
    )
    assert out[heading + 1 :] == [
        "  contract E-1 (provider 12345678; 0482, 0505): detail check for fraud inquiry "
        "after risk analysis 'RA-2026-07'"
    ]
    assert main(["report", "no-extra-data", "--log", str(log), "--json"]) == 0
    [lawful] = json.loads(capsys.readouterr().out)["lawful"]
    assert lawful == {
        "subject": "contract E-1",
        "provider": "12345678",
        "municipalities": ["0482", "0505"],
        "purpose": "fraud-inquiry",
        "risk_analysis": "RA-2026-07",
        "basis": "Regeling Jeugdwet §6b",
    }
