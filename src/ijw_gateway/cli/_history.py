"""The ``--history`` option of ``validate`` and ``retour``: a directory or a gateway database.

A directory is replayed into an in-memory history (sorted by file name); a database URL
(``sqlite:///ijw-gateway.db``, ``postgresql+psycopg://…``) reads the gateway's stored
history inside a transaction that is rolled back, so checking never changes the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ijw_gateway.history.model import HistoryStore
from ijw_gateway.history.service import open_history, replay, summary
from ijw_gateway.runtime import build_validator
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


@contextmanager
def judging(
    source: str | None, schemas: Path | None
) -> Iterator[tuple[Validator, HistoryStore | None]]:
    """The validator for a command, with the history ``source`` names (or none)."""
    if source is None:
        yield build_validator(schema_dir=schemas), None
    elif "://" in source:
        from ijw_gateway.store import Store
        from ijw_gateway.store.history import StoreHistory

        store = Store.open(source)
        try:
            with store.scratch() as session:
                history = StoreHistory(session)
                yield build_validator(schema_dir=schemas, history=history), history
        finally:
            store.dispose()
    else:
        memory = open_history(source)
        validator = build_validator(schema_dir=schemas, history=memory)
        for replayed in replay(validator, memory, [Path(source)]):
            click.echo(summary(replayed), err=True)
        yield validator, memory
