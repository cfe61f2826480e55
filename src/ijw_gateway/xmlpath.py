"""Element paths in findings: ``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]``.

Paths leave out namespace prefixes and give a 1-based position only where an element has
siblings of the same name, so they read like the standard's own element paths.
"""

from __future__ import annotations

import re

from lxml import etree

_PREFIX = re.compile(r"(?<=/)[A-Za-z0-9_.-]+:")


def local_name(element: etree._Element) -> str:
    """The local name of an element (no namespace); "" for comments and PIs."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def path_of(element: etree._Element) -> str:
    """The element path of an element in its tree."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [s for s in parent if s.tag == node.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def strip_prefixes(xpath: str) -> str:
    """``/jw301:Bericht/jw301:Client`` (as libxml2 reports it) -> ``/Bericht/Client``."""
    return _PREFIX.sub("", xpath)


def line_of(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) and line > 0 else 1
