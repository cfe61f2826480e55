"""The rule catalogue: every rule of the standard the gateway checks, as data.

Loaded from ``catalogue/rules/*.toml`` (the rules of the release the exchange carries);
the rules of another release live in ``catalogue/rules/<release>/*.toml`` and are read by
``rules_of``. One table per rule code::

    [CS002]
    messages = ["JW301", "JW305"]
    level = "message"            # message (level 2) | history (3/4) | contract | policy
    retourcode = "0001"
    provisional = false          # true where RULES.md marks a Gap and we chose a reading
    needs_history = true         # level "history" only: false for external-source rules
                                 # (clock, CBS list) that run even without a history
    source = "RULES.md §2"
    title = { nl = "...", en = "..." }
    explain = { nl = "...", en = "..." }   # what is wrong, where, what to do about it
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from ijw_gateway.errors import ConfigurationError
from ijw_gateway.findings import LEVELS, Level


@dataclass(frozen=True)
class RuleSpec:
    code: str
    messages: frozenset[str]
    level: Level
    retourcode: str | None
    provisional: bool
    needs_history: bool
    source: str
    title: Mapping[str, str]
    explain: Mapping[str, str]

    def text(self, lang: str = "en") -> str:
        return self.explain.get(lang) or self.explain["en"]


class CatalogueError(ConfigurationError):
    """A rule table is malformed."""


def _spec(code: str, table: Mapping[str, object], origin: str) -> RuleSpec:
    try:
        level = str(table["level"])
        if level not in LEVELS:
            raise CatalogueError(f"{origin} [{code}]: unknown level {level!r}")
        messages = table["messages"]
        title, explain = table["title"], table["explain"]
        assert isinstance(messages, list) and isinstance(title, dict) and isinstance(explain, dict)
        retourcode = table.get("retourcode")
        return RuleSpec(
            code=code,
            messages=frozenset(str(m) for m in messages),
            level=level,  # checked against LEVELS above
            retourcode=str(retourcode) if retourcode is not None else None,
            provisional=bool(table.get("provisional", False)),
            needs_history=bool(table.get("needs_history", level == "history")),
            source=str(table.get("source", "")),
            title=MappingProxyType({str(k): str(v) for k, v in title.items()}),
            explain=MappingProxyType({str(k): str(v) for k, v in explain.items()}),
        )
    except (KeyError, AssertionError) as exc:
        raise CatalogueError(f"{origin} [{code}]: missing or malformed field ({exc})") from None


@cache
def rules() -> Mapping[str, RuleSpec]:
    """Every rule of the exchange's release in the catalogue, by code."""
    return _load(resources.files("ijw_gateway.catalogue") / "rules")


@cache
def rules_of(release: str) -> Mapping[str, RuleSpec]:
    """Every rule of ``release`` in the catalogue, by code; none for a release whose rule
    texts the catalogue does not hold (2.3: ``docs/releases.md`` says why)."""
    from ijw_gateway.catalogue.releases import DEFAULT  # the rules' folder names releases

    if release == DEFAULT.name:
        return rules()
    folder = resources.files("ijw_gateway.catalogue") / "rules" / release
    return _load(folder) if folder.is_dir() else MappingProxyType({})


def _load(folder: Traversable) -> Mapping[str, RuleSpec]:
    found: dict[str, RuleSpec] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for code, table in data.items():
            if code in found:
                raise CatalogueError(f"{entry.name}: rule {code} is defined twice")
            found[code] = _spec(code, table, entry.name)
    return MappingProxyType(found)
