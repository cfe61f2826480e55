"""What every retourcode means, where it appears and what to do about it, as data.

Loaded from ``retourcodes.toml`` beside this module: one table per WJ001 code with the
rules that produce it, the answers and classes that carry it, and a title and explanation
in Dutch and English. The command line (``ijw-gateway explain``), the API and the docs
read these texts, so they are written once, for the people who have to act on a code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ijw_gateway.catalogue import codelists
from ijw_gateway.catalogue.rulecat import CatalogueError

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class RetourcodeSpec:
    """One retourcode: its sources, its place in the answers, and its explanation."""

    code: str
    rules: tuple[str, ...]  # the standard's rules that produce it (empty: generic code)
    answers: tuple[str, ...]  # answer messages that can carry it
    classes: tuple[str, ...]  # classes of those answers that carry it (empty: any)
    title: Mapping[str, str]
    explain: Mapping[str, str]

    def heading(self, lang: str = "en") -> str:
        return self.title.get(lang) or self.title["en"]

    def text(self, lang: str = "en") -> str:
        return self.explain.get(lang) or self.explain["en"]

    def paragraphs(self, lang: str = "en") -> list[str]:
        """The explanation split at blank lines, each paragraph on one line."""
        blocks = self.text(lang).strip().split("\n\n")
        return [" ".join(block.split()) for block in blocks if block.strip()]


def _strings(table: Mapping[str, object], key: str, origin: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"{origin}: '{key}' must be a list of strings")
    return tuple(value)


def _texts(table: Mapping[str, object], key: str, origin: str) -> Mapping[str, str]:
    value = table.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) for lang in LANGUAGES
    ):
        raise CatalogueError(f"{origin}: '{key}' needs a text for each of {LANGUAGES}")
    return MappingProxyType({lang: str(value[lang]) for lang in LANGUAGES})


def _spec(code: str, table: object) -> RetourcodeSpec:
    origin = f"retourcodes.toml [{code}]"
    if not isinstance(table, dict):
        raise CatalogueError(f"{origin}: not a table")
    return RetourcodeSpec(
        code=code,
        rules=_strings(table, "rules", origin),
        answers=_strings(table, "answers", origin),
        classes=_strings(table, "classes", origin),
        title=_texts(table, "title", origin),
        explain=_texts(table, "explain", origin),
    )


@cache
def retourcodes() -> Mapping[str, RetourcodeSpec]:
    """Every retourcode with its explanation, in the order of code list WJ001."""
    source = resources.files("ijw_gateway.catalogue") / "retourcodes.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    known = codelists.codes("WJ001")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise CatalogueError(f"retourcodes.toml explains codes not in WJ001: {unknown}")
    return MappingProxyType({code: _spec(code, data[code]) for code in known if code in data})


def get(code: str) -> RetourcodeSpec | None:
    """The explanation of one retourcode, or None when it is not a WJ001 code."""
    return retourcodes().get(code)
