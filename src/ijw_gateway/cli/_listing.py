"""What the operators' list commands share: ``--json``, the page options, filters of
codes, types and moments, and the operations on the configured store.

A list command prints tab-separated lines by default and, with ``--json``, the same
objects the API answers with (``ijw_gateway.operating``), so a script can use either.
The command line reads the database directly and acts as an operator (``command line``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from ijw_gateway.cli.parties import echo_json, operations

__all__ = ["echo_json", "operations"]

F = TypeVar("F", bound=Callable[..., Any])
CODE = r"^([0-9]{4}|[0-9]{8})$"
WHO = "operator command line"
"""Who the command line's actions are by, in their events."""


def as_json(command: F) -> F:
    """The ``--json`` flag of a list command."""
    flag = click.option("--json", "as_json", is_flag=True, help="Print JSON, as the API does.")
    return flag(command)


def paged(command: F) -> F:
    """``--limit`` and ``--after`` (the ``next`` a page printed)."""
    limit = click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
    after = click.option("--after", default=None, help="`next` of the previous page.")
    return limit(after(command))


def moment(value: datetime | None) -> datetime | None:
    """A moment given without a zone is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


PERIOD = (
    click.option(
        "--from", "since", type=click.DateTime(), default=None, help="Received at or after (UTC)."
    ),
    click.option(
        "--to", "until", type=click.DateTime(), default=None, help="Received before (UTC)."
    ),
)


def period(command: F) -> F:
    for option in reversed(PERIOD):
        command = option(command)
    return command


def next_line(body: dict[str, Any]) -> None:
    """Where the next page starts, on standard error (the lines stay one per item)."""
    if body.get("has_more"):
        click.echo(f"# more: --after {body['next']}", err=True)
