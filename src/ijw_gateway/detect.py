"""Which message is this? Detected from the root element's namespace and the BerichtCode.

Anything that is not an iJw 3.2 message gets one finding that says what was received and
what is supported: another release, the pre-2021 declaration pair JW303/JW304, an iWmo
message, an unknown message or a document that is not iJw at all. It names the root
element and the namespace's parts only when they are names the standards use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ijw_gateway.catalogue.structure import ELEMENT_NAMES, MESSAGES
from ijw_gateway.findings import Finding
from ijw_gateway.namespaces import RELEASE, message_namespace, split_namespace
from ijw_gateway.schematext import named_path
from ijw_gateway.xmlpath import line_of

SUPPORTED = ", ".join(MESSAGES)
_BY_CODE = {s.berichtcode: m for m, s in MESSAGES.items()}
# Namespaces of the iStandaarden whose parts may be repeated: a known standard, a release
# like 3.2 and a message name like jw301 (any other part is the sender's text).
_PLAUSIBLE = re.compile(r"(?:ijw|iwmo)/[0-9]\.[0-9]/(?:jw|wmo)[0-9]{3}")


@dataclass(frozen=True)
class Detected:
    message: str  # "JW301"
    release: str  # "3.2"


# Root tag -> answer for every supported message: the common case needs one dict lookup.
_SUPPORTED_ROOTS = {f"{{{message_namespace(m)}}}Bericht": Detected(m, RELEASE) for m in MESSAGES}


def _finding(root: etree._Element, text: str) -> Finding:
    return Finding("schema", None, None, named_path("/" + _local(root)), line_of(root), text)


def _local(root: etree._Element) -> str:
    return etree.QName(root).localname


def _root(root: etree._Element) -> str:
    """The root element as a finding names it: by name only when iJw defines that name
    (a sender's own name may be a BSN or a client's name)."""
    name = _local(root)
    return f"The root element <{name}>" if name in ELEMENT_NAMES else "The root element"


def _berichtcode(root: etree._Element) -> str | None:
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "BerichtCode":
            return (element.text or "").strip()
    return None


def _no_namespace(root: etree._Element) -> Finding:
    code = _berichtcode(root)
    guess = _BY_CODE.get(code or "")
    hint = (
        f" Its BerichtCode {code} is that of a {guess}; declare the namespace "
        f"http://www.istandaarden.nl/ijw/3_2/{guess.lower()}/schema on the root element."
        if guess
        else ""
    )
    return _finding(
        root,
        f"{_root(root)} is not in an iStandaarden namespace, so this is not an iJw message."
        f"{hint} Supported: iJw {RELEASE} messages {SUPPORTED}.",
    )


def _old_declaration(root: etree._Element, name: str, release: str) -> Finding:
    answer = "JW325 Declaratie-antwoord" if name == "jw304" else "JW323 Declaratie"
    return _finding(
        root,
        f"This is a {name.upper()} of iJw release {release}. The declaration pair "
        "JW303/JW304 belongs to releases before 2021 and was replaced by JW323 (declaration) "
        f"and JW325 (answer). Send a {answer} of iJw {RELEASE} instead.",
    )


def _standard(root: etree._Element, standard: str, release: str, name: str) -> Finding | None:
    """The finding for a namespace of the iStandaarden that is not iJw 3.2's, naming what
    it is only when it is shaped like an iStandaarden message's (else the text repeats
    nothing of it); None for an iJw 3.2 message name."""
    if not _PLAUSIBLE.fullmatch(f"{standard}/{release}/{name}"):
        return _finding(
            root,
            f"The root element's namespace looks like the iStandaarden's but names no message "
            f"of theirs. This gateway handles iJw {RELEASE} messages {SUPPORTED}.",
        )
    if standard != "ijw":
        return _finding(
            root,
            f"This is a message of the iStandaard '{standard}' (release {release}, {name}). "
            f"This gateway handles the Jeugdwet standard iJw {RELEASE} only.",
        )
    if name in ("jw303", "jw304"):
        return _old_declaration(root, name, release)
    if release != RELEASE:
        return _finding(
            root,
            f"This is a {name.upper()} of iJw release {release}; this gateway supports iJw "
            f"{RELEASE} (namespace http://www.istandaarden.nl/ijw/3_2/...). Send the message "
            f"in release {RELEASE}.",
        )
    return None


def detect(root: etree._Element) -> Detected | Finding:
    """Detect message type and release, or explain why the document is not supported."""
    known = _SUPPORTED_ROOTS.get(root.tag)
    if known is not None:
        return known
    parts = split_namespace(etree.QName(root).namespace or "")
    if parts is None:
        return _no_namespace(root)
    standard, release, name = parts
    other = _standard(root, standard, release, name)
    if other is not None:
        return other
    message = name.upper()
    if message not in MESSAGES or _local(root) != "Bericht":
        return _finding(
            root,
            f"{_root(root)} in the namespace of {name} is not an iJw {RELEASE} message. "
            f"Supported: {SUPPORTED}, each with root element <Bericht>.",
        )
    return Detected(message, release)
