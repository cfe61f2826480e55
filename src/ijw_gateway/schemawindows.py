"""Schema validation of long lists in windows, so that errors cost their own size.

lxml gives every schema error the path of its element, computed when the error is
reported by walking all preceding siblings of the element and of each ancestor. With an
error in each of n clients that is n² steps: a 25 MB JW323 with a bad value on every
line took 7 s in the schema alone, and small list items make it minutes. So a list of
more than ``WINDOW`` items is validated a window at a time: its items are taken out of
the tree and put back one window per pass, the rest of the document staying in place,
and the errors are put together in the order one pass over the whole tree reports them.

That gives the same errors because iJw schemas have no identity constraints (what is
valid inside one item never depends on another) and every list is unbounded (each
``maxOccurs`` is 1 or unbounded), so a window of items is accepted exactly when the whole
list is; paths are renumbered to the items' places in the whole list. Should the passes
ever disagree about the rest of the document, the caller validates in one pass instead.
The tree is put back as it was: comments and PIs between items travel with them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from ijw_gateway.catalogue.structure import MESSAGES, SHARED_CLASSES, SIMPLE_TYPES, Element
from ijw_gateway.errors import IjwGatewayError

WINDOW = 256  # items per window; lists of this many or fewer are validated whole
MAX_PASSES = 512  # a longer list gets longer windows: the rest is validated once a pass
MIN_BYTES = 16_384  # smaller documents go in one pass: even an error on each of the at most
# ~1,800 items they can hold costs milliseconds, less than looking for lists would add to
# every small message (the usual JW301 of 2–8 kB)

Error = tuple[str, int, str]  # (path as libxml2 writes it, line, message)


@dataclass
class _Run:
    """The leading items of one list, cut into windows."""

    parent: etree._Element
    nodes: list[etree._Element]  # the items and any comments or PIs among them, in order
    windows: list[tuple[int, int, int]]  # (first node, end node, items before the window)
    step: str = ""  # the items' path as libxml2 writes it, without a position
    shown: int = 0

    def show(self, number: int) -> None:
        """Put window ``number`` before whatever follows the items; past the last window
        the first item alone (the list may not be empty), whose errors are not new."""
        if number < len(self.windows):
            first, end, _before = self.windows[number]
            nodes = self.nodes[first:end]
        else:
            nodes = [next(n for n in self.nodes if isinstance(n.tag, str))]
        self.parent[0:0] = nodes
        self.shown = len(nodes)

    def hide(self) -> None:
        del self.parent[: self.shown]
        self.shown = 0

    def owns(self, path: str) -> bool:
        rest = path[len(self.step) :] if path.startswith(self.step) else None
        return rest is not None and (not rest or rest[0] in "[/")

    def renumbered(self, path: str, window: int) -> str:
        """The path of an error inside window ``window`` as in the whole list."""
        position, _, below = path[len(self.step) + 1 :].partition("]")
        return f"{self.step}[{int(position) + self.windows[window][2]}]{below}"


def _cut(parent: etree._Element) -> _Run | None:
    """The windows of the leading items of ``parent`` (the elements named like its first
    element), when there are more than ``WINDOW`` of them."""
    nodes = list(parent)
    elements = [i for i, node in enumerate(nodes) if isinstance(node.tag, str)]
    if not elements:
        return None
    tag = nodes[elements[0]].tag
    items = list(itertools.takewhile(lambda i: nodes[i].tag == tag, elements))
    if len(items) <= WINDOW:
        return None
    end = elements[len(items)] if len(items) < len(elements) else len(nodes)
    size = max(WINDOW, -(-len(items) // MAX_PASSES))
    windows, first, done = [], 0, 0
    while done < len(items):
        last = min(done + size, len(items))
        if len(items) - last < 2:  # no window of one item: its path would have no position
            last = len(items)
        stop = items[last] if last < len(items) else end
        windows.append((first, stop, done))
        first, done = stop, last
    return _Run(parent, nodes[:end], windows)


@lru_cache(maxsize=64)
def _lists(message: str) -> tuple[str, ...]:
    """Where the lists of a message sit: paths below the root of the elements whose
    class holds a repeated element (``Clienten``, ``Prestaties`` …). Nowhere else can
    many siblings all be validated: a second one is not expected, and libxml2 skips
    whatever follows an element it did not expect."""
    structure = MESSAGES[message]
    found: list[str] = []

    def walk(sequence: tuple[Element, ...], path: str) -> None:
        for element in sequence:
            if element.type in SIMPLE_TYPES:
                continue
            inner = (SHARED_CLASSES if element.is_shared else structure.classes)[element.type]
            here = f"{path}/{{*}}{element.name}".lstrip("/")
            if any(e.repeated for e in inner):
                found.append(here)
            walk(inner, here)

    walk(structure.classes["Root"], "")
    return tuple(found)


_ELEMENTS = etree.XPath("count(//*)")  # in C: rules out a small document in about 1.5 µs


def _runs(root: etree._Element, message: str) -> list[_Run]:
    """The outermost long lists of the tree, in document order."""
    count = _ELEMENTS(root)
    if not isinstance(count, float) or count <= WINDOW:
        return []
    runs: dict[etree._Element, _Run] = {}
    for path in _lists(message):
        for parent in root.iterfind(path):
            if len(parent) <= WINDOW or any(a in runs for a in parent.iterancestors()):
                continue
            run = _cut(parent)
            if run is not None:
                runs[parent] = run
    return sorted(runs.values(), key=lambda run: _position(run.parent))


def _position(element: etree._Element) -> list[int]:
    """Where an element sits in document order: its index at every level."""
    steps = []
    for node in (element, *element.iterancestors()):
        parent = node.getparent()
        steps.append(parent.index(node) if parent is not None else 0)
    return steps[::-1]


def validate(
    schema: etree.XMLSchema, tree: etree._ElementTree, message: str, size: int | None = None
) -> list[Error] | None:
    """The errors of ``tree`` (of ``size`` bytes, when known) as one pass reports them;
    None when it has no long list (then one pass costs no more) or the passes disagree.
    The caller holds the schema's lock: validating and reading its error log must not
    interleave."""
    if (size is not None and size < MIN_BYTES) or message not in MESSAGES:
        return None
    runs = _runs(tree.getroot(), message)
    if not runs:
        return None
    for run in runs:
        del run.parent[: len(run.nodes)]
    try:
        return _passes(schema, tree, runs)
    except Disagree:
        return None
    finally:
        for run in runs:
            run.hide()
            run.parent[0:0] = run.nodes


def errors_of(schema: etree.XMLSchema) -> list[Error]:
    """The errors of the schema's last validation."""
    log: etree._ListErrorLog = schema.error_log
    return [(e.path or "/", e.line, e.message) for e in log]


class Disagree(IjwGatewayError):
    """Two passes reported different errors outside the lists."""


def _passes(schema: etree.XMLSchema, tree: etree._ElementTree, runs: list[_Run]) -> list[Error]:
    outside: list[Error] | None = None
    inside: dict[tuple[int, int], list[Error]] = {}  # (gap, run) -> errors in its windows
    for number in range(max(len(run.windows) for run in runs)):
        for run in runs:
            run.hide()
            run.show(number)
            run.step = run.step or _step(tree, run)
        schema.validate(tree)
        seen = list(_file(errors_of(schema), runs, number, inside))
        if outside is None:
            outside = seen
        elif seen != outside:
            raise Disagree
    return list(_merged(outside or [], inside, len(runs)))


def _step(tree: etree._ElementTree, run: _Run) -> str:
    first = next(n for n in run.parent if isinstance(n.tag, str))
    return tree.getpath(first).rpartition("[")[0]


def _file(
    errors: list[Error], runs: list[_Run], number: int, inside: dict[tuple[int, int], list[Error]]
) -> Iterator[Error]:
    """Yield the errors outside the lists; file those new in a window under their gap,
    the number of outside errors before them."""
    gap = 0
    for path, line, message in errors:
        owner = next((i for i, run in enumerate(runs) if run.owns(path)), None)
        if owner is None:
            gap += 1
            yield path, line, message
        elif number < len(runs[owner].windows):
            renumbered = runs[owner].renumbered(path, number)
            inside.setdefault((gap, owner), []).append((renumbered, line, message))


def _merged(
    outside: list[Error], inside: dict[tuple[int, int], list[Error]], runs: int
) -> Iterator[Error]:
    """Document order: in each gap the lists' errors, list by list, then the next error
    outside them."""
    for gap in range(len(outside) + 1):
        for owner in range(runs):
            yield from inside.get((gap, owner), ())
        if gap < len(outside):
            yield outside[gap]
