"""The options ``validate`` and ``retour`` share, and the validator they make.

``--history``: a directory is replayed into an in-memory history (sorted by file name,
leaving out the files under test); a database URL (``sqlite:///ijw-gateway.db``,
``postgresql+psycopg://…``) reads the gateway's stored history inside a transaction that
is rolled back, so checking never changes the store. ``--contracts``: the region's
contracts to judge against as well; without it (and ``IJW_CONTRACTS``) a message is
judged against the standard alone. Both commands only look: they record no refusals.
A database that is missing, unreachable or not the gateway's, or an argument that is
neither a directory nor such a URL, is a usage error (exit 2) that says which.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ijw_gateway.errors import ConfigurationError, StoreUnavailable, UsageError
from ijw_gateway.findings import LANGUAGES

if TYPE_CHECKING:
    from ijw_gateway.config import Settings
    from ijw_gateway.history.model import History, HistoryStore
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


_F = TypeVar("_F", bound=Callable[..., object])


def judging_options(command: _F) -> _F:
    """``--schemas``, ``--history``, ``--contracts`` and ``--lang``, in that order: what
    every command that judges messages takes."""
    for option in (lang_option, contracts_option, history_option, schemas_option):
        command = option(command)
    return command


def build_validator(**arguments: Any) -> Validator:
    """``runtime.build_validator``, imported when a command runs (tests replace this)."""
    from ijw_gateway.runtime import build_validator as build

    return build(**arguments)


@contextmanager
def judging(
    settings: Settings,
    source: str | None,
    schemas: Path | None,
    contracts: Path | None = None,
    lang: str = "en",
    under_test: Collection[Path] = (),
) -> Iterator[tuple[Validator, HistoryStore | None]]:
    """The validator for a command, with the history ``source`` names (or none); files
    ``under_test`` are not replayed from a history directory (not judged against
    themselves)."""

    if contracts is not None:
        settings = replace(settings, contracts=contracts)

    def build(history: History | None = None) -> Validator:
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
        from ijw_gateway.store.history import StoreHistory

        store = history_database(source)
        try:
            with store.scratch() as session:
                history = StoreHistory(session)
                yield build(history), history
        finally:
            store.dispose()
    else:
        from ijw_gateway.history.service import open_history, replay, summary

        memory = open_history(source)
        validator = build(memory)
        for replayed in replay(validator, memory, [Path(source)], under_test):
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
