"""The CBS municipality codes (TR378), with a tolerance list for codes retired by mergers.

Two data files in ``catalogue/data``:

* ``cbs_gemeenten.csv`` (``code,name``) — the current CBS list as published with the
  standard (peildatum 2026-01-01). Codes and names are public facts.
* ``cbs_gemeenten_vervallen.csv`` (``code,name,valid_until,successor``) — codes that
  disappeared in a municipal merger, with the last day they were valid and the code that
  took over. TR378 lets a message keep using such a code for an allocation (or request)
  whose start date lies on or before ``valid_until``: the allocation was made under the
  old list. Extend this file when CBS publishes a new list; a test checks that every
  retired code is absent from the current list and that its successor is present.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType


@dataclass(frozen=True)
class RetiredCode:
    """A municipality code that a merger ended; valid up to and including ``valid_until``."""

    code: str
    name: str
    valid_until: date
    successor: str


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("ijw_gateway.catalogue") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def current_codes() -> Mapping[str, str]:
    """The current CBS list: code -> municipality name."""
    return MappingProxyType({row["code"]: row["name"] for row in _rows("cbs_gemeenten.csv")})


@cache
def retired_codes() -> Mapping[str, RetiredCode]:
    """Codes retired by mergers, by code."""
    retired = {}
    for row in _rows("cbs_gemeenten_vervallen.csv"):
        code = row["code"]
        retired[code] = RetiredCode(
            code, row["name"], date.fromisoformat(row["valid_until"]), row["successor"]
        )
    return MappingProxyType(retired)


def is_valid_code(code: str, reference_dates: Iterable[date] = ()) -> bool:
    """Whether ``code`` is a current code, or a retired one still valid on a reference date.

    Why reference dates: an allocation made before a merger may keep the old code
    (TR378); messages without such a date get no tolerance.
    """
    if code in current_codes():
        return True
    retired = retired_codes().get(code)
    if retired is None:
        return False
    return any(day <= retired.valid_until for day in reference_dates)
