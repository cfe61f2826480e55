"""Finding texts beyond the rules' explanations, as data (``texts.toml``).

A rule's explanation is its catalogue entry (``rulecat``); what pins it to one message (a
detail), the contract rules' and the no-extra-data screen's sentences, and the schema
findings' sentences come from ``texts.toml`` beside this module, in both languages. So
every finding text the gateway writes comes from the catalogue, and a translation is an
edit of data, checked by a test (both languages, the same blanks).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from ijw_gateway.catalogue.rulecat import CatalogueError

Entry = Mapping[str, str]  # language -> template


@cache
def texts() -> Mapping[str, Entry]:
    """Every text by its dotted key (``contract.lump_sum``), each by language."""
    raw = resources.files("ijw_gateway.catalogue").joinpath("texts.toml").read_text("utf-8")
    found: dict[str, Entry] = {}
    for group, table in tomllib.loads(raw).items():
        for name, entry in table.items():
            if not isinstance(entry, dict) or "en" not in entry:
                raise CatalogueError(f"texts.toml [{group}] {name}: no English text")
            found[f"{group}.{name}"] = MappingProxyType({k: str(v) for k, v in entry.items()})
    return MappingProxyType(found)


def say(key: str, lang: str = "en", *args: object, **values: object) -> str:
    """The text ``key`` in ``lang`` (English where it has none), filled in."""
    entry = texts()[key]
    return (entry.get(lang) or entry["en"]).format(*args, **values)
