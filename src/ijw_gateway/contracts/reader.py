"""Reading typed fields out of parsed TOML while collecting problems with their lines.

The loader reads the whole file even after the first mistake, so that ``contracts
check`` lists every problem at once — each as ``file:line: field: reason``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from ijw_gateway.contracts.tomlpos import Key, dotted, line_of

E = TypeVar("E", bound=StrEnum)
Table = Mapping[str, object]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a contract configuration."""

    file: str
    line: int
    field: str
    reason: str
    rule: str | None = None  # e.g. "NO-EXTRA-DATA" when the rule of art. 6c.1 refuses it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class Reader:
    """Typed access to one document, remembering where every value came from."""

    def __init__(self, file: str, lines: dict[Key, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []
        self.where: dict[int, Key] = {}  # id(model object) -> its path, for later checks

    def problem(self, path: Key, reason: str, rule: str | None = None) -> None:
        self.problems.append(
            Problem(self.file, line_of(self.lines, path), dotted(path), reason, rule)
        )

    def remember(self, obj: object, path: Key) -> None:
        self.where[id(obj)] = path

    def path_of(self, obj: object) -> Key:
        return self.where.get(id(obj), ())

    def table(self, value: object, path: Key, allowed: Collection[str]) -> Table | None:
        """A table whose keys are all in ``allowed``; unknown keys are problems (typos)."""
        if not isinstance(value, dict):
            self.problem(path, "must be a table")
            return None
        for key in value:
            if key not in allowed:
                self.problem((*path, key), f"unknown field (known: {', '.join(sorted(allowed))})")
        return value

    def tables(self, data: Table, key: str, path: Key) -> list[tuple[Table, Key]]:
        """An array of tables, each with its path."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem((*path, key), "must be an array of tables")
            return []
        out: list[tuple[Table, Key]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                out.append((item, (*path, key, index)))
            else:
                self.problem((*path, key, index), "must be a table")
        return out

    def text(
        self, data: Table, key: str, path: Key, pattern: str | None = None, required: bool = True
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "is required")
            return None
        if not isinstance(value, str):
            self.problem((*path, key), "must be a string (in quotes)")
            return None
        if pattern is not None and not re.fullmatch(pattern, value):
            self.problem((*path, key), f"{value!r} does not have the form {pattern}")
            return None
        return value

    def texts(self, data: Table, key: str, path: Key, pattern: str | None = None) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem((*path, key), "must be a list of strings")
            return []
        good = []
        for index, item in enumerate(value):
            if pattern is not None and not re.fullmatch(pattern, item):
                self.problem((*path, key, index), f"{item!r} does not have the form {pattern}")
            else:
                good.append(item)
        return good

    def code(
        self, data: Table, key: str, path: Key, codes: Collection[str], required: bool = True
    ) -> str | None:
        value = self.text(data, key, path, required=required)
        if value is not None and value not in codes:
            self.problem((*path, key), f"{value!r} is not one of {', '.join(sorted(codes))}")
            return None
        return value

    def choice(
        self, data: Table, key: str, path: Key, enum: type[E], default: E | None
    ) -> E | None:
        value = data.get(key)
        if value is None:
            if default is None:
                self.problem((*path, key), "is required")
            return default
        if not isinstance(value, str):
            self.problem((*path, key), "must be a string (in quotes)")
            return None
        try:
            return enum(value)
        except ValueError:
            known = ", ".join(e.value for e in enum)
            self.problem((*path, key), f"{value!r} is not one of {known}")
            return None

    def flag(self, data: Table, key: str, path: Key, default: bool | None) -> bool | None:
        value = data.get(key, default)
        if value is None:
            self.problem((*path, key), "is required (true or false)")
        elif not isinstance(value, bool):
            self.problem((*path, key), "must be true or false")
            return None
        return value

    def cents(self, data: Table, key: str, path: Key) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem((*path, key), "must be a whole number of euro cents (0 or more)")
            return None
        return value

    def day(self, data: Table, key: str, path: Key, required: bool) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "is required (a date such as 2026-01-01)")
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.problem((*path, key), "must be a date such as 2026-01-01 (no time)")
        return None
