"""Wiring: build the validator and its checks from settings. The only place that composes.

Each area contributes its check here (rules, history, contracts, policy); the core modules
never import each other's edges. The settings come from the caller (the command line or
the app factory read them); without any, the defaults apply: nothing here reads the
environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ijw_gateway.config import Settings
from ijw_gateway.contracts import (
    ContractBook,
    ContractConfigError,
    RefusalLog,
    default_contracts_path,
    load_contracts,
    no_extra_data_screen,
)
from ijw_gateway.history.model import History
from ijw_gateway.refusallog import DEFAULT_REFUSAL_LOG, JsonlRefusalLog
from ijw_gateway.rules.stages import contract_check, cross_message, within_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Check, Validator


def build_registry(schema_dir: Path | None = None) -> SchemaRegistry:
    """The schemas in ``schema_dir``, or without one those generated from our catalogue."""
    return SchemaRegistry(schema_dir)


def build_checks(
    lang: str = "en",
    history: History | None = None,
    settings: Settings | None = None,
    contracts: bool = True,
    record: bool = True,
) -> list[Check]:
    """The checks after the schema, in the order the standard's levels prescribe.

    Cross-message rules (level 3) run only with a history to read; the external-source
    rules of level 4 (clock, CBS list) always run. ``contracts`` False leaves the
    region's contracts out, so a message is judged against the standard alone (the
    command line without ``--contracts``); ``record`` False loads them without recording
    a refused configuration (a read-only command).
    """
    book = contract_book(settings, record) if contracts else None
    checks = storeless_checks(lang, book=book)
    checks.insert(CROSS_AT, cross_check(lang, history, book=book))
    return checks


CROSS_AT = 1
"""Where ``build_checks`` puts the cross-message rules: after the within-message rules."""


def storeless_checks(lang: str = "en", book: ContractBook | None = None) -> list[Check]:
    """``build_checks`` without the cross-message rules: what needs no history, so that the
    service can judge it before it opens a transaction (``Validator.prepare``). ``book``
    None: the standard alone, without the region's contracts."""
    checks = [within_message(lang=lang)]
    if book is not None:
        checks.append(contract_check(book, lang=lang))
    return checks


def cross_check(
    lang: str = "en", history: History | None = None, book: ContractBook | None = None
) -> Check:
    """The cross-message rules (levels 3 and 4) on ``history``; with ``book``, knowing
    which of its contracts are task-based."""
    task_based = book.is_task_based if book is not None else None
    return cross_message(history, lang=lang, task_based=task_based)


def build_validator(
    schema_dir: Path | None = None,
    lang: str = "en",
    history: History | None = None,
    *,
    settings: Settings | None = None,
    contracts: bool = True,
    read_only: bool = False,
) -> Validator:
    """The command line's validator: ``schema_dir`` (``--schemas``) before the setting.
    ``read_only``: refuses extra data without recording it, for commands that only look
    (running them again must not count again)."""
    settings = settings or Settings()
    log = None if read_only else refusal_log(settings)
    checks = build_checks(lang, history, settings, contracts, record=not read_only)
    screens = [no_extra_data_screen(log, lang=lang)]
    return Validator(build_registry(schema_dir or settings.schema_dir), checks, screens, lang)


def refusal_log(settings: Settings | None = None) -> RefusalLog:
    """Where no-extra-data refusals are recorded (``IJW_REFUSAL_LOG``)."""
    settings = settings or Settings()
    return JsonlRefusalLog(settings.refusal_log or DEFAULT_REFUSAL_LOG)


def contract_book(settings: Settings | None = None, record: bool = True) -> ContractBook:
    """The contracts (``IJW_CONTRACTS``, default the ZHZ example), loaded once per file version.

    A configuration refused under the no-extra-data rule is recorded (unless ``record``
    is False) before the error propagates, so the region's report shows refused contract
    terms too.
    """
    settings = settings or Settings()
    path = settings.contracts.resolve() if settings.contracts else default_contracts_path()
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = (0, 0)  # load_contracts says what is wrong with the path
    try:
        return _load_once(path, version, settings.contracts is None)
    except ContractConfigError as refused:
        if not record:
            raise
        log = refusal_log(settings)
        for refusal in refused.refusals:
            log.record(refusal)
        raise


@lru_cache(maxsize=8)
def _load_once(path: Path, version: tuple[int, int], embedded: bool) -> ContractBook:
    return load_contracts(None if embedded else path)
