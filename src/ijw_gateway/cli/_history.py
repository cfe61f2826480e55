"""The ``--history`` option of ``validate`` and ``retour``: a directory or a gateway database.

A directory is replayed into an in-memory history (sorted by file name); a database URL
(``sqlite:///ijw-gateway.db``, ``postgresql+psycopg://…``) reads the gateway's stored
history inside a transaction that is rolled back, so checking never changes the store.
A database that is missing, unreachable or not the gateway's, or an argument that is
neither a directory nor such a URL, is a usage error (exit 2) that says which.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ijw_gateway.errors import ConfigurationError, StoreUnavailable, UsageError

if TYPE_CHECKING:
    from ijw_gateway.config import Settings
    from ijw_gateway.history.model import HistoryStore
    from ijw_gateway.store import Store
    from ijw_gateway.validation import Validator

history_option = click.option(
    "--history",
    "history_source",
    metavar="DIR|URL",
    help="Earlier traffic for the cross-message rules: a directory whose messages are "
    "replayed first (by file name), or a gateway database URL (read only). Accepted PATHs "
    "are recorded in turn, so a sequence of files is judged as a sequence.",
)
schemas_option = click.option(
    "--schemas",
    type=click.Path(path_type=Path, file_okay=False),
    help="Validate against the XSDs in this directory (e.g. the official bundle).",
)


def build_validator(**arguments: Any) -> Validator:
    """``runtime.build_validator``, imported when a command runs (tests replace this)."""
    from ijw_gateway.runtime import build_validator as build

    return build(**arguments)


@contextmanager
def judging(
    settings: Settings, source: str | None, schemas: Path | None
) -> Iterator[tuple[Validator, HistoryStore | None]]:
    """The validator for a command, with the history ``source`` names (or none)."""
    if source is None:
        yield build_validator(schema_dir=schemas, settings=settings), None
    elif "://" in source:
        from ijw_gateway.store.history import StoreHistory

        store = history_database(source)
        try:
            with store.scratch() as session:
                stored = StoreHistory(session)
                yield build_validator(schema_dir=schemas, history=stored, settings=settings), stored
        finally:
            store.dispose()
    else:
        from ijw_gateway.history.service import open_history, replay, summary

        memory = open_history(source)
        validator = build_validator(schema_dir=schemas, history=memory, settings=settings)
        for replayed in replay(validator, memory, [Path(source)]):
            click.echo(summary(replayed), err=True)
        yield validator, memory


def history_database(url: str) -> Store:
    """The gateway database ``--history`` names; why it cannot be used is a usage error.
    The URL is not repeated (it may hold a password)."""
    from ijw_gateway.store import Store

    try:
        return Store.open_existing(url)
    except ConfigurationError as error:
        raise UsageError(f"--history: {error}") from None
    except StoreUnavailable as error:
        raise UsageError(f"--history: the database cannot be reached ({_cause(error)})") from None


def _cause(error: BaseException) -> str:
    """The first line of the driver's own reason (``connection refused``, ``database
    "x" does not exist``), which names neither the URL nor its password."""
    cause = error.__cause__
    reason = getattr(cause, "orig", None) or cause
    text = str(reason).strip().splitlines()[0] if reason is not None and str(reason) else ""
    return text or "no reason given"
