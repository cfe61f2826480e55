"""``ijw-gateway parties …``: the party directory (municipalities, providers, API keys)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.parties import PartySpec, check_endpoint, kind_of, load_directory, new_key

if TYPE_CHECKING:
    from ijw_gateway.store import Store


def _store() -> Store:
    from ijw_gateway.gateway import prepare
    from ijw_gateway.store import Store

    settings = current_settings()
    store = Store.open(settings.database_url)
    prepare(settings, store)
    return store


@cli.group()
def parties() -> None:
    """Municipalities (gemeentecode) and providers (AGB) that may use the gateway."""


@parties.command("list")
def list_parties() -> int:
    """Every party with its kind, name, push endpoint and active key ids."""
    store = _store()
    for party in store.parties():
        endpoint = party.endpoint or "(pull only)"
        keys = ", ".join(party.key_ids) or "(no keys)"
        click.echo(f"{party.code}\t{party.kind}\t{party.name}\t{endpoint}\tkeys: {keys}")
    store.dispose()
    return 0


@parties.command()
@click.argument("code")
@click.option("--name", default="", help="Display name.")
@click.option("--endpoint", default=None, help="Push endpoint (https://…); omit for pull only.")
def add(code: str, name: str, endpoint: str | None) -> int:
    """Add or update a party; CODE is a gemeentecode (4 digits) or AGB code (8 digits)."""
    store = _store()
    spec = PartySpec(code, kind_of(code), name, check_endpoint(endpoint))
    store.load_directory([spec])
    click.echo(f"party {code} ({kind_of(code)}) saved")
    store.dispose()
    return 0


@parties.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def load(path: Path) -> int:
    """Load a parties file (TOML; see examples/zhz/parties.toml)."""
    specs = load_directory(path)
    store = _store()
    click.echo(f"{store.load_directory(specs)} parties loaded from {path}")
    store.dispose()
    return 0


@parties.command()
@click.argument("code")
@click.argument("endpoint", required=False)
def endpoint(code: str, endpoint: str | None) -> int:
    """Set (or, without ENDPOINT, clear) a party's push endpoint."""
    checked = check_endpoint(endpoint)
    store = _store()
    store.set_endpoint(code, checked)
    click.echo(f"party {code}: {'push to ' + endpoint if endpoint else 'pull only'}")
    store.dispose()
    return 0


@parties.group()
def key() -> None:
    """API keys: shown once when made, stored only as a salted hash."""


@key.command("add")
@click.argument("code")
@click.option("--id", "key_id", default=None, help="Key id (default: random).")
def add_key(code: str, key_id: str | None) -> int:
    """Make a new API key for a party and print it (the only time it is shown)."""
    text, hashed = new_key(key_id)
    store = _store()
    store.add_key(code, hashed)
    store.dispose()
    click.echo(text)
    click.echo(
        f"# key id {hashed.key_id} for {code}; for a parties file: {hashed.to_text()}", err=True
    )
    return 0


@key.command()
@click.argument("key_id")
def revoke(key_id: str) -> int:
    """Revoke an API key by its id (takes effect within a few seconds)."""
    store = _store()
    store.revoke_key(key_id)
    store.dispose()
    click.echo(f"key {key_id} revoked")
    return 0
