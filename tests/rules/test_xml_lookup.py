"""The element lookup every layer reads through (``elements``): by local name, and
remembered within one rule stage."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.elements import Fields, child, find_all, local_name, remembering, text_at

DOC = b"""<r xmlns="urn:a" xmlns:b="urn:b">
  <p><b:c>1</b:c><c>2</c></p>
  <p><c>3</c></p>
</r>"""


def _root() -> etree._Element:
    return etree.fromstring(DOC)


def test_steps_match_any_namespace_and_every_sibling() -> None:
    assert [e.text for e in find_all(_root(), "p/c")] == ["1", "2", "3"]
    assert text_at(_root(), "p/c") == "1" and text_at(_root(), "p/x") is None


def test_child_follows_the_first_of_each_name_in_any_or_no_namespace() -> None:
    root = _root()
    assert child(root, "p", "c") is root[0][0]  # the first p's first c, in urn:b
    assert child(root, "p") is root[0] and child(root) is root
    assert child(root, "p", "x") is None and child(None, "p") is None
    bare = etree.fromstring(b"<r><!-- note --><p><c>4</c></p></r>")
    assert (node := child(bare, "p", "c")) is not None and node.text == "4"
    assert [local_name(e) for e in bare.iter()] == ["r", "", "p", "c"]


def test_remembered_answers_are_the_same_elements_and_copies() -> None:
    root = _root()
    with remembering():
        first = find_all(root, "p/c")
        first.clear()  # a caller changing its list changes nothing for the next one
        again = find_all(root, "p/c")
        assert [e.text for e in again] == ["1", "2", "3"]
        assert all(a is b for a, b in zip(again, find_all(root, "p/c"), strict=True))
        [second_p] = find_all(root, "p")[1:]
        assert [e.text for e in find_all(second_p, "c")] == ["3"]  # keyed by element too


def test_memory_ends_with_the_block_and_belongs_to_its_thread() -> None:
    root = _root()
    with remembering():
        find_all(root, "p")
        root.append(etree.Element("{urn:a}p"))
        assert len(find_all(root, "p")) == 2  # remembered: the block promises no changes
        seen: list[int] = []
        other = threading.Thread(target=lambda: seen.append(len(find_all(root, "p"))))
        other.start()
        other.join()
        assert seen == [3]  # another thread does not share this block's memory
    assert len(find_all(root, "p")) == 3


NAMES = ["p", "c", "{urn:b}c", "d"]


@st.composite
def _trees(draw: st.DrawFn) -> etree._Element:
    root = etree.Element("r")
    nodes = [root]
    for kind, under, text in draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(0, 99), st.sampled_from([None, "", " x"]))
        )
    ):
        parent = nodes[under % len(nodes)]
        if kind == 0:
            parent.append(etree.Comment("c"))
            continue
        node = etree.SubElement(parent, NAMES[kind % len(NAMES)])
        node.text = text
        nodes.append(node)
    return root


@given(_trees())
def test_fields_read_what_text_at_reads(root: etree._Element) -> None:
    fields = Fields(root)
    local = ["p", "c", "d", "x"]
    for path in local + [f"{a}/{b}" for a in local for b in local]:
        assert fields.text(path) == text_at(root, path), path
        assert fields.has(path) == (text_at(root, path) is not None)
