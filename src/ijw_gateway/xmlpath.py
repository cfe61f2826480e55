"""Element paths in findings: ``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]``.

Paths leave out namespace prefixes and give a 1-based position only where an element has
siblings of the same name, so they read like the standard's own element paths.

Positions are counted once per parent (``Paths``): counting an element's siblings for
every path made a finding on each of n clients cost n² (a 23.5 MB JW323 took minutes).
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from ijw_gateway.elements import local_name

_PREFIX = re.compile(r"(?<=/)[A-Za-z0-9_.-]+:")


class Paths:
    """The element paths of one tree that does not change while the object is used.

    Each parent's children are numbered once, when a path first passes through it, and
    every path is kept, so a path costs its own steps however many siblings they have.
    Keeping the elements also keeps their lxml proxies, so the same node stays the same
    key. Make one per message (``ParsedMessage.paths``) or per pass over a tree.
    """

    def __init__(self) -> None:
        self._steps: dict[etree._Element, str] = {}
        self._paths: dict[etree._Element, str] = {}
        self.numbered = 0  # children numbered so far: the work done, for tests to count

    def of(self, element: etree._Element) -> str:
        """The element path of ``element``."""
        pending: list[etree._Element] = []
        node: etree._Element | None = element
        while node is not None and node not in self._paths:
            pending.append(node)
            node = node.getparent()
        path = "" if node is None else self._paths[node]
        for step in reversed(pending):
            path = f"{path}/{self._step(step)}"
            self._paths[step] = path
        return path

    def _step(self, element: etree._Element) -> str:
        step = self._steps.get(element)
        if step is None:
            parent = element.getparent()
            if parent is None:
                return local_name(element)
            self._number(parent)
            step = self._steps[element]
        return step

    def _number(self, parent: etree._Element) -> None:
        children = list(parent)
        self.numbered += len(children)
        counts = Counter(child.tag for child in children)
        seen: Counter[object] = Counter()
        for child in children:
            name = local_name(child)
            if counts[child.tag] > 1:
                seen[child.tag] += 1
                name = f"{name}[{seen[child.tag]}]"
            self._steps[child] = name


def path_of(element: etree._Element) -> str:
    """The element path of one element; for many paths in one tree keep a ``Paths``."""
    return Paths().of(element)


def strip_prefixes(xpath: str) -> str:
    """``/jw301:Bericht/jw301:Client`` (as libxml2 reports it) -> ``/Bericht/Client``."""
    return _PREFIX.sub("", xpath)


def line_of(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) and line > 0 else 1
