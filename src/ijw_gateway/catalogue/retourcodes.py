"""What every retourcode means, where it appears and what to do about it, as data.

Per release, loaded from the file its data names beside this module (``retourcodes.toml``
for the exchange's release): one table per WJ001 code with the rules that produce it, the
answers and classes that carry it, and a title and explanation in Dutch and English. A
code another release explains alike says ``see = "<release>"`` and takes its texts from
there. The command line (``ijw-gateway explain``), the API and the docs read these texts,
so they are written once, for the people who have to act on a code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ijw_gateway.catalogue.rulecat import CatalogueError

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class RetourcodeSpec:
    """One retourcode: its sources, its place in the answers, and its explanation."""

    code: str
    release: str
    rules: tuple[str, ...]  # the standard's rules that produce it (empty: generic code)
    answers: tuple[str, ...]  # answer messages that can carry it
    classes: tuple[str, ...]  # classes of those answers that carry it (empty: any)
    title: Mapping[str, str]
    explain: Mapping[str, str]
    see: str | None = None  # the release whose explanation this one takes

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


def _spec(code: str, table: object, release: str, origin: str) -> RetourcodeSpec:
    origin = f"{origin} [{code}]"
    if not isinstance(table, dict):
        raise CatalogueError(f"{origin}: not a table")
    see = table.get("see")
    texts = None
    if see is not None:
        texts = retourcodes(str(see)).get(code)
        if texts is None:
            raise CatalogueError(f"{origin}: release {see} does not explain {code}")
    return RetourcodeSpec(
        code=code,
        release=release,
        rules=_strings(table, "rules", origin),
        answers=_strings(table, "answers", origin),
        classes=_strings(table, "classes", origin),
        title=texts.title if texts else _texts(table, "title", origin),
        explain=texts.explain if texts else _texts(table, "explain", origin),
        see=str(see) if see is not None else None,
    )


@cache
def retourcodes(release: str | None = None) -> Mapping[str, RetourcodeSpec]:
    """Every retourcode of a release (None: the exchange's) with its explanation, in the
    order of its code list WJ001; none for a release the catalogue does not know."""
    from ijw_gateway.catalogue.releases import DEFAULT, RELEASES  # built from this package

    known = RELEASES.get(release or DEFAULT.name)
    if known is None or known.retourcodes_file is None:
        return MappingProxyType({})
    source = resources.files("ijw_gateway.catalogue") / known.retourcodes_file
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    codes = list(known.codelists["WJ001"])
    unknown = sorted(set(data) - set(codes))
    if unknown:
        raise CatalogueError(f"{known.retourcodes_file} explains codes not in WJ001: {unknown}")
    return MappingProxyType(
        {
            code: _spec(code, data[code], known.name, known.retourcodes_file)
            for code in codes
            if code in data
        }
    )


def get(code: str, release: str | None = None) -> RetourcodeSpec | None:
    """The explanation of one retourcode of a release (None: the exchange's), or None when
    it is not one of its WJ001 codes."""
    return retourcodes(release).get(code)
