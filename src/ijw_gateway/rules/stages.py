"""Rule stages as validator checks. Rule modules register themselves when imported here.

Each stage is the rules of some levels with the lookups they may ask: within the message
(level 2), across messages with a history (levels 3 and 4, ``cross_message``), against a
contract book (``contract_check``). The history and the contract book are the models the
rules read; building the stages here keeps them below the rules in the layer map.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache

from ijw_gateway import rules as _rules_package
from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.elements import remembering
from ijw_gateway.findings import Finding, Level
from ijw_gateway.history.model import History, TaskBased
from ijw_gateway.rules.base import NO_LOOKUPS, Lookups, RuleContext, run
from ijw_gateway.validation import Check, ParsedMessage

_INFRASTRUCTURE = {"base", "stages"}


@cache
def load_rule_modules() -> tuple[str, ...]:
    """Import every module of ``ijw_gateway.rules`` so that its ``@rule`` functions register."""
    loaded = []
    for info in pkgutil.iter_modules(_rules_package.__path__):
        if info.name not in _INFRASTRUCTURE:
            importlib.import_module(f"{_rules_package.__name__}.{info.name}")
            loaded.append(info.name)
    return tuple(loaded)


def stage(
    levels: frozenset[Level],
    today: Callable[[], date] = date.today,
    lang: str = "en",
    lookups: Lookups = NO_LOOKUPS,
) -> Check:
    """A validator check that runs every rule of ``levels`` with the given lookups."""
    load_rule_modules()

    def check(message: ParsedMessage) -> Iterable[Finding]:
        with remembering():  # the rules only read the tree
            return run(RuleContext(message, today(), lang, lookups), levels)

    return check


def within_message(today: Callable[[], date] = date.today, lang: str = "en") -> Check:
    """Level 2: rules decidable inside one message (retourcode 0001)."""
    return stage(frozenset({"message"}), today, lang)


def cross_message(
    history: History | None,
    today: Callable[[], date] = date.today,
    lang: str = "en",
    task_based: TaskBased | None = None,
) -> Check:
    """Levels 3 and 4: rules that read earlier messages (``history``) or external sources.

    Without a history only the external-source rules run (the clock, TR135; the CBS list,
    TR378): they need nothing from earlier messages, so a single file is still checked.
    """
    return stage(frozenset({"history"}), today, lang, Lookups(history, task_based))


CONTRACT_LEVEL: frozenset[Level] = frozenset({"contract"})


def contract_lookups(book: ContractBook) -> Lookups:
    """What contract-aware rules read: the book, and the task-based question for TR019."""
    return Lookups(contracts=book, task_based=book.is_task_based)


def contract_check(
    book: ContractBook, lang: str = "en", today: Callable[[], date] = date.today
) -> Check:
    """A validator check running every rule of level ``contract`` against ``book``."""
    return stage(CONTRACT_LEVEL, today, lang, contract_lookups(book))
