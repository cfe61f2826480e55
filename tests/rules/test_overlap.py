"""The overlap sweep answers exactly what comparing every pair answered, in O(n log n)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.rules._dates import Period
from ijw_gateway.rules._overlap import earlier_overlaps, first_overlapping
from ijw_gateway.rules.cross_vow import _clashes_with, _groups, _Wanted
from ijw_gateway.rules.within_products import overlapping, product_key

DAY = date(2026, 1, 1)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    """Short, long, open and reversed (end before start) periods on a small calendar."""
    start = DAY + timedelta(days=draw(st.integers(0, 60)))
    end = draw(st.none() | st.integers(-5, 30))
    return Period(start, None if end is None else start + timedelta(days=end))


@given(st.lists(periods(), max_size=30), st.lists(periods(), max_size=10))
def test_first_overlapping_is_the_smallest_overlapping_index(
    items: list[Period], asked: list[Period]
) -> None:
    expected = [next((j for j, p in enumerate(items) if p.overlaps(q)), len(items)) for q in asked]
    assert first_overlapping(items, asked) == expected


def _element(product: tuple[str | None, str | None]) -> etree._Element:
    categorie, code = product
    element = etree.Element("ToegewezenProduct")
    if categorie is not None:
        node = etree.SubElement(element, "Product")
        etree.SubElement(node, "Categorie").text = categorie
        if code is not None:
            etree.SubElement(node, "Code").text = code
    return element


def _pairwise_tr302(items: list[tuple[etree._Element, Period]]) -> list[tuple[int, int]]:
    """The comparison TR302 made before: the first earlier item of the same product
    (any item when either has none) whose period overlaps."""
    found = []
    for i, (element, period) in enumerate(items):
        key = product_key(element)
        for j, (other, other_period) in enumerate(items[:i]):
            other_key = product_key(other)
            same = key is None or other_key is None or key == other_key
            if same and period.overlaps(other_period):
                found.append((i, j))
                break
    return found


products = st.sampled_from(
    [(None, None), ("45", None), ("45", "45A01"), ("45", "45A02"), ("44", None), ("44", "45A01")]
)


@given(st.lists(st.tuples(products, periods()), max_size=40))
def test_overlapping_finds_what_comparing_every_pair_found(
    drawn: list[tuple[tuple[str | None, str | None], Period]],
) -> None:
    items = [(_element(product), period) for product, period in drawn]
    index = {id(element): i for i, (element, _) in enumerate(items)}
    found = [(index[id(later)], index[id(earlier)]) for later, earlier in overlapping(items)]
    assert found == _pairwise_tr302(items)


def _same_product(a: _Wanted, b: _Wanted) -> bool:
    """TR361's comparison before: code, else category; no product clashes with anything."""
    if a.categorie is None or b.categorie is None:
        return True
    if a.code is not None and b.code is not None:
        return a.code == b.code
    return a.categorie == b.categorie


@given(st.lists(st.tuples(products, st.booleans(), periods()), max_size=30))
def test_tr361_groups_clash_as_the_pairwise_comparison(
    items: list[tuple[tuple[str | None, str | None], bool, Period]],
) -> None:
    package = [_Wanted(None, new, cat, code, period) for (cat, code), new, period in items]  # type: ignore[arg-type]
    expected = []
    for j, later in enumerate(package):
        clash = any(
            not (earlier.new and later.new)
            and _same_product(earlier, later)
            and earlier.period.overlaps(later.period)
            for earlier in package[:j]
        )
        expected.append(clash)
    found = earlier_overlaps(
        [w.period for w in package],
        [_groups(w) for w in package],
        [_clashes_with(w) for w in package],
    )
    assert [f is not None for f in found] == expected
