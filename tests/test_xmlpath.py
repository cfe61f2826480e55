"""Element paths: the same as counting siblings for every path, at a cost of its steps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.elements import local_name
from ijw_gateway.xmlpath import Paths, path_of

TAGS = ["A", "B", "{urn:x}A", "{urn:y}C"]


def _counted(element: etree._Element) -> str:
    """The former ``path_of``: each step counts the siblings of the same name."""
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


@st.composite
def trees(draw: st.DrawFn) -> etree._Element:
    root = etree.Element("Bericht")
    nodes = [root]
    for kind, parent in draw(
        st.lists(st.tuples(st.integers(0, 9), st.integers(0, 1000)), max_size=40)
    ):
        under = nodes[parent % len(nodes)]
        if kind == 0:
            under.append(etree.Comment("c"))
        elif kind == 1:
            under.append(etree.ProcessingInstruction("p"))
        else:
            nodes.append(etree.SubElement(under, TAGS[kind % len(TAGS)]))
    return root


@given(trees(), st.randoms())
def test_paths_are_those_of_counting_siblings(root: etree._Element, order: object) -> None:
    nodes = list(root.iter())
    order.shuffle(nodes)  # type: ignore[attr-defined]
    paths = Paths()
    for node in nodes:
        assert paths.of(node) == _counted(node) == path_of(node)


def test_each_parent_is_numbered_once() -> None:
    root = etree.Element("Clienten")
    clients = [etree.SubElement(root, "Client") for _ in range(1000)]
    paths = Paths()
    assert [paths.of(c) for c in clients][-1] == "/Clienten/Client[1000]"
    assert paths.numbered == 1000  # not 1000 × 1000
