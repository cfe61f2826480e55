"""Walking our message catalogue alongside a document, and building valid content from it.

``annotate`` pairs every element of a document with what the catalogue says about it (a
``Slot``); ``build`` and ``complete`` fill in elements with valid values, so that classes no
published sample uses can be mutated too. Used by ``variants.py``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from ijw_gateway.catalogue.structure import (
    MESSAGES,
    SHARED_CLASSES,
    SIMPLE_TYPES,
    Element,
    SimpleType,
)
from ijw_gateway.namespaces import BASIS, message_namespace


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


def slot_of(message: str, owner: str, spec: Element, namespace: str) -> Slot:
    structure = MESSAGES[message]
    if spec.type in SIMPLE_TYPES:
        pattern = structure.element_pattern(owner, spec) or spec.pattern
        return Slot(spec, namespace, owner, simple=SIMPLE_TYPES[spec.type], pattern=pattern)
    if spec.type in SHARED_CLASSES:
        return Slot(spec, namespace, owner, spec.type, SHARED_CLASSES[spec.type], BASIS)
    children = structure.classes[spec.type]
    return Slot(spec, namespace, owner, spec.type, children, message_namespace(message))


def root_slot(message: str) -> Slot:
    return slot_of(message, "", Element("Bericht", "Root"), message_namespace(message))


def child_slot(message: str, parent: Slot, child: etree._Element) -> Slot | None:
    """The slot of a child element, or None when the catalogue has no place for it."""
    qname = etree.QName(child)
    if qname.namespace != parent.child_namespace:
        return None
    for spec in parent.children:
        if spec.name == qname.localname:
            return slot_of(message, parent.class_name or "", spec, parent.child_namespace)
    return None


def annotate(message: str, root: etree._Element) -> list[tuple[etree._Element, Slot | None]]:
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
}


def valid_value(slot: Slot) -> str:
    """A value that the element's datatype (and anonymous restriction) accepts."""
    simple = slot.simple
    assert simple is not None
    if slot.pattern is not None and slot.pattern.isdigit():
        return slot.pattern  # BerichtCode, BerichtVersie, BerichtSubversie
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


def build(message: str, slot: Slot) -> etree._Element:
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


def fill_missing(message: str, element: etree._Element, slot: Slot) -> None:
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


def complete(message: str, root: etree._Element) -> etree._Element:
    """A copy of a document with every optional element the catalogue allows filled in."""
    full = copy.deepcopy(root)
    for element, slot in annotate(message, full):
        if slot is not None and not slot.is_leaf:
            fill_missing(message, element, slot)
    return full


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def catalogue_document(message: str) -> bytes:
    """A message built from the catalogue alone: every element present, once."""
    return serialise(build(message, root_slot(message)))
