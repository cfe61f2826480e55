"""Within-message rules never raise, whatever is missing or malformed in a message.

The schema normally stops such documents first; the rules must still cope when they are
run on their own (e.g. with another schema bundle), so they get mangled documents here.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.fixtures import builders as b
from tests.support.within_kit import within_unchecked

BASE = [
    b.jw301(),
    b.jw305(),
    b.jw307(),
    b.jw315(),
    b.jw317(ongewijzigd=[1001]),
    b.jw319(antwoord="1", reden="8", woonplaats_gemeente="0599"),
    b.jw323(),
]
DOCS = [(str(m["message"]), b.to_bytes(m)) for m in BASE]
VALUES = ["", " ", "x", "0", "-1", "2026-13-45", "2024-02-29", "99999999999", "C", "83", "13"]


def mangle(data: bytes, edits: list[tuple[int, int, bool]]) -> bytes:
    tree = etree.fromstring(data)
    for index, value, remove in edits:
        elements = [e for e in tree.iter() if e.getparent() is not None]
        if not elements:
            break
        element = elements[index % len(elements)]
        parent = element.getparent()
        if remove and parent is not None:
            parent.remove(element)
        elif len(element) == 0:
            element.text = VALUES[value % len(VALUES)]
    return etree.tostring(tree)


@settings(max_examples=200, deadline=None)
@given(
    doc=st.sampled_from(DOCS),
    edits=st.lists(
        st.tuples(st.integers(0, 500), st.integers(0, 50), st.booleans()), min_size=1, max_size=6
    ),
)
def test_rules_never_raise(doc: tuple[str, bytes], edits: list[tuple[int, int, bool]]) -> None:
    message, data = doc
    for finding in within_unchecked(mangle(data, edits), message):
        assert finding.retourcode == "0001"
