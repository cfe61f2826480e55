"""``ijw-gateway parties …``: the party directory (municipalities, providers, API keys)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.errors import UsageError
from ijw_gateway.parties import (
    ANSWER_MODES,
    CHANNELS,
    PartySpec,
    check_answers,
    check_channel,
    check_endpoint,
    default_channel,
    embedded_directory,
    load_directory,
    new_key,
)
from ijw_gateway.signatures import party_secret

if TYPE_CHECKING:
    from ijw_gateway.store import Store
    from ijw_gateway.store.operations import Operations


def prepared_store() -> Store:
    """The configured store, migrated and seeded, for the commands that change the party
    and operator directories (``parties …``, ``operators …``)."""
    from ijw_gateway.gateway import prepare
    from ijw_gateway.store import Store

    settings = current_settings()
    store = Store.open(settings.database_url)
    prepare(settings, store)
    return store


@contextmanager
def operations() -> Iterator[Operations]:
    """The operators' actions on the configured store (``store.operations``)."""
    from ijw_gateway.store.operations import Operations

    store = prepared_store()
    try:
        yield Operations(store)
    finally:
        store.dispose()


def echo_json(value: object) -> None:
    """A list command's ``--json``: the objects the API answers with."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


@cli.group()
def parties() -> None:
    """Municipalities (gemeentecode) and providers (AGB) that may use the gateway."""


@parties.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, as the API does.")
def list_parties(as_json: bool) -> int:
    """Every party with its kind, name, channel, endpoint, active key ids and the message
    types it answers itself (answer mode party; the gateway answers the others). With
    ``--json``: every key, with its state and when it was last used."""
    if as_json:
        return _parties_json()
    store = prepared_store()
    for party in store.parties():
        endpoint = party.endpoint or "(pull only)"
        keys = ", ".join(party.key_ids) or "(no keys)"
        settings = "".join(f" {k}={v}" for k, v in party.channel_settings)
        own = [t for t, mode in party.answers if mode == "party"]
        answers = f"answers itself: {', '.join(own)}" if own else "answers: gateway"
        click.echo(
            f"{party.code}\t{party.kind}\t{party.name}\t{party.channel}{settings}\t"
            f"{endpoint}\tkeys: {keys}\t{answers}"
        )
    store.dispose()
    return 0


def _parties_json() -> int:
    from ijw_gateway.operating import party_json

    with operations() as ops:
        found, keys = ops.parties()
    echo_json({"parties": [party_json(p, keys) for p in found]})
    return 0


@parties.command()
@click.argument("code")
def remove(code: str) -> int:
    """Remove a party: refused while messages for it are queued or dead-lettered (deliver,
    redeliver or discard them first). Its keys are revoked; loading a parties file that
    still names it does not bring it back (`parties add` does)."""
    with operations() as ops:
        ops.remove_party(code)
    click.echo(f"party {code} removed; its keys are revoked")
    return 0


def _settings(pairs: tuple[str, ...]) -> list[tuple[str, str]]:
    """``key=value`` options as pairs."""
    found = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--setting {pair!r} is not key=value")
        found.append((key.strip(), value.strip()))
    return found


_CHANNEL = click.Choice(CHANNELS)
_SETTING = click.option(
    "--setting", "settings", multiple=True, metavar="KEY=VALUE", help="A channel setting."
)


@parties.command()
@click.argument("code")
@click.option("--name", default="", help="Display name.")
@click.option("--endpoint", default=None, help="Push endpoint (https://…); omit for pull only.")
@click.option("--channel", type=_CHANNEL, default=None, help="Default: push with an endpoint.")
@_SETTING
def add(
    code: str, name: str, endpoint: str | None, channel: str | None, settings: tuple[str, ...]
) -> int:
    """Add or update a party; CODE is a gemeentecode (4 digits, in the CBS list) or an AGB
    code (8 digits). An existing party keeps its endpoint unless --endpoint is given, and
    its channel and channel settings unless --channel is given."""
    if settings and channel is None:
        raise UsageError("--setting goes with --channel (or use `parties channel`)")
    checked_endpoint = check_endpoint(endpoint)
    route = channel or default_channel(checked_endpoint)
    pairs = check_channel(route, checked_endpoint, _settings(settings))
    from ijw_gateway.gateway import checked_kind

    spec = PartySpec(code, checked_kind(code), name, checked_endpoint, (), channel, pairs)
    store = prepared_store()
    store.save_party(spec, endpoint=endpoint is not None, channel=channel is not None)
    click.echo(f"party {code} ({spec.kind}) saved")
    store.dispose()
    return 0


@parties.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def load(path: Path) -> int:
    """Load a parties file (TOML; see examples/zhz/parties.toml): it adds parties and keys
    and updates names and the endpoints the file changed; revoked keys stay revoked."""
    specs = load_directory(path)
    store = prepared_store()
    loaded = store.load_directory(specs)
    store.dispose()
    click.echo(f"{loaded.parties} parties loaded from {path}")
    for note in loaded.notes():
        click.echo(note, err=True)
    return 0


@parties.command()
@click.argument("code")
@click.argument("endpoint", required=False)
def endpoint(code: str, endpoint: str | None) -> int:
    """Set (or, without ENDPOINT, clear) a party's push endpoint."""
    checked = check_endpoint(endpoint)
    store = prepared_store()
    store.set_endpoint(code, checked)
    click.echo(f"party {code}: {'push to ' + endpoint if endpoint else 'pull only'}")
    store.dispose()
    return 0


@parties.command("channel")
@click.argument("code")
@click.argument("name", type=_CHANNEL)
@click.option("--endpoint", default=None, help="Where the channel sends (push, stuf).")
@_SETTING
def set_channel(code: str, name: str, endpoint: str | None, settings: tuple[str, ...]) -> int:
    """Set how messages reach a party: push, mailbox, vecozo or stuf (see docs/exchange.md)."""
    checked = check_endpoint(endpoint)
    pairs = check_channel(name, checked, _settings(settings))
    store = prepared_store()
    store.set_channel(code, name, checked, pairs)
    store.dispose()
    click.echo(f"party {code}: channel {name}")
    return 0


@parties.command("answers")
@click.argument("code")
@click.argument("message_type", metavar="TYPE")
@click.argument("mode", type=click.Choice(ANSWER_MODES))
def set_answers(code: str, message_type: str, mode: str) -> int:
    """Who answers the TYPE messages (e.g. JW323) a party receives: the gateway in its name
    (gateway, the default) or the party itself (party; see docs/service.md)."""
    check_answers({message_type: mode})
    store = prepared_store()
    try:
        store.set_answer_mode(code, message_type, mode)
    finally:
        store.dispose()
    click.echo(f"party {code}: {message_type} answered by {mode}")
    return 0


@parties.command("push-secret")
@click.argument("code")
def push_secret(code: str) -> int:
    """Print the secret a party verifies our signed pushes with (X-Ijw-Signature); it is
    derived from IJW_PUSH_SIGNING_KEY, so a new signing key replaces every party's."""
    signing_key = current_settings().push_signing_key
    if signing_key is None:
        raise UsageError("set IJW_PUSH_SIGNING_KEY first: without it pushes are not signed")
    store = prepared_store()
    try:
        known = store.party(code) is not None
    finally:
        store.dispose()
    if not known:
        raise UsageError(f"no party {code}")
    click.echo(party_secret(signing_key, code))
    return 0


@parties.group()
def key() -> None:
    """API keys: shown once when made, stored only as a salted hash."""


@key.command("list")
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, as the API does.")
def list_keys(code: str | None, as_json: bool) -> int:
    """Every party key (of CODE): id, party, state (active, revoked), created, last used."""
    from ijw_gateway.operating import iso, key_json
    from ijw_gateway.store import directory

    store = prepared_store()
    try:
        with store.session() as session:
            keys = directory.keys(session, code)
    finally:
        store.dispose()
    if as_json:
        echo_json({"keys": [{"party": k.holder, **key_json(k)} for k in keys]})
        return 0
    for k in keys:
        used = iso(k.last_used_at) or "never used"
        click.echo(f"{k.key_id}\t{k.holder}\t{k.state}\t{iso(k.created_at)}\t{used}")
    return 0


@key.command("add")
@click.argument("code")
@click.option("--id", "key_id", default=None, help="Key id (default: random).")
def add_key(code: str, key_id: str | None) -> int:
    """Make a new API key for a party and print it (the only time it is shown)."""
    text, hashed = new_key(key_id)
    store = prepared_store()
    try:
        store.add_key(code, hashed)
    finally:  # a refused key id must not leave the pool's connections open
        store.dispose()
    click.echo(text)
    click.echo(
        f"# key id {hashed.key_id} for {code}; for a parties file: {hashed.to_text()}", err=True
    )
    return 0


@key.command()
@click.argument("key_ids", metavar="[KEY_ID]...", nargs=-1)
@click.option(
    "--demo", is_flag=True, help="Also every key of the ZHZ example file (public secrets)."
)
def revoke(key_ids: tuple[str, ...], demo: bool) -> int:
    """Revoke API keys by id (takes effect within a few seconds, and for good: loading a
    parties file again does not bring them back)."""
    demo_ids = [k.key_id for p in embedded_directory() for k in p.keys] if demo else []
    if not key_ids and not demo_ids:
        raise UsageError("name the key ids to revoke, or give --demo")
    store = prepared_store()
    try:
        store.revoke_keys(key_ids)  # each must exist
        store.revoke_keys(demo_ids, missing_ok=True)  # those this database holds
    finally:
        store.dispose()
    click.echo(f"revoked: {', '.join([*key_ids, *demo_ids])}")
    return 0
