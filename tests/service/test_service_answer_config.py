"""Answer modes in the parties configuration: the file, the store, restarts, the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ijw_gateway.config import Settings
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.parties import answer_mode, check_answers, embedded_directory, parse_directory
from ijw_gateway.signatures import party_secret
from ijw_gateway.store import Store
from tests.support.procs import parties_file
from tests.support.service import AGB, GEMEENTE, PARTIES, restarted, run_cli


def test_the_zhz_example_shows_both_answer_modes() -> None:
    molenlanden = {p.code: p for p in embedded_directory()}["1978"]
    assert molenlanden.answers == (("JW315", "gateway"), ("JW323", "party"))
    assert answer_mode(molenlanden.answers, "JW323") == "party"
    assert answer_mode(molenlanden.answers, "JW315") == "gateway"
    assert answer_mode(molenlanden.answers, "JW305") == "gateway"  # unnamed: the gateway


@pytest.mark.parametrize(
    "answers",
    ['{ JW323 = "maybe" }', '{ "JW3230" = "party" }', '{ "0505" = "party" }', '"party"'],
)
def test_a_bad_answer_mode_is_a_configuration_error(answers: str) -> None:
    text = f'[[party]]\ncode = "0505"\nanswers = {answers}\n'
    with pytest.raises(ConfigurationError, match="party 0505: answer mode"):
        parse_directory(text)


def test_check_answers_is_bounded() -> None:
    with pytest.raises(UsageError):
        check_answers({f"JW3{n:02d}": "party" for n in range(40)})


def _modes(store: Store, code: str) -> tuple[tuple[str, str], ...]:
    party = store.party(code)
    assert party is not None
    return party.answers


def test_restarts_never_resurrect_an_answer_mode_set_by_hand(
    settings: Settings, tmp_path: Path
) -> None:
    path = parties_file(tmp_path, {})
    text = path.read_text(encoding="utf-8").replace(
        f'code = "{GEMEENTE}"\n', f'code = "{GEMEENTE}"\nanswers = {{ JW323 = "party" }}\n'
    )
    path.write_text(text, encoding="utf-8")
    settings = replace(settings, parties=path)
    store = restarted(settings)
    assert _modes(store, GEMEENTE) == (("JW323", "party"),)
    store.set_answer_mode(GEMEENTE, "JW323", "gateway")
    store.set_answer_mode(AGB, "JW301", "party")
    for _ in range(2):
        again = restarted(settings)
        assert _modes(again, GEMEENTE) == (("JW323", "gateway"),)
        assert _modes(again, AGB) == (("JW301", "party"),)
        again.dispose()
    path.write_text(text.replace('{ JW323 = "party" }', '{ JW315 = "party" }'), encoding="utf-8")
    changed = restarted(settings)
    assert _modes(changed, GEMEENTE) == (("JW315", "party"),)  # the file changed it
    assert _modes(changed, AGB) == (("JW301", "party"),)
    changed.dispose()
    store.dispose()


def test_the_cli_sets_and_lists_answer_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("IJW_PARTIES", str(PARTIES))
    status, listing = run_cli(capsys, "parties", "list")
    lines = {line.split("\t")[0]: line for line in listing.splitlines()}
    assert status == 0 and lines["1978"].endswith("\tanswers itself: JW323")
    assert lines[GEMEENTE].endswith("\tanswers: gateway")
    assert run_cli(capsys, "parties", "answers", GEMEENTE, "JW323", "party")[0] == 0
    listing = run_cli(capsys, "parties", "list")[1]
    assert f"{GEMEENTE}\tgemeente" in listing and "answers itself: JW323" in listing
    assert run_cli(capsys, "parties", "answers", GEMEENTE, "JWXXX", "party")[0] == 2
    assert run_cli(capsys, "parties", "answers", "9999", "JW323", "party")[0] != 0


def test_the_cli_shows_a_partys_push_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("IJW_PARTIES", str(PARTIES))
    assert run_cli(capsys, "parties", "push-secret", AGB)[0] == UsageError.exit_code
    monkeypatch.setenv("IJW_PUSH_SIGNING_KEY", "the signing key of this test")
    status, out = run_cli(capsys, "parties", "push-secret", AGB)
    assert status == 0 and out.strip() == party_secret("the signing key of this test", AGB)
    assert run_cli(capsys, "parties", "push-secret", "98769999")[0] == UsageError.exit_code
