"""The party directory: keys, the parties file, the ZHZ example and the CLI."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.config import Settings
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
from tests.support.procs import parties_file
from tests.support.service import AGB, GEMEENTE, PARTIES, demo_key, restarted, run_cli
from tests.support.shared_paths import ROOT


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


def test_cli_manages_parties_and_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("IJW_DATABASE_URL", url)
    assert run_cli(capsys, "parties", "add", "98769999", "--name", "Nieuw")[0] == 0
    status, out = run_cli(capsys, "parties", "key", "add", "98769999", "--id", "nieuw-1")
    assert status == 0 and out.startswith("ijw.nieuw-1.")
    store = Store.open(url)
    assert store.authenticate(out.strip()) == "98769999"
    assert run_cli(capsys, "parties", "endpoint", "98769999", "http://127.0.0.1:9/in")[0] == 0
    status, listing = run_cli(capsys, "parties", "list")
    assert "98769999\taanbieder\tNieuw\tpush\thttp://127.0.0.1:9/in\tkeys: nieuw-1" in listing
    assert run_cli(capsys, "parties", "key", "revoke", "nieuw-1")[0] == 0
    assert store.authenticate(out.strip()) is None
    assert run_cli(capsys, "parties", "load", str(PARTIES))[0] == 0
    assert store.authenticate(demo_key("0505")) == "0505"
    assert run_cli(capsys, "parties", "key", "revoke", "nope")[0] == NotFound.exit_code
    store.dispose()


def test_cli_db_upgrade_and_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'db.db'}")
    status, out = run_cli(capsys, "db", "upgrade")
    assert status == 0 and "revision 0007" in out
    status, out = run_cli(capsys, "db", "current")
    assert status == 0 and out.strip() == "current 0007; newest 0007"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["add", "0001"], "gemeentecode 0001 is not a municipality in the CBS list"),
        (["add", "0003"], "gemeentecode 0003 ended on 2020-12-31 (merged into 1979)"),
        (["add", "98769999", "--endpoint", "https://[::1/in"], "cannot be parsed"),
        (["add", "98769999", "--endpoint", "http://:8080/in"], "names no host"),
        (["endpoint", "0505", "http://127.0.0.1:99999/in"], "port 99999, outside 1-65535"),
        (["endpoint", "0505", "ftp://127.0.0.1/in"], "is not an http(s) URL"),
    ],
)
def test_cli_refuses_a_party_or_endpoint_that_cannot_work(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    """Refused when set (exit 2), so no message or push ever fails on it later."""
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["parties", *args]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "cli.db").exists()  # refused before the store is opened


@pytest.mark.parametrize(
    ("endpoint", "says"),
    [("https://[::1/in", "cannot be parsed"), ("http://h:0/in", "port 0, outside")],
)
def test_a_parties_file_with_an_endpoint_that_cannot_work_is_refused(
    endpoint: str, says: str
) -> None:
    with pytest.raises(ConfigurationError, match=f"party 0505: endpoint.*{says}"):
        parse_directory(f'[[party]]\ncode = "0505"\nendpoint = "{endpoint}"\n')


PUSH = {GEMEENTE: "http://127.0.0.1:9/dordrecht", AGB: "http://127.0.0.1:9/provider"}


def test_restarts_never_resurrect_a_revoked_key_or_a_changed_endpoint(
    settings: Settings, tmp_path: Path
) -> None:
    settings = replace(settings, parties=parties_file(tmp_path, PUSH))
    store = restarted(settings)
    store.revoke_key(f"demo-{GEMEENTE}")
    store.set_endpoint(GEMEENTE, None)  # removed: pull only from now on
    store.set_endpoint(AGB, "http://127.0.0.1:9/moved")  # another channel
    for _ in range(2):  # serve, worker or any CLI run, again and again
        again = restarted(settings)
        assert again.authenticate(demo_key(GEMEENTE)) is None
        assert again.authenticate(demo_key(AGB)) == AGB
        endpoints = {p.code: p.endpoint for p in again.parties()}
        assert endpoints[GEMEENTE] is None and endpoints[AGB] == "http://127.0.0.1:9/moved"
        again.dispose()
    store.dispose()


def test_restarts_never_resurrect_a_channel_set_by_hand(settings: Settings, tmp_path: Path) -> None:
    """``parties channel`` survives any reload of a file that did not change the party's
    channel; a file that changes it (or its settings) is taken."""
    path = parties_file(tmp_path, PUSH)
    settings = replace(settings, parties=path)
    store = restarted(settings)
    store.set_channel(GEMEENTE, "vecozo", None, (("rol", "Gemeente"),))
    store.set_channel(AGB, "mailbox", None)
    for _ in range(2):
        again = restarted(settings)
        dordrecht, provider = again.party(GEMEENTE), again.party(AGB)
        assert dordrecht is not None and provider is not None
        assert (dordrecht.channel, dordrecht.channel_settings) == ("vecozo", (("rol", "Gemeente"),))
        assert (provider.channel, provider.endpoint) == ("mailbox", None)
        again.dispose()
    text = path.read_text(encoding="utf-8").replace(
        f'code = "{GEMEENTE}"\n',
        f'code = "{GEMEENTE}"\nchannel = "stuf"\nchannel_settings = {{ soap = false }}\n',
    )
    path.write_text(text, encoding="utf-8")
    changed = restarted(settings)
    dordrecht = changed.party(GEMEENTE)
    assert dordrecht is not None and dordrecht.channel == "stuf"  # the file changed it
    assert dordrecht.channel_settings == (("soap", "false"),)
    assert changed.party(AGB).channel == "mailbox"  # type: ignore[union-attr]
    changed.dispose()
    store.dispose()


def test_a_file_that_drops_an_endpoint_drops_its_push_but_keeps_another_channel(
    settings: Settings, tmp_path: Path
) -> None:
    path = parties_file(tmp_path, PUSH)
    store = restarted(replace(settings, parties=path))
    store.set_channel(AGB, "stuf", PUSH[AGB])
    store.load_directory(parse_directory(path.read_text(encoding="utf-8").replace(
        f'endpoint = "{PUSH[GEMEENTE]}"\n', "").replace(f'endpoint = "{PUSH[AGB]}"\n', "")))  # fmt: skip
    dordrecht, provider = store.party(GEMEENTE), store.party(AGB)
    assert dordrecht is not None and (dordrecht.channel, dordrecht.endpoint) == ("mailbox", None)
    assert provider is not None and (provider.channel, provider.endpoint) == ("stuf", None)
    store.dispose()


def test_parties_add_keeps_a_channel_unless_one_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'add.db'}")
    assert run_cli(capsys, "parties", "add", AGB, "--channel", "vecozo")[0] == 0
    assert run_cli(capsys, "parties", "add", AGB, "--name", "Renamed")[0] == 0
    assert f"{AGB}\taanbieder\tRenamed\tvecozo\t" in run_cli(capsys, "parties", "list")[1]
    assert main(["parties", "add", AGB, "--setting", "rol=Instelling"]) == 2
    assert "--setting goes with --channel" in capsys.readouterr().err
    assert run_cli(capsys, "parties", "add", AGB, "--name", "R", "--channel", "mailbox")[0] == 0
    assert f"{AGB}\taanbieder\tR\tmailbox\t" in run_cli(capsys, "parties", "list")[1]


def test_a_later_file_adds_and_updates_but_takes_no_key_back_or_over(
    settings: Settings, tmp_path: Path
) -> None:
    path = parties_file(tmp_path, PUSH)
    store = restarted(replace(settings, parties=path))
    store.revoke_key(f"demo-{GEMEENTE}")
    store.set_endpoint(GEMEENTE, "http://127.0.0.1:9/by-hand")
    _, fresh = new_key("dordrecht-2")
    _, other = new_key(f"demo-{AGB}")  # the same id with another hash
    text = path.read_text(encoding="utf-8")
    text = text.replace("9/provider", "9/provider-2")  # the file changes this endpoint
    text = text.replace(
        f'{{ id = "demo-{GEMEENTE}"',
        f'{{ id = "dordrecht-2", hash = "{fresh.to_text()}" }}, {{ id = "demo-{GEMEENTE}"',
    )
    text = text.replace(
        f'{{ id = "demo-{AGB}", hash = "',
        f'{{ id = "demo-{AGB}", hash = "{other.to_text()}", old = "',
    )
    loaded = store.load_directory(parse_directory(text))
    assert (loaded.revoked, loaded.changed) == ((f"demo-{GEMEENTE}",), (f"demo-{AGB}",))
    dordrecht, provider = store.party(GEMEENTE), store.party(AGB)
    assert dordrecht is not None and provider is not None
    assert dordrecht.key_ids == ("dordrecht-2",) and provider.key_ids == (f"demo-{AGB}",)
    assert dordrecht.endpoint == "http://127.0.0.1:9/by-hand"  # the file did not change it
    assert provider.endpoint == "http://127.0.0.1:9/provider-2"  # the file changed it
    assert store.authenticate(demo_key(AGB)) == AGB  # the stored hash still holds
    store.dispose()


def test_the_demo_keys_are_retired_for_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Quick start's embedded defaults load the example file at every run; once
    revoked (as the README says), its public keys stay revoked."""
    monkeypatch.chdir(tmp_path)  # the embedded default database is ./ijw-gateway.db
    assert run_cli(capsys, "parties", "list")[0] == 0
    assert run_cli(capsys, "parties", "key", "revoke", "--demo")[0] == 0
    status, listing = run_cli(capsys, "parties", "list")  # loads the example file again
    assert status == 0 and listing.count("keys: (no keys)") == len(embedded_directory())
    store = Store.open(Settings().database_url)
    assert store.authenticate(demo_key(GEMEENTE)) is None
    store.dispose()


def test_a_key_id_is_never_given_out_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    assert run_cli(capsys, "parties", "add", AGB)[0] == 0
    assert run_cli(capsys, "parties", "key", "add", AGB, "--id", "k-1")[0] == 0
    assert run_cli(capsys, "parties", "key", "revoke", "k-1")[0] == 0
    assert main(["parties", "key", "add", AGB, "--id", "k-1"]) == 2
    assert "k-1 is taken" in capsys.readouterr().err
