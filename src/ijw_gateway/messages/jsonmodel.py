"""Lossless translation between iJw XML and a JSON model that back-offices can use.

The JSON of a message is ``{"message": "JW301", "release": "3.2", "Header": {...},
"Client": {...}}``, for a message of any release the catalogue knows: one key per element, in the catalogue's order; values are the
element's text exactly as written (codes keep their leading zeros, dates stay strings);
an element that may repeat is always a list. XML -> JSON -> XML gives the same document,
canonically (C14N: namespaces, element order and text; formatting whitespace is not kept).
So a document that holds what the model has no place for — an attribute, a processing
instruction, text between elements, elements inside a value — is refused (``ModelError``)
rather than translated with a loss. Comments and the schema-location hints
(``xsi:schemaLocation``) carry no data and are not kept.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from itertools import chain

from lxml import etree

from ijw_gateway.catalogue.model import Element, MessageStructure
from ijw_gateway.catalogue.releases import DEFAULT, RELEASES
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import Unprocessable

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_HINTS = frozenset({f"{{{_XSI}}}schemaLocation", f"{{{_XSI}}}noNamespaceSchemaLocation"})

JsonValue = str | dict[str, "JsonValue"] | list["JsonValue"]
JsonObject = dict[str, JsonValue]


class ModelError(Unprocessable):
    """The XML or JSON does not fit the message catalogue."""

    code = "model_error"


def _message_of(root: etree._Element) -> MessageStructure:
    detected = detect(root)
    if not isinstance(detected, Detected):
        raise ModelError(f"not an iJw message of a release this gateway knows ({_KNOWN})")
    return RELEASES[detected.release].messages[detected.message]


_KNOWN = ", ".join(RELEASES)


@lru_cache(maxsize=512)
def _tags(sequence: tuple[Element, ...], namespace: str) -> tuple[str, ...]:
    return tuple(f"{{{namespace}}}{e.name}" for e in sequence)


def _class_to_json(
    structure: MessageStructure,
    node: etree._Element,
    sequence: tuple[Element, ...],
    namespace: str,
    only: Collection[str] | None = None,
) -> JsonObject:
    out: JsonObject = {}
    by_tag: dict[str, list[etree._Element]] = {}
    _only_elements(node)
    for child in node:  # one pass over the children, not one search per element name
        if isinstance(child.tag, str):
            by_tag.setdefault(child.tag, []).append(child)
    tags = _tags(sequence, namespace)
    for tag in by_tag:
        if tag not in tags:
            raise ModelError(f"unexpected element {tag.rpartition('}')[2]}")
    for element, tag in zip(sequence, tags, strict=True):
        if only is not None and element.name not in only:
            continue
        found = by_tag.get(tag, ())
        values = [_value_to_json(structure, element, f) for f in found]
        if element.repeated:
            if values:
                out[element.name] = list(values)
        elif len(values) > 1:
            raise ModelError(f"{element.name} occurs more than once")
        elif values:
            out[element.name] = values[0]
    return out


def _no_attributes(node: etree._Element) -> None:
    if any(name not in _HINTS for name in node.attrib):
        raise ModelError(f"{etree.QName(node).localname} carries an attribute; the model has none")


def _only_elements(node: etree._Element) -> None:
    """A class holds elements (and comments) only: anything else would be lost."""
    _no_attributes(node)
    if node.text and not node.text.isspace():
        raise ModelError(f"{etree.QName(node).localname} holds text between its elements")
    for child in node:
        if isinstance(child, etree._ProcessingInstruction):
            raise ModelError("the document holds a processing instruction")
        if child.tail and not child.tail.isspace():
            raise ModelError(f"{etree.QName(node).localname} holds text between its elements")


def _value_to_json(
    structure: MessageStructure, element: Element, node: etree._Element
) -> JsonValue:
    inner = structure.children(element)
    if inner is None:
        _no_attributes(node)
        if any(not isinstance(child, etree._Comment) for child in node):
            raise ModelError(f"{element.name} holds elements or instructions inside its value")
        return node.text or ""
    return _class_to_json(structure, node, inner[0], inner[1])


def to_json(root: etree._Element, only: Collection[str] | None = None) -> JsonObject:
    """The JSON model of a (schema-valid) message tree; with ``only``, of just those
    top-level classes (``("Header",)``: what an answer without a copied client needs)."""
    structure = _message_of(root)
    around = chain(root.itersiblings(preceding=True), root.itersiblings())
    if any(isinstance(node, etree._ProcessingInstruction) for node in around):
        raise ModelError("the document holds a processing instruction")
    body = _class_to_json(structure, root, structure.classes["Root"], structure.namespace, only)
    return {"message": structure.message, "release": structure.release, **body}


def class_to_json(
    node: etree._Element,
    message: str,
    path: Sequence[str],
    only: Collection[str] | None = None,
    release: str = DEFAULT.name,
) -> JsonObject:
    """The JSON of one class of a message: ``node`` is the element at ``path`` (element
    names from below the root); with ``only``, of just those of its elements. For an
    answer that copies a few classes of a large message, without converting all of it."""
    structure = RELEASES[release].messages[message]
    sequence, namespace = structure.classes["Root"], structure.namespace
    for name in path:
        inner = structure.children(next(e for e in sequence if e.name == name))
        if inner is None:
            raise ModelError(f"{name} is not a class")
        sequence, namespace = inner
    return _class_to_json(structure, node, sequence, namespace, only)


def _class_from_json(
    structure: MessageStructure,
    parent: etree._Element,
    data: Mapping[str, JsonValue],
    sequence: tuple[Element, ...],
    namespace: str,
) -> None:
    names = {e.name for e in sequence}
    unknown = [k for k in data if k not in names]
    if unknown:
        raise ModelError(
            f"unknown element(s) {', '.join(unknown)} in {etree.QName(parent).localname}"
        )
    for element in sequence:
        if element.name not in data:
            continue
        value = data[element.name]
        items = value if element.repeated and isinstance(value, list) else [value]
        for item in items:
            _value_from_json(structure, parent, element, item, namespace)


def _value_from_json(
    structure: MessageStructure,
    parent: etree._Element,
    element: Element,
    value: JsonValue,
    namespace: str,
) -> None:
    node = etree.SubElement(parent, f"{{{namespace}}}{element.name}")
    inner = structure.children(element)
    if inner is None:
        if not isinstance(value, str):
            raise ModelError(f"{element.name} must be a string")
        try:
            node.text = value
        except ValueError:  # control characters or lone surrogates: XML cannot hold them
            raise ModelError(f"{element.name} holds characters that XML cannot carry") from None
        return
    if not isinstance(value, dict):
        raise ModelError(f"{element.name} must be an object")
    _class_from_json(structure, node, value, inner[0], inner[1])


def from_json(data: Mapping[str, JsonValue]) -> etree._Element:
    """The XML tree of a JSON model; raises ModelError when it does not fit the catalogue."""
    release = data.get("release", DEFAULT.name)
    if not isinstance(release, str) or release not in RELEASES:
        raise ModelError(f"'release' must be one of {_KNOWN}")
    messages = RELEASES[release].messages
    message = data.get("message")
    if not isinstance(message, str) or message not in messages:
        raise ModelError(f"'message' must be one of {', '.join(messages)} (release {release})")
    structure = messages[message]
    namespace = structure.namespace
    root = etree.Element(
        f"{{{namespace}}}Bericht", nsmap={message.lower(): namespace, "ijw": structure.basis}
    )
    body = {k: v for k, v in data.items() if k not in ("message", "release")}
    _class_from_json(structure, root, body, structure.classes["Root"], namespace)
    return root


def to_xml_bytes(data: Mapping[str, JsonValue]) -> bytes:
    """Serialise a JSON model as an iJw XML file (UTF-8, declaration, no BOM)."""
    return etree.tostring(
        from_json(data), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
