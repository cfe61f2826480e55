"""``ijw-gateway operators …``: the region's operators, who read every monitoring figure
and every message and run the gateway.

An operator is no party: its API key (``ijw.<key id>.<secret>``, stored as a salted hash
like a party's) reads ``/v1/trajectories``, ``/v1/deadlines`` and ``/v1/reports/…`` for
every municipality and provider, every message with its events, and uses the operator
actions (docs/service.md, "Operating the gateway"); it is refused where a party sends or
pulls (posting messages, the mailbox). See docs/monitoring.md, "Who may see what".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli
from ijw_gateway.cli.parties import echo_json, prepared_store
from ijw_gateway.errors import UsageError
from ijw_gateway.parties import new_key

if TYPE_CHECKING:
    from ijw_gateway.store import Store

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError("an operator's name has 1-64 letters, digits, '.', '@', '-' or '_'")
    return name


@cli.group()
def operators() -> None:
    """Operators of the region: every monitoring figure and message, the operator actions."""


@operators.command("add")
@click.argument("name")
def add(name: str) -> int:
    """Add an operator (then give it a key with `operators key add NAME`)."""
    store = prepared_store()
    try:
        store.add_operator(_checked(name))
    finally:
        store.dispose()
    click.echo(f"operator {name} added")
    return 0


@operators.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with every key's state).")
def list_operators(as_json: bool) -> int:
    """Every operator with its active key ids (with ``--json``: every key, with its state
    and when it was last used)."""
    store = prepared_store()
    if as_json:
        return _operators_json(store)
    try:
        for operator in store.operators():
            keys = ", ".join(operator.key_ids) or "(no keys)"
            click.echo(f"{operator.name}\tkeys: {keys}")
    finally:
        store.dispose()
    return 0


def _operators_json(store: Store) -> int:
    from ijw_gateway.operating import iso, key_json
    from ijw_gateway.store import operators as rows

    try:
        with store.session() as session:
            found, keys = rows.operators(session), rows.keys(session)
    finally:
        store.dispose()
    echo_json(
        {
            "operators": [
                {
                    "name": o.name,
                    "created_at": iso(o.created_at),
                    "keys": [key_json(k) for k in keys if k.holder == o.name],
                }
                for o in found
            ]
        }
    )
    return 0


@operators.group()
def key() -> None:
    """An operator's API keys: shown once when made, stored only as a salted hash."""


@key.command("add")
@click.argument("name")
@click.option("--id", "key_id", default=None, help="Key id (default: random).")
def add_key(name: str, key_id: str | None) -> int:
    """Make a new API key for an operator and print it (the only time it is shown)."""
    text, hashed = new_key(key_id)
    store = prepared_store()
    try:
        store.add_operator_key(name, hashed)
    finally:
        store.dispose()
    click.echo(text)
    click.echo(f"# key id {hashed.key_id} for operator {name}", err=True)
    return 0


@key.command("revoke")
@click.argument("key_ids", metavar="KEY_ID...", nargs=-1, required=True)
def revoke(key_ids: tuple[str, ...]) -> int:
    """Revoke operator keys by id (within a few seconds, and for good)."""
    store = prepared_store()
    try:
        store.revoke_operator_keys(key_ids)
    finally:
        store.dispose()
    click.echo(f"revoked: {', '.join(key_ids)}")
    return 0
