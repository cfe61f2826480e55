"""The no-extra-data screen: refuse content outside the iJw standard, before the schema.

A schema error says *that* a document is wrong; this screen says *why it is refused*:
under Jeugdwet art. 2.15 lid 2 with Regeling Jeugdwet art. 6c.1 nothing beyond the
standard's messages may be asked of a provider, so extension content is a policy matter,
recorded for the region's report.

Refused: elements or attributes in a foreign namespace, elements the standard does not
define (extensions), attributes on iJw elements, ``xsi:type``/``xsi:nil`` (they change how
content is read), processing instructions, and embedded attachments (a base64 run or a
``data:`` URI) in element text or comments.
Allowed: ``xsi:schemaLocation``/``xsi:noNamespaceSchemaLocation`` (schema hints that
carry no data and that the schema itself admits), unused namespace declarations, and
comments (receivers ignore them and the standard gives them no meaning) unless they hold
an attachment. An element of the standard in the wrong place (misplaced, or one of
another message) is a schema fault, not extra data: the schema reports it, and the screen
only looks inside it. Element *content* never appears in a finding or a refusal record, nor
does a name the standard does not define (of an element, attribute, namespace or
processing instruction): a sender can write a BSN or a name there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from functools import lru_cache

from lxml import etree

from ijw_gateway.catalogue import texts
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.catalogue.structure import ELEMENT_NAMES, MESSAGES, SHARED_CLASSES, SIMPLE_TYPES
from ijw_gateway.contracts.items import parties
from ijw_gateway.contracts.refusals import RULE_CITATION, Refusal, RefusalLog
from ijw_gateway.elements import child, local_name
from ijw_gateway.findings import Finding
from ijw_gateway.namespaces import IJW_ROOT
from ijw_gateway.validation import Screen
from ijw_gateway.xmlpath import Paths, line_of

RULE = "NO-EXTRA-DATA"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ALLOWED_ATTRIBUTES = frozenset({f"{{{XSI}}}schemaLocation", f"{{{XSI}}}noNamespaceSchemaLocation"})
_ATTACHMENT = re.compile(r"data:[\w.+-]+/[\w.+-]+;base64,|[A-Za-z0-9+/]{64,}={0,2}")
_IDENT = re.compile(r"[A-Za-z0-9._-]{1,12}")
_MAX_WHAT = 5  # the refusal record names the first few things found


def no_extra_data_screen(log: RefusalLog | None = None, lang: str = "en") -> Screen:
    """A validator screen that refuses content outside the standard and records why."""

    def screen(tree: etree._ElementTree, message: str) -> list[Finding]:
        found = list(_scan(tree, message, lang))
        if found and log is not None:
            log.record(refusal_for(tree, message, [what for _f, what in found]))
        return [f for f, _what in found]

    return screen


def extra_content(tree: etree._ElementTree, message: str, lang: str = "en") -> Iterator[Finding]:
    """Every piece of content in ``tree`` that the standard does not define."""
    return (f for f, _what in _scan(tree, message, lang))


Found = tuple[Finding, str]  # the finding and, for the refusal record, what (in English)


def _scan(tree: etree._ElementTree, message: str, lang: str) -> Iterator[Found]:
    root = tree.getroot()
    if message not in MESSAGES:
        return
    say = _Sayer(lang)
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        yield from _misc(say, sibling, root)
    found: list[Found] = []
    _element(say, root, _plan(message, None, False), found)
    yield from found


Plan = Mapping[str, "Plan | None"]
"""Per expected child tag, what may appear inside it (None: a value, no elements)."""


@lru_cache(maxsize=1024)
def _plan(message: str, type_: str | None, shared: bool) -> Plan:
    """What may appear inside a class of ``message`` (``type_`` None: the root), with the
    plans of its classes: looked up once per element of every message screened."""
    structure = MESSAGES[message]
    if type_ is None:
        sequence = structure.classes["Root"]
    else:
        sequence = (SHARED_CLASSES if shared else structure.classes)[type_]
    namespace = structure.basis if shared else structure.namespace
    return {
        f"{{{namespace}}}{e.name}": None
        if e.type in SIMPLE_TYPES
        else _plan(message, e.type, e.is_shared)
        for e in sequence
    }


class _Sayer:
    """Builds NO-EXTRA-DATA findings in one language, for one pass over one tree."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.base = rules()[RULE].text(lang)
        self.paths = Paths()  # thousands of unknown siblings are numbered once, not each time

    def __call__(
        self, node: etree._Element, anchor: etree._Element, key: str, **values: object
    ) -> Found:
        """The finding of ``screen.<key>`` (``texts.toml``) at ``anchor``, and what the
        refusal log notes of it (in English)."""
        en = texts.say(f"screen.{key}", "en", **values)
        detail = en if self.lang == "en" else texts.say(f"screen.{key}", self.lang, **values)
        text = f"{self.base} {detail}"
        where = self.paths.of(anchor)
        what = f"{en.removeprefix('Found: ').rstrip('.')} at {where}"
        return Finding("policy", RULE, None, where, line_of(node), text), what


def _element(say: _Sayer, element: etree._Element, plan: Plan | None, found: list[Found]) -> None:
    """Screen ``element`` and what it holds, depth first, into ``found`` (a plain loop:
    generators nested per level cost more than the screening itself)."""
    if element.attrib:
        found.extend(_attributes(say, element))
    if plan is None:
        found.extend(_text(say, element))
    for node in element:
        tag = node.tag
        if not isinstance(tag, str):
            found.extend(_misc(say, node, element))
        elif plan is not None and tag in plan:
            _element(say, node, plan[tag], found)
        elif _of_the_standard(node):
            _element(say, node, None, found)  # misplaced: the schema's fault
        else:
            found.append(_unknown(say, node, element))


def _of_the_standard(node: etree._Element) -> bool:
    """An element the iJw standard defines, wherever it stands (not an extension)."""
    qname = etree.QName(node)
    return (qname.namespace or "").startswith(IJW_ROOT) and qname.localname in ELEMENT_NAMES


def _unknown(say: _Sayer, node: etree._Element, parent: etree._Element) -> Found:
    """An element the message does not define, said without its name or namespace (a
    sender's text: it may be a BSN or a name) and placed at its parent."""
    namespace = etree.QName(node).namespace or ""
    if namespace.startswith("http://www.istandaarden.nl/ijw/"):
        return say(node, parent, "unknown_element")
    if namespace:
        return say(node, parent, "foreign_element")
    return say(node, parent, "element_without_namespace")


def _attributes(say: _Sayer, element: etree._Element) -> Iterator[Found]:
    """Attributes other than the schema hints, said without their names (but for
    ``xsi:type`` and ``xsi:nil``, which XML Schema defines) or namespaces."""
    for name in element.attrib:
        key = str(name)
        if key in ALLOWED_ATTRIBUTES:
            continue
        qname = etree.QName(key)
        if qname.namespace == XSI and qname.localname in ("type", "nil"):
            yield say(element, element, "xsi_attribute", name=qname.localname)
        elif qname.namespace:
            yield say(element, element, "foreign_attribute")
        else:
            yield say(element, element, "attribute")


def _text(say: _Sayer, element: etree._Element) -> Iterator[Found]:
    if element.text and _ATTACHMENT.search(element.text):
        yield say(element, element, "attachment", name=local_name(element))


def _misc(say: _Sayer, node: etree._Element, parent: etree._Element) -> Iterator[Found]:
    """Processing instructions are refused; comments only when they hold an attachment."""
    if isinstance(node, etree._ProcessingInstruction):  # its target is the sender's text
        yield say(node, parent, "processing_instruction")
    elif isinstance(node, etree._Comment) and node.text and _ATTACHMENT.search(node.text):
        yield say(node, parent, "comment_attachment")


def refusal_for(tree: etree._ElementTree, message: str, found: list[str]) -> Refusal:
    """The record of a refused message: parties, date and what was found — no content."""
    root = tree.getroot()
    who = parties(message, root)
    header = child(root, "Header")
    ident = (
        (_text_of(child(header, "BerichtIdentificatie", "Identificatie")) or "")
        if (header is not None)
        else ""
    )
    what = "; ".join(found[:_MAX_WHAT])
    if len(found) > _MAX_WHAT:
        what += f"; and {len(found) - _MAX_WHAT} more"
    return Refusal(
        source="message",
        municipality=_code(who.gemeente if who else None, r"[0-9]{4}"),
        provider=_code(who.agb if who else None, r"[0-9]{8}"),
        on=_dagtekening(header),
        subject=f"{message} {ident}" if _IDENT.fullmatch(ident) else message,
        what=what,
        rule=RULE,
        why=f"content outside the iJw standard ({RULE_CITATION})",
    )


def _text_of(element: etree._Element | None) -> str | None:
    return (element.text or "").strip() if element is not None else None


def _code(value: str | None, pattern: str) -> str | None:
    return value if value is not None and re.fullmatch(pattern, value) else None


def _dagtekening(header: etree._Element | None) -> date | None:
    text = (
        _text_of(child(header, "BerichtIdentificatie", "Dagtekening"))
        if header is not None
        else None
    )
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
