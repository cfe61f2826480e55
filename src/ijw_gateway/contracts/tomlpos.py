"""Line numbers for TOML keys: tomllib parses values but forgets where they were.

A configuration error is only useful when it says *where*: ``contracts.toml:41:
providers[2].contracts[0].products[1].tariff: …``. This scanner walks a document that
tomllib has already accepted and records the line of every key, table and array element
under the same path the loaded data has (``("providers", 2, "contracts", 0, ...)``).
It trusts the syntax to be valid and only tracks structure.
"""

from __future__ import annotations

import bisect
import re

Key = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[Key, int] = {}
        self.arrays: dict[Key, int] = {}  # array-of-tables path -> last index

    def line(self) -> int:
        return bisect.bisect_left(self.newlines, self.i) + 1

    def mark(self, key: Key) -> None:
        self.lines.setdefault(key, self.line())

    def at(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def skip(self, newlines: bool) -> None:
        while self.i < len(self.s):
            char = self.s[self.i]
            if char in " \t" or (newlines and char in "\r\n"):
                self.i += 1
            elif char == "#":
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else (end + 1 if newlines else end)
            else:
                return

    def string(self) -> str:
        for quote in ('"""', "'''"):
            if self.at(quote):
                return self._multiline(quote)
        quote = self.s[self.i]
        self.i += 1
        out: list[str] = []
        while self.s[self.i] != quote:
            if quote == '"' and self.s[self.i] == "\\":
                self.i += 1
                out.append(_ESCAPES.get(self.s[self.i], self.s[self.i]))
            else:
                out.append(self.s[self.i])
            self.i += 1
        self.i += 1
        return "".join(out)

    def _multiline(self, quote: str) -> str:
        start = self.i = self.i + 3
        while not self.at(quote):
            self.i += 2 if quote == '"""' and self.s[self.i] == "\\" else 1
        while self.s.startswith(quote, self.i + 1):  # up to two quotes may close the body
            self.i += 1
        text = self.s[start : self.i]
        self.i += 3
        return text

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip(newlines=False)
            if self.s[self.i] in "\"'":
                parts.append(self.string())
            else:
                match = _BARE.match(self.s, self.i)
                assert match is not None, "tomllib accepted the document"
                parts.append(match.group())
                self.i = match.end()
            self.skip(newlines=False)
            if not self.at("."):
                return parts
            self.i += 1

    def resolve(self, parts: list[str]) -> Key:
        path: Key = ()
        for part in parts:
            path = (*path, part)
            if path in self.arrays:
                path = (*path, self.arrays[path])
        return path

    def header(self) -> Key:
        double = self.at("[[")
        self.i += 2 if double else 1
        parts = self.key()
        self.i += 2 if double else 1
        if not double:
            path = self.resolve(parts)
            self.mark(path)
            return path
        parent = self.resolve(parts[:-1])
        array = (*parent, parts[-1])
        index = self.arrays.get(array, -1) + 1
        self.arrays[array] = index
        self.mark(array)
        self.mark((*array, index))
        return (*array, index)

    def pair(self, table: Key) -> None:
        self.mark(table)
        path: Key = table
        for part in self.key():
            path = (*path, part)
            self.mark(path)
        self.i += 1  # "="
        self.skip(newlines=False)
        self.value(path)

    def value(self, path: Key) -> None:
        char = self.s[self.i]
        if char == "[":
            self._array(path)
        elif char == "{":
            self._inline(path)
        elif char in "\"'":
            self.string()
        else:
            match = _SCALAR_END.search(self.s, self.i)
            self.i = match.start() if match else len(self.s)

    def _array(self, path: Key) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.at("]"):
                self.i += 1
                return
            self.mark((*path, index))
            self.value((*path, index))
            index += 1
            self.skip(newlines=True)
            if self.at(","):
                self.i += 1

    def _inline(self, path: Key) -> None:
        self.i += 1
        while True:
            self.skip(newlines=False)
            if self.at("}"):
                self.i += 1
                return
            self.pair(path)
            self.skip(newlines=False)
            if self.at(","):
                self.i += 1

    def document(self) -> dict[Key, int]:
        table: Key = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            if self.at("["):
                table = self.header()
            else:
                self.pair(table)


def key_lines(text: str) -> dict[Key, int]:
    """The 1-based line of every key, table and array element of a valid TOML document."""
    return _Scanner(text).document()


def line_of(lines: dict[Key, int], key: Key) -> int:
    """The line of ``key``, or of its nearest ancestor that has one (at least line 1)."""
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return 1


def dotted(key: Key) -> str:
    """``("providers", 2, "agb")`` -> ``providers[2].agb``: how a field is named in errors."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"
