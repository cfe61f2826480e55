"""The options ``validate`` and ``retour`` share, and the validator they make.

``--history``: a directory is replayed into an in-memory history (sorted by file name,
leaving out the files under test); a database URL (``sqlite:///ijw-gateway.db``,
``postgresql+psycopg://…``) reads the gateway's stored history inside a transaction that
is rolled back, so checking never changes the store. ``--contracts``: the region's
contracts to judge against as well; without it (and ``IJW_CONTRACTS``) a message is
judged against the standard alone. Both commands only look: they record no refusals.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from ijw_gateway.config import Settings
from ijw_gateway.findings import LANGUAGES
from ijw_gateway.history.model import History, HistoryStore
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


contracts_option = click.option(
    "--contracts",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="IJW_CONTRACTS",
    help="Judge against this contract configuration (TOML) as well; without it, against "
    "the iJw standard alone.",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=LANGUAGES[0],
    show_default=True,
    help="Language of the findings' texts.",
)


@contextmanager
def judging(
    source: str | None,
    schemas: Path | None,
    contracts: Path | None = None,
    lang: str = "en",
    under_test: Collection[Path] = (),
) -> Iterator[tuple[Validator, HistoryStore | None]]:
    """The validator for a command, with the history ``source`` names (or none); files
    ``under_test`` are not replayed from a history directory (not judged against
    themselves)."""

    def build(history: History | None = None) -> Validator:
        settings = replace(Settings.from_env(), contracts=contracts) if contracts else None
        return build_validator(
            schema_dir=schemas,
            lang=lang,
            history=history,
            settings=settings,
            contracts=contracts is not None,
            read_only=True,
        )

    if source is None:
        yield build(), None
    elif "://" in source:
        from ijw_gateway.store import Store
        from ijw_gateway.store.history import StoreHistory

        store = Store.open(source)
        try:
            with store.scratch() as session:
                history = StoreHistory(session)
                yield build(history), history
        finally:
            store.dispose()
    else:
        memory = open_history(source)
        validator = build(memory)
        for replayed in replay(validator, memory, [Path(source)], under_test):
            click.echo(summary(replayed), err=True)
        yield validator, memory
