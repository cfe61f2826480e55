"""Rule stages as validator checks. Rule modules register themselves when imported here."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache

from ijw_gateway import rules as _rules_package
from ijw_gateway.findings import Finding, Level
from ijw_gateway.rules._xml import remembering
from ijw_gateway.rules.base import RuleContext, run
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
    lookups: dict[str, object] | None = None,
) -> Check:
    """A validator check that runs every rule of ``levels`` with the given lookups."""
    load_rule_modules()

    def check(message: ParsedMessage) -> Iterable[Finding]:
        with remembering():  # the rules only read the tree
            return run(RuleContext(message, today(), lang, dict(lookups or {})), levels)

    return check


def within_message(today: Callable[[], date] = date.today, lang: str = "en") -> Check:
    """Level 2: rules decidable inside one message (retourcode 0001)."""
    return stage(frozenset({"message"}), today, lang)
