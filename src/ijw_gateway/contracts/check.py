"""The contract stage of the validator: the contract rules, given one loaded book."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ijw_gateway.contracts.book import ContractBook
from ijw_gateway.findings import Level
from ijw_gateway.rules.stages import stage
from ijw_gateway.validation import Check

CONTRACT_LEVEL: frozenset[Level] = frozenset({"contract"})


def contract_lookups(book: ContractBook) -> dict[str, object]:
    """What contract-aware rules read: the book, and the task-based question for TR019."""
    return {"contracts": book, "task_based": book.is_task_based}


def contract_check(
    book: ContractBook, lang: str = "en", today: Callable[[], date] = date.today
) -> Check:
    """A validator check running every rule of level ``contract`` against ``book``."""
    return stage(CONTRACT_LEVEL, today, lang, contract_lookups(book))
