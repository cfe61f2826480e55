"""The party directory: keys, the parties file, the ZHZ example and the CLI."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.errors import ConfigurationError, NotFound, UsageError
from ijw_gateway.fixtures.zhz import MUNICIPALITIES
from ijw_gateway.parties import (
    embedded_directory,
    hash_key,
    kind_of,
    new_key,
    parse_directory,
    split_key,
    verify,
)
from ijw_gateway.store import Store
from tests.service.conftest import PARTIES, ROOT, demo_key


def test_a_new_key_verifies_and_its_hash_does_not_reveal_it() -> None:
    text, hashed = new_key("k-1")
    key_id, secret = split_key(text) or ("", "")
    assert key_id == "k-1" and verify(secret, hashed.salt, hashed.digest)
    assert secret not in hashed.to_text()
    assert not verify(secret + "x", hashed.salt, hashed.digest)
    assert hash_key("k-1", secret).digest != hashed.digest  # a fresh salt each time


@pytest.mark.parametrize("text", ["", "ijw.k", "bearer.k.s", "ijw..s", "ijw.k!.s", "ijw.k."])
def test_malformed_keys_are_not_keys(text: str) -> None:
    assert split_key(text) is None


def test_codes_decide_the_kind() -> None:
    assert kind_of("0505") == "gemeente" and kind_of("12345678") == "aanbieder"
    with pytest.raises(UsageError):
        kind_of("123")


@pytest.mark.parametrize(
    "text",
    [
        '[[party]]\nname = "x"\n',
        '[[party]]\ncode = "12"\n',
        '[[party]]\ncode = "0505"\nkeys = [{ id = "a", hash = "md5$x$y" }]\n',
        '[[party]]\ncode = "0505"\n[[party]]\ncode = "0505"\n',
        "not toml [",
    ],
)
def test_a_bad_parties_file_is_a_configuration_error(text: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_directory(text)


def test_the_zhz_example_holds_the_region_and_the_contracted_providers() -> None:
    parties = {p.code: p for p in embedded_directory()}
    contracts = tomllib.loads((ROOT / "examples" / "zhz" / "contracts.toml").read_text())
    providers = {p["agb"] for p in contracts["providers"]}
    assert set(MUNICIPALITIES) | providers == set(parties)
    for code, party in parties.items():
        (key,) = party.keys
        secret = (split_key(demo_key(code)) or ("", ""))[1]
        assert verify(secret, key.salt, key.digest)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def test_cli_manages_parties_and_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("IJW_DATABASE_URL", url)
    assert _cli(capsys, "parties", "add", "98769999", "--name", "Nieuw")[0] == 0
    status, out = _cli(capsys, "parties", "key", "add", "98769999", "--id", "nieuw-1")
    assert status == 0 and out.startswith("ijw.nieuw-1.")
    store = Store.open(url)
    assert store.authenticate(out.strip()) == "98769999"
    assert _cli(capsys, "parties", "endpoint", "98769999", "http://127.0.0.1:9/in")[0] == 0
    status, listing = _cli(capsys, "parties", "list")
    assert "98769999\taanbieder\tNieuw\thttp://127.0.0.1:9/in\tkeys: nieuw-1" in listing
    assert _cli(capsys, "parties", "key", "revoke", "nieuw-1")[0] == 0
    assert store.authenticate(out.strip()) is None
    assert _cli(capsys, "parties", "load", str(PARTIES))[0] == 0
    assert store.authenticate(demo_key("0505")) == "0505"
    assert _cli(capsys, "parties", "key", "revoke", "nope")[0] == NotFound.exit_code
    store.dispose()


def test_cli_db_upgrade_and_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'db.db'}")
    status, out = _cli(capsys, "db", "upgrade")
    assert status == 0 and "revision 0002" in out
    status, out = _cli(capsys, "db", "current")
    assert status == 0 and out.strip() == "current 0002; newest 0002"
