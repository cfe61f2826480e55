"""The Fo01 codes the gateway answers with, and how it treats those it receives. Data.

Loaded once from ``fo01codes.toml`` beside this module. A code we do not know (the chain
has more) is taken as the sender's fault and not worth sending again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

OMSCHRIJVING_MAX = 200  # StUF Foutomschrijving


@dataclass(frozen=True)
class FaultCode:
    code: str
    plek: Literal["client", "server"]
    http: int
    retry: bool
    nl: str
    en: str

    def omschrijving(self, detail: str = "") -> str:
        """The Dutch text and a detail, cut to what a Fo01 holds."""
        text = f"{self.nl} {detail}".strip()
        return text if len(text) <= OMSCHRIJVING_MAX else text[: OMSCHRIJVING_MAX - 1] + "…"


@cache
def codes() -> dict[str, FaultCode]:
    raw = tomllib.loads(resources.files(__package__).joinpath("fo01codes.toml").read_text("utf-8"))
    found = {}
    for code, table in raw.items():
        plek: Literal["client", "server"] = "server" if table["plek"] == "server" else "client"
        found[code] = FaultCode(
            code,
            plek,
            int(table["http"]),
            bool(table["retry"]),
            table["text"]["nl"],
            table["text"]["en"],
        )
    return found


def fault_code(code: str) -> FaultCode:
    """A code we send; KeyError for a code that is not in our table (a programming error)."""
    return codes()[code]


def worth_retrying(code: str) -> bool:
    """Does a receiver's Fo01 with ``code`` ask us to send the same envelope again later?"""
    known = codes().get(code)
    return known is not None and known.retry
