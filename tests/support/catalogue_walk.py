"""Walking our message catalogue alongside a document, and building valid content from it.

``annotate`` pairs every element of a document with what the catalogue says about it (a
``Slot``); ``build`` and ``complete`` fill in elements with valid values, so that classes no
published sample uses can be mutated too. Every message is a ``MessageStructure`` of its
release (``structure_of``: the exchange's release unless another is named). Used by
``variants.py``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from ijw_gateway.catalogue.model import Element, MessageStructure, SimpleType
from ijw_gateway.catalogue.releases import DEFAULT, RELEASES


@dataclass(frozen=True)
class Slot:
    """What the catalogue says about one element of a document."""

    spec: Element
    namespace: str
    owner: str  # the class that declares the element
    class_name: str | None = None  # for elements of a complex type
    children: tuple[Element, ...] = ()
    child_namespace: str = ""
    simple: SimpleType | None = None  # for elements of a simple type
    pattern: str | None = None  # an anonymous one-pattern restriction

    @property
    def is_leaf(self) -> bool:
        return self.simple is not None


# --- walking the catalogue -------------------------------------------------------------


def structure_of(message: str, release: str = DEFAULT.name) -> MessageStructure:
    return RELEASES[release].messages[message]


def slot_of(message: MessageStructure, owner: str, spec: Element, namespace: str) -> Slot:
    inner = message.children(spec)
    if inner is None:
        simple = message.simple_types[spec.type]
        return Slot(spec, namespace, owner, simple=simple, pattern=spec.pattern)
    return Slot(spec, namespace, owner, spec.type, inner[0], inner[1])


def root_slot(message: MessageStructure) -> Slot:
    return slot_of(message, "", Element("Bericht", "Root"), message.namespace)


def child_slot(message: MessageStructure, parent: Slot, child: etree._Element) -> Slot | None:
    """The slot of a child element, or None when the catalogue has no place for it."""
    qname = etree.QName(child)
    if qname.namespace != parent.child_namespace:
        return None
    for spec in parent.children:
        if spec.name == qname.localname:
            return slot_of(message, parent.class_name or "", spec, parent.child_namespace)
    return None


def annotate(
    message: MessageStructure, root: etree._Element
) -> list[tuple[etree._Element, Slot | None]]:
    """Every element of a document in document order, with its slot where it has one."""
    slots: dict[etree._Element, Slot | None] = {root: root_slot(message)}
    for element in root.iterdescendants(tag=etree.Element):
        parent_slot = slots.get(element.getparent())  # type: ignore[arg-type]
        slots[element] = (
            child_slot(message, parent_slot, element)
            if parent_slot is not None and not parent_slot.is_leaf
            else None
        )
    return list(slots.items())


# --- valid content ---------------------------------------------------------------------

_PATTERN_EXAMPLES = {
    "[0-9]{8}": "12345678",
    "[0-9]{9}": "999900006",
    "[0-9]{4}": "0599",
    "[0-9]*": "0612345678",
    "([a-zA-Z0-9])+": "DN42",
    "([a-zA-ZÀ-ỳ])+": "AB",
    "([.\\s]*\\S+[.\\s]*)+": "Een opmerking.",
    ".*[^\\s].*": "Tekst",
    "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)": "1.0.0",
    "NL[0-9]{9}B[0-9]{2}": "NL123456789B01",  # 2.3: a VAT number
    "(0{8})|98((00000[1-9])|(0000[1-9][0-9])|(000[1-9][0-9]{2})|(00[1-9][0-9]{3})|"
    "(0[1-9][0-9]{4})|([1-9][0-9]{5}))": "98000001",  # 2.3: a Servicebureau
}


def valid_value(slot: Slot) -> str:
    """A value that the element's datatype (and anonymous restriction) accepts."""
    simple = slot.simple
    assert simple is not None
    if slot.pattern is not None and slot.pattern.split("|")[0].isdigit():
        return slot.pattern.split("|")[0]  # BerichtCode, BerichtVersie, BerichtSubversie
    if slot.pattern is not None:
        return _PATTERN_EXAMPLES[slot.pattern]
    if simple.enumeration:
        return simple.enumeration[0]
    if simple.base == "date":
        return "2026-01-31"
    if simple.base == "time":
        return "12:30:00"
    if simple.base == "integer":
        return "7"
    value = _PATTERN_EXAMPLES[simple.pattern] if simple.pattern else "ID1"
    return value[: simple.max_length] if simple.max_length else value


def build(message: MessageStructure, slot: Slot) -> etree._Element:
    """A complete element for a slot: every optional child present, repeated ones once."""
    element = etree.Element(f"{{{slot.namespace}}}{slot.spec.name}")
    if slot.is_leaf:
        element.text = valid_value(slot)
        return element
    for spec in slot.children:
        element.append(
            build(message, slot_of(message, slot.class_name or "", spec, slot.child_namespace))
        )
    return element


def fill_missing(message: MessageStructure, element: etree._Element, slot: Slot) -> None:
    anchor: etree._Element | None = None
    for spec in slot.children:
        present = [
            c
            for c in element.iterchildren(tag=etree.Element)
            if etree.QName(c).localname == spec.name
        ]
        if present:
            anchor = present[-1]
            continue
        new = build(message, slot_of(message, slot.class_name or "", spec, slot.child_namespace))
        if anchor is None:
            element.insert(0, new)
        else:
            anchor.addnext(new)
        anchor = new


def complete(message: MessageStructure, root: etree._Element) -> etree._Element:
    """A copy of a document with every optional element the catalogue allows filled in."""
    full = copy.deepcopy(root)
    for element, slot in annotate(message, full):
        if slot is not None and not slot.is_leaf:
            fill_missing(message, element, slot)
    return full


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def catalogue_document(message: str, release: str = DEFAULT.name) -> bytes:
    """A message built from the catalogue alone: every element present, once."""
    structure = structure_of(message, release)
    return serialise(build(structure, root_slot(structure)))
