"""Contracts: segments, financing variants, matching, and the no-extra-data policy.

Pure core: a configuration is loaded into a ``ContractBook`` (values), the contract rules
(``rules/contract.py``, a validator stage by ``rules.stages.contract_check``) and the
screen (``screen.py``) judge messages against it, and refusals go to whatever
``RefusalLog`` the caller passes in.

Public API::

    load_contracts(path | None) -> ContractBook      # None: the embedded ZHZ example
    parse_contracts(text, source) -> ContractBook    # raises ContractConfigError
    ContractBook.match(Want) / .is_task_based(gemeente, agb, categorie, code, on=None)
    no_extra_data_screen(log, lang) -> Screen        # the validator's policy screen
    lawful_clauses(book) -> [LawfulClause]           # detail checks (Regeling Jeugdwet §6b)
    Refusal, RefusalLog, MemoryRefusalLog, summarise
"""

from __future__ import annotations

from ijw_gateway.contracts.book import ContractBook, Match, Want
from ijw_gateway.contracts.load import (
    ContractConfigError,
    default_contracts_path,
    load_contracts,
    parse_contracts,
)
from ijw_gateway.contracts.model import Variant
from ijw_gateway.contracts.policy import LawfulClause, lawful_clauses
from ijw_gateway.contracts.reader import Problem
from ijw_gateway.contracts.refusals import MemoryRefusalLog, Refusal, RefusalLog, summarise
from ijw_gateway.contracts.screen import extra_content, no_extra_data_screen

__all__ = [
    "ContractBook",
    "ContractConfigError",
    "LawfulClause",
    "Match",
    "MemoryRefusalLog",
    "Problem",
    "Refusal",
    "RefusalLog",
    "Variant",
    "Want",
    "default_contracts_path",
    "extra_content",
    "lawful_clauses",
    "load_contracts",
    "no_extra_data_screen",
    "parse_contracts",
    "summarise",
]
