"""Reading iJw elements: local names, child lookups, texts and dates, for every layer.

An iJw message mixes two namespaces (the message's own and the basisschema's), and which
element lives where is a detail no reader should have to repeat: the rules, the history's
records, routing, the contracts' items and detection all read through these helpers.
Every helper walks element paths by *local name*, the way RULES.md writes them, and
skips comments and processing instructions. Paths are relative to the element given;
steps are separated by ``/``; there are no predicates or wildcards, on purpose.

iJw dates are plain ``xs:date`` values without a time zone (RS032), so they are read with
``date.fromisoformat``; a value that is no real date reads as None.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from lxml import etree

Element = etree._Element


def local_name(element: Element) -> str:
    """The local name of an element (no namespace); "" for comments and PIs. String work,
    not ``etree.QName``: it runs for every element of a message."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@lru_cache(maxsize=1024)
def _any_namespace(path: str) -> str:
    """``Product/Code`` -> ``{*}Product/{*}Code``: lxml matches that in C, per step."""
    return "/".join("{*}" + step for step in path.split("/"))


def children(element: Element, name: str) -> list[Element]:
    """The direct children of ``element`` called ``name``, in document order."""
    return list(element.iterchildren(_any_namespace(name)))


def child(element: Element | None, *names: str) -> Element | None:
    """The first child called ``names[0]``, its first child called ``names[1]``, and so
    on; None when a step finds none (or ``element`` is None)."""
    node = element
    for name in names:
        if node is None:
            return None
        node = next(node.iterchildren(_any_namespace(name)), None)
    return node


_remembered = threading.local()


@contextmanager
def remembering() -> Iterator[None]:
    """Inside this block (one thread, one unchanging tree) ``find_all`` answers a question
    it was asked before from memory: the rules of a stage ask the same paths of the same
    elements many times (about 70 lookups for a JW301, half of them repeats)."""
    previous = getattr(_remembered, "found", None)
    _remembered.found = {}
    try:
        yield
    finally:
        _remembered.found = previous


def find_all(element: Element, path: str) -> list[Element]:
    """Every element reached by ``path``; each step may match several siblings."""
    memory: dict[tuple[Element, str], list[Element]] | None = getattr(_remembered, "found", None)
    if memory is None:
        return element.findall(_any_namespace(path))
    found = memory.get((element, path))
    if found is None:
        # Keeping the element keeps its proxy alive, so the same node is the same key.
        found = memory[(element, path)] = element.findall(_any_namespace(path))
    return list(found)  # a copy: a caller may change the list it gets


def find(element: Element | None, path: str) -> Element | None:
    """The first element reached by ``path``, or None (also when ``element`` is None)."""
    if element is None:
        return None
    matches = find_all(element, path)
    return matches[0] if matches else None


def text(element: Element | None) -> str | None:
    """The text of an element exactly as written, or None when there is no element."""
    if element is None:
        return None
    return element.text or ""


def text_at(element: Element | None, path: str) -> str | None:
    """The text of the first element at ``path``, or None when it is absent."""
    return text(find(element, path))


def has(element: Element | None, path: str) -> bool:
    """Whether an element exists at ``path``."""
    return find(element, path) is not None


def iter_paths(element: Element, paths: tuple[str, ...]) -> Iterator[Element]:
    """Every element reached by any of ``paths``, path by path."""
    for path in paths:
        yield from find_all(element, path)


class Fields:
    """The texts of an element's children and grandchildren by path (``ProductPeriode/
    Begindatum``; the first of each name), read in one walk: ``text`` answers what
    ``text_at`` answers for such a path, without a lookup per path (a Prestatie's 16
    facts, or a class's key, cost one walk instead of a lookup each)."""

    def __init__(self, element: Element) -> None:
        self.texts: dict[str, str] = {}
        for node in element:
            name = local_name(node)
            if name:
                self.texts.setdefault(name, node.text or "")
                for inner in node:
                    if below := local_name(inner):
                        self.texts.setdefault(f"{name}/{below}", inner.text or "")

    def has(self, path: str) -> bool:
        return path in self.texts

    def text(self, path: str) -> str | None:
        return self.texts.get(path)


def parse_date(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` string as a date; None when absent or not a real date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def date_of(element: Element | None) -> date | None:
    """The date written in an element, or None."""
    return parse_date(text(element))


def date_at(element: Element | None, path: str) -> date | None:
    """The date at ``path`` below ``element``, or None."""
    return parse_date(text_at(element, path))


def message_date(root: Element) -> date | None:
    """The message's own Dagtekening (``Header/BerichtIdentificatie/Dagtekening``)."""
    return date_at(root, "Header/BerichtIdentificatie/Dagtekening")
