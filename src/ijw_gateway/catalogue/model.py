"""The shapes a release of iJw is described in: datatypes, classes, messages, the release.

A release is data (``ijw32``, ``ijw23``): its datatypes with their facets, its shared
classes, and per message the classes in the order the standard fixes. ``build_release``
turns that description into ``MessageStructure`` objects that know their own namespaces,
so the schema generator, the JSON translation and the fixture builders need nothing but
the structure in hand to work for any release.

Notation of a class: a space-separated sequence of ``Name[:Type][?|+]`` tokens. ``?`` is
optional, ``+`` is one or more. A type that starts with ``LDT_``/``CDT_`` lives in the
shared (basisschema) namespace; without a type, the element's type is the message's own
class of the same name. Return messages are *derived* from the message they answer where
the standard builds them so: the original header plus the return fields, and a
``RetourCodes`` list closing every class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ijw_gateway.namespaces import namespace_of

Label = tuple[str, str]  # (nl, en)
CodeLists = Mapping[str, Mapping[str, Label]]
Facets = tuple[tuple[str, str], ...]
"""An anonymous restriction of an element's named type: (XSD facet, value) pairs, such as
``(("pattern", "436"),)`` for a fixed BerichtCode."""


@dataclass(frozen=True)
class SimpleType:
    """A restricted XSD datatype (all iJw datatypes are restrictions of one base)."""

    base: str  # "string", "integer", "date" or "time"
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    enumeration: tuple[str, ...] = ()


@dataclass(frozen=True)
class Element:
    """One element in a class's sequence."""

    name: str
    type: str  # a SimpleType or class name; see ``is_shared``
    optional: bool = False
    repeated: bool = False
    facets: Facets = ()  # an anonymous restriction of ``type``

    @property
    def is_shared(self) -> bool:
        return self.type.startswith(("LDT_", "CDT_"))

    @property
    def pattern(self) -> str | None:
        """The pattern of the anonymous restriction, if it has one."""
        return dict(self.facets).get("pattern")

    @property
    def max_inclusive(self) -> int | None:
        value = dict(self.facets).get("maxInclusive")
        return int(value) if value is not None else None


Classes = Mapping[str, tuple[Element, ...]]


def parse_sequence(spec: str) -> tuple[Element, ...]:
    """Parse the compact class notation described in the module docstring."""
    elements = []
    for token in spec.split():
        optional = token.endswith("?")
        repeated = token.endswith("+")
        token = token.rstrip("?+")
        name, _, type_ = token.partition(":")
        elements.append(Element(name, type_ or name, optional, repeated))
    return tuple(elements)


def classes(specs: Mapping[str, str], local: Mapping[tuple[str, str], Facets]) -> Classes:
    """Class specs -> sequences, with the anonymous restrictions ``local`` names by
    (class, element) baked into their elements."""
    built = {}
    for name, spec in specs.items():
        built[name] = tuple(
            replace(e, facets=local[(name, e.name)]) if (name, e.name) in local else e
            for e in parse_sequence(spec)
        )
    return MappingProxyType(built)


@dataclass(frozen=True)
class MessageStructure:
    """Everything the schema generator and the JSON translation need for one message."""

    message: str  # "JW301"
    release: str  # "3.2"
    berichtcodes: tuple[str, ...]  # ("436",); a JW303 of release 2.3 has two
    sender_type: str  # "LDT_Gemeente" or "LDT_AgbCode"
    receiver_type: str
    classes: Classes  # includes "Root" and "Header"
    shared_classes: Classes = field(repr=False)
    simple_types: Mapping[str, SimpleType] = field(repr=False)

    @property
    def berichtcode(self) -> str:
        """The BerichtCode a message of this type is written with (the first, if several)."""
        return self.berichtcodes[0]

    @property
    def namespace(self) -> str:
        """``http://www.istandaarden.nl/ijw/3_2/jw301/schema`` for a JW301 of 3.2."""
        return namespace_of(self.release, self.message.lower())

    @property
    def basis(self) -> str:
        """The namespace of the release's shared datatypes and classes."""
        return namespace_of(self.release, "basisschema")

    def children(self, element: Element) -> tuple[tuple[Element, ...], str] | None:
        """The sequence and namespace of a complex element, or None for a simple one."""
        if element.type in self.simple_types:
            return None
        if element.is_shared:
            return self.shared_classes[element.type], self.basis
        return self.classes[element.type], self.namespace

    def leaves(self) -> Iterator[Element]:
        """Every declaration of a simple-typed element the message can hold, depth first."""

        def walk(sequence: tuple[Element, ...]) -> Iterator[Element]:
            for element in sequence:
                inner = self.children(element)
                if inner is None:
                    yield element
                else:
                    yield from walk(inner[0])

        return walk(self.classes["Root"])


@dataclass(frozen=True)
class XsdVersions:
    """The schema versions a release's published schemas state in their ``appinfo``: the
    version of each schema and the range of versions a message may declare."""

    appinfo: tuple[tuple[str, str], ...]  # (element, value) as the message schemas state
    basis_appinfo: tuple[tuple[str, str], ...]  # as the basisschema states
    retour: Mapping[str, str] | None = None  # the XsdVersie our answers state by default


@dataclass(frozen=True)
class Release:
    """One release of iJw as data: its messages, datatypes, code lists and answers."""

    name: str  # "3.2"
    versie: int  # BerichtVersie
    subversie: int  # BerichtSubversie
    messages: Mapping[str, MessageStructure]
    simple_types: Mapping[str, SimpleType]
    shared_classes: Classes
    codelists: CodeLists
    original_of: Mapping[str, str]  # return message -> the message it answers
    answered_by: Mapping[str, str]  # message -> the message that answers it
    exchanged: bool  # does the national exchange carry this release today?
    in_use: str  # when it was in production, for texts: "from April 2019 until 2021"
    xsd: XsdVersions
    replaced_by: Mapping[str, str] = field(default_factory=dict)  # message -> successor
    retourcodes_file: str | None = None  # explanations, beside the catalogue's modules

    def message_namespace(self, message: str) -> str:
        return namespace_of(self.name, message.lower())

    @property
    def basis(self) -> str:
        return namespace_of(self.name, "basisschema")

    def element_names(self) -> frozenset[str]:
        """Every element name the release defines."""
        return frozenset(
            {"Bericht"}
            | {e.name for s in self.messages.values() for seq in s.classes.values() for e in seq}
            | {e.name for seq in self.shared_classes.values() for e in seq}
        )


@dataclass(frozen=True)
class MessageSpec:
    """One message of a release as its data describes it."""

    berichtcodes: tuple[str, ...]
    sender: str
    receiver: str
    answers: str | None = None  # the message a return message answers
    header: str | None = None  # irregular: the whole header after the three fixed fields
    body: Mapping[str, str] | None = None  # irregular: its own classes
    answered_by: str | None = None  # a heen message answered by a message of its own


@dataclass(frozen=True)
class ReleaseSpec:
    """What ``build_release`` makes a ``Release`` of."""

    name: str
    versie: int
    subversie: int
    simple_types: Mapping[str, SimpleType]
    shared_classes: Mapping[str, str]
    heen_tail: str  # header of a heen message after Afzender and Ontvanger
    retour_tail: str  # what a return message adds to the copied header
    bodies: Mapping[str, Mapping[str, str]]  # heen message -> its classes below the header
    messages: Mapping[str, MessageSpec]
    local: Mapping[tuple[str, str, str], Facets]  # (message or "basis", class, element)
    codelists: CodeLists
    exchanged: bool
    in_use: str
    xsd: XsdVersions
    replaced_by: Mapping[str, str] = field(default_factory=dict)
    retourcodes_file: str | None = None


def _is_wrapper(sequence: tuple[Element, ...]) -> bool:
    """A list wrapper such as ``ToegewezenProducten`` holds one repeated class."""
    return len(sequence) == 1 and sequence[0].repeated


def retour_body(body: Mapping[str, str]) -> dict[str, str]:
    """Derive a return message's classes: the body becomes optional, classes get codes."""
    derived: dict[str, str] = {}
    for name, spec in body.items():
        if name == "Root":
            derived[name] = " ".join(t if t == "Header" else t + "?" for t in spec.split())
        elif _is_wrapper(parse_sequence(spec)):
            derived[name] = spec
        else:
            derived[name] = spec + " RetourCodes"
    derived["RetourCodes"] = "RetourCode:LDT_RetourCode+"
    return derived


def _fixed_header(spec: ReleaseSpec, codes: tuple[str, ...]) -> tuple[Element, ...]:
    def fixed(name: str, value: str) -> Element:
        return Element(name, f"LDT_{name}", facets=(("pattern", value),))

    return (
        fixed("BerichtCode", "|".join(codes)),
        fixed("BerichtVersie", str(spec.versie)),
        fixed("BerichtSubversie", str(spec.subversie)),
    )


def _message(spec: ReleaseSpec, message: str, shared: Classes) -> MessageStructure:
    entry = spec.messages[message]
    if entry.header is not None:
        header, body = entry.header, entry.body or {}
    elif entry.answers is not None:
        header = f"Afzender:{entry.sender} Ontvanger:{entry.receiver} {spec.retour_tail}"
        body = retour_body(spec.bodies[entry.answers])
    else:
        header = f"Afzender:{entry.sender} Ontvanger:{entry.receiver} {spec.heen_tail}"
        body = spec.bodies[message]
    local = {(c, e): f for (m, c, e), f in spec.local.items() if m == message}
    built = dict(classes(body, local))
    built["Header"] = (
        _fixed_header(spec, entry.berichtcodes) + classes({"Header": header}, local)["Header"]
    )
    return MessageStructure(
        message,
        spec.name,
        entry.berichtcodes,
        entry.sender,
        entry.receiver,
        MappingProxyType(built),
        shared,
        spec.simple_types,
    )


def build_release(spec: ReleaseSpec) -> Release:
    """The ``Release`` a description stands for, every structure built once."""
    basis_local = {(c, e): f for (m, c, e), f in spec.local.items() if m == "basis"}
    shared = classes(spec.shared_classes, basis_local)
    messages = MappingProxyType({m: _message(spec, m, shared) for m in spec.messages})
    original_of = {m: e.answers for m, e in spec.messages.items() if e.answers is not None}
    answered_by = {heen: retour for retour, heen in original_of.items()}
    answered_by |= {m: e.answered_by for m, e in spec.messages.items() if e.answered_by}
    return Release(
        name=spec.name,
        versie=spec.versie,
        subversie=spec.subversie,
        messages=messages,
        simple_types=spec.simple_types,
        shared_classes=shared,
        codelists=spec.codelists,
        original_of=MappingProxyType(original_of),
        answered_by=MappingProxyType(answered_by),
        exchanged=spec.exchanged,
        in_use=spec.in_use,
        xsd=spec.xsd,
        replaced_by=MappingProxyType(dict(spec.replaced_by)),
        retourcodes_file=spec.retourcodes_file,
    )


def string(lo: int | None = None, hi: int | None = None, pattern: str | None = None) -> SimpleType:
    return SimpleType("string", min_length=lo, max_length=hi, pattern=pattern)


def integer(hi: int) -> SimpleType:
    return SimpleType("integer", min_inclusive=0, max_inclusive=hi)


def coded(lists: CodeLists, list_name: str, max_length: int) -> SimpleType:
    """A datatype enumerating a code list, in the order the standard lists the codes."""
    return SimpleType("string", max_length=max_length, enumeration=tuple(lists[list_name]))


NON_BLANK = ".*[^\\s].*"
