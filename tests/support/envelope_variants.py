"""Mutants of envelope documents for the differential schema test.

Every mutation is one change an envelope might carry by mistake or by malice: an element
left out, doubled, moved, renamed or put in another namespace; text where elements belong;
a value replaced (empty, too long, a UUID in another version or spelling, timestamps and
version numbers of the wrong length, base64 that is not, …); attributes added (unknown,
StUF's own, xsi:nil) and xsi:type naming every type of the published schemas, with values
that such a type would accept. ``detailsXML`` content is skipped by both schemas.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

STUF = "http://www.egem.nl/StUF/StUF0301"
GGK = "http://www.stufstandaarden.nl/koppelvlak/ggk0210"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"

# Every length around a facet of the envelope's types, and digits around Tijdstip's.
_LENGTHS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 29, 30, 31, 36, 39, 40, 41, 49, 50, 51, 99)
_LENGTHS += (100, 101, 199, 200, 201, 254, 255, 256, 999, 1000, 1001)
VALUES = (
    "",
    " ",
    *("x" * n for n in _LENGTHS),
    *("1" * n for n in range(3, 19)),
    "0003",
    "003",
    "00003",
    "000a",
    " 0003",
    "0003 ",
    "٠٠٠٣",
    "20160421132514",
    "2016042113251",
    "20160421",
    "2016042",
    "20160421132514123",
    "201604211325141234",
    "2016-04-21",
    "0e09a81f-64a0-4793-b946-d6538fb3f37e",
    "0E09A81F-64A0-4793-B946-D6538FB3F37E",
    "0e09a81f-64a0-1793-b946-d6538fb3f37e",
    "0e09a81f-64a0-4793-c946-d6538fb3f37e",
    "0e09a81f64a04793b946d6538fb3f37e",
    "0e09a81f-64a0-4793-b946-d6538fb3f37e ",
    "{0e09a81f-64a0-4793-b946-d6538fb3f37e}",
    "0e09a81f-64a0-4793-b946-d6538fb3f37e-x",
    "Di01",
    "Du01",
    "Fo01",
    "Bv03",
    "Fo02",
    "Lk01",
    "di01",
    "client",
    "server",
    "CLIENT",
    "T",
    "W",
    "F",
    "Z",
    "SGVsbG8=",
    "SGVsbG8",
    "SGVs bG8=",
    "\n SGVs\n bG8=\n",
    "!!!!",
    "====",
    "SGVsbA==",
    "SGVsbB==",
    "SGVsbG8=SGVs",
    "PD94bWw/Pg==",
)
FILE_NAMES = ("abcd", "a.csv", "abc", "a b.csv", "x" * 255 + "", "x" * 256, "é.csv", "a_b-c.9")
ATTRIBUTES = (
    ("foo", "1"),
    (f"{{{STUF}}}foo", "1"),
    (f"{{{STUF}}}noValue", "geenWaarde"),
    (f"{{{STUF}}}noValue", "nee"),
    (f"{{{STUF}}}exact", "false"),
    (f"{{{STUF}}}indOnvolledigeDatum", "J"),
    (f"{{{STUF}}}entiteittype", "NPS"),
    ("bestandsnaam", "abcd.txt"),
    (f"{{{XSI}}}nil", "true"),
    ("{http://www.w3.org/XML/1998/namespace}lang", "nl"),
)
TYPE_VALUES = ("T", "W", "Fo01", "Bv03", "Di01", "20160421132514")


@dataclass(frozen=True)
class Variant:
    base: str
    change: str
    document: etree._Element


def type_names(reference_files: list[etree._ElementTree]) -> list[str]:
    """Every named type of the published schemas as ``StUF:Name``/``GGK:Name``, and a few
    built-in ones."""
    names = ["xs:string", "xs:base64Binary", "xs:anyType"]
    for tree in reference_files:
        root = tree.getroot()
        prefix = "GGK" if root.get("targetNamespace") == GGK else "StUF"
        for child in root:
            if child.tag in (f"{{{XS}}}simpleType", f"{{{XS}}}complexType"):
                names.append(f"{prefix}:{child.get('name')}")
    return sorted(set(names))


def _positions(root: etree._Element) -> list[tuple[int, ...]]:
    """Paths (child indexes) to every element below the root, outside detailsXML."""
    found: list[tuple[int, ...]] = []

    def walk(element: etree._Element, path: tuple[int, ...]) -> None:
        for index, child in enumerate(e for e in element if isinstance(e.tag, str)):
            found.append((*path, index))
            if etree.QName(child).localname != "detailsXML":
                walk(child, (*path, index))

    walk(root, ())
    return found


def _at(root: etree._Element, path: tuple[int, ...]) -> etree._Element:
    element = root
    for index in path:
        element = [e for e in element if isinstance(e.tag, str)][index]
    return element


def _mutant(
    root: etree._Element, path: tuple[int, ...], change: Callable[[etree._Element], None]
) -> etree._Element:
    copied = copy.deepcopy(root)
    change(_at(copied, path) if path else copied)
    return copied


def _structural(element: etree._Element) -> Iterator[tuple[str, Callable[[etree._Element], None]]]:
    def delete(e: etree._Element) -> None:
        e.getparent().remove(e)  # type: ignore[union-attr]

    def double(e: etree._Element) -> None:
        e.addnext(copy.deepcopy(e))

    def move(e: etree._Element) -> None:
        following = e.getnext()
        if following is not None:
            following.addnext(e)

    def rename(e: etree._Element) -> None:
        e.tag = f"{{{etree.QName(e).namespace}}}{etree.QName(e).localname}X"

    def other_namespace(e: etree._Element) -> None:
        e.tag = f"{{{GGK if etree.QName(e).namespace == STUF else STUF}}}{etree.QName(e).localname}"

    def stranger(e: etree._Element) -> None:
        e.addprevious(etree.Element(f"{{{STUF}}}extra"))

    def text_inside(e: etree._Element) -> None:
        if len(e):
            e[0].addprevious(etree.Comment("c"))
            e.text = "x"

    def child_inside(e: etree._Element) -> None:
        etree.SubElement(e, f"{{{STUF}}}child")

    yield from (
        ("delete", delete),
        ("double", double),
        ("move", move),
        ("rename", rename),
        ("namespace", other_namespace),
        ("stranger", stranger),
        ("text", text_inside),
        ("child", child_inside),
    )


def _values(element: etree._Element) -> Iterator[tuple[str, Callable[[etree._Element], None]]]:
    if len(element):
        return
    for value in VALUES:

        def put(e: etree._Element, value: str = value) -> None:
            e.text = value

        yield f"value {value[:12]!r}", put
    if etree.QName(element).localname == "tekstBestand":
        for name in FILE_NAMES:

            def named(e: etree._Element, name: str = name) -> None:
                e.set("bestandsnaam", name)

            yield f"file name {name[:12]!r}", named


def _attributes(element: etree._Element) -> Iterator[tuple[str, Callable[[etree._Element], None]]]:
    for name, value in ATTRIBUTES:

        def put(e: etree._Element, name: str = name, value: str = value) -> None:
            e.set(name, value)

        yield f"attribute {etree.QName(name).localname}={value}", put


def _xsi_types(
    element: etree._Element, names: list[str]
) -> Iterator[tuple[str, Callable[[etree._Element], None]]]:
    leaf = not len(element)
    for name in names:
        values = (None, *TYPE_VALUES) if leaf else (None,)
        for value in values:

            def typed(e: etree._Element, name: str = name, value: str | None = value) -> None:
                e.set(f"{{{XSI}}}type", name)
                if value is not None:
                    e.text = value

            yield f"xsi:type {name} {value}", typed
    for extra in ("noValue", "exact", "indOnvolledigeDatum"):
        for name in ("StUF:Tijdstip-e", "StUF:TijdstipMetIndicator", "StUF:Tijdstip-r"):

            def both(e: etree._Element, name: str = name, extra: str = extra) -> None:
                e.set(f"{{{XSI}}}type", name)
                e.set(f"{{{STUF}}}{extra}", "J" if extra == "indOnvolledigeDatum" else "true")

            yield f"xsi:type {name} with {extra}", both


def _declare(root: etree._Element) -> etree._Element:
    """The root with the prefixes xsi:type values use declared on it."""
    declared = etree.Element(root.tag, nsmap={"StUF": STUF, "GGK": GGK, "xs": XS, "xsi": XSI})
    for name, value in root.attrib.items():
        declared.set(name, value)
    declared.extend(copy.deepcopy(child) for child in root)
    return declared


def variants(base: str, document: etree._Element, names: list[str]) -> Iterator[Variant]:
    root = _declare(document)
    yield Variant(base, "as published", root)
    for path in [(), *_positions(root)]:
        element = _at(root, path) if path else root
        changes = [] if not path else list(_structural(element))
        changes += [*_values(element), *_attributes(element), *_xsi_types(element, names)]
        for change, mutate in changes:
            yield Variant(
                base, f"{'/'.join(map(str, path))}: {change}", _mutant(root, path, mutate)
            )
