"""Wiring: build the validator and its checks from settings. The only place that composes.

Each area contributes its check here (rules, history, contracts, policy); the core modules
never import each other's edges.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ijw_gateway.config import Settings
from ijw_gateway.contracts import (
    ContractBook,
    ContractConfigError,
    RefusalLog,
    contract_check,
    default_contracts_path,
    load_contracts,
    no_extra_data_screen,
)
from ijw_gateway.history.model import History
from ijw_gateway.history.service import cross_message
from ijw_gateway.refusallog import DEFAULT_REFUSAL_LOG, JsonlRefusalLog
from ijw_gateway.rules.stages import within_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Check, Validator


def build_registry(schema_dir: Path | None = None) -> SchemaRegistry:
    settings = Settings.from_env(os.environ)
    return SchemaRegistry(schema_dir or settings.schema_dir)


def build_checks(
    lang: str = "en", history: History | None = None, settings: Settings | None = None
) -> list[Check]:
    """The checks after the schema, in the order the standard's levels prescribe.

    Cross-message rules (level 3) run only with a history to read; the external-source
    rules of level 4 (clock, CBS list) always run.
    """
    book = contract_book(settings)
    checks = storeless_checks(lang, book=book)
    checks.insert(CROSS_AT, cross_check(lang, history, book=book))
    return checks


CROSS_AT = 1
"""Where ``build_checks`` puts the cross-message rules: after the within-message rules."""


def storeless_checks(
    lang: str = "en", settings: Settings | None = None, book: ContractBook | None = None
) -> list[Check]:
    """``build_checks`` without the cross-message rules: what needs no history, so that the
    service can judge it before it opens a transaction (``Validator.prepare``)."""
    book = book or contract_book(settings)
    return [within_message(lang=lang), contract_check(book, lang=lang)]


def cross_check(
    lang: str = "en",
    history: History | None = None,
    settings: Settings | None = None,
    book: ContractBook | None = None,
) -> Check:
    """The cross-message rules (levels 3 and 4) on ``history``."""
    task_based = (book or contract_book(settings)).is_task_based
    return cross_message(history, lang=lang, task_based=task_based)


def build_validator(
    schema_dir: Path | None = None, lang: str = "en", history: History | None = None
) -> Validator:
    screens = [no_extra_data_screen(refusal_log(), lang=lang)]
    return Validator(build_registry(schema_dir), build_checks(lang, history), screens)


def refusal_log(settings: Settings | None = None) -> RefusalLog:
    """Where no-extra-data refusals are recorded (``IJW_REFUSAL_LOG``)."""
    settings = settings or Settings.from_env(os.environ)
    return JsonlRefusalLog(settings.refusal_log or DEFAULT_REFUSAL_LOG)


def contract_book(settings: Settings | None = None) -> ContractBook:
    """The contracts (``IJW_CONTRACTS``, default the ZHZ example), loaded once per file version.

    A configuration refused under the no-extra-data rule is recorded before the error
    propagates, so the region's report shows refused contract terms too.
    """
    settings = settings or Settings.from_env(os.environ)
    path = settings.contracts.resolve() if settings.contracts else default_contracts_path()
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = (0, 0)  # load_contracts says what is wrong with the path
    try:
        return _load_once(path, version, settings.contracts is None)
    except ContractConfigError as refused:
        log = refusal_log(settings)
        for refusal in refused.refusals:
            log.record(refusal)
        raise


@lru_cache(maxsize=8)
def _load_once(path: Path, version: tuple[int, int], embedded: bool) -> ContractBook:
    return load_contracts(None if embedded else path)
