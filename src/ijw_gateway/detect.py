"""Which message is this? Detected from the root element's namespace and the BerichtCode.

Anything that is not an iJw 3.2 message gets one finding that says what was received and
what is supported: another release, the pre-2021 declaration pair JW303/JW304, an iWmo
message, an unknown message or a document that is not iJw at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.findings import Finding
from ijw_gateway.namespaces import RELEASE, message_namespace, split_namespace
from ijw_gateway.xmlpath import line_of

SUPPORTED = ", ".join(MESSAGES)
_BY_CODE = {s.berichtcode: m for m, s in MESSAGES.items()}


@dataclass(frozen=True)
class Detected:
    message: str  # "JW301"
    release: str  # "3.2"


# Root tag -> answer for every supported message: the common case needs one dict lookup.
_SUPPORTED_ROOTS = {f"{{{message_namespace(m)}}}Bericht": Detected(m, RELEASE) for m in MESSAGES}


def _finding(root: etree._Element, text: str) -> Finding:
    return Finding("schema", None, None, "/" + etree.QName(root).localname, line_of(root), text)


def _berichtcode(root: etree._Element) -> str | None:
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "BerichtCode":
            return (element.text or "").strip()
    return None


def _no_namespace(root: etree._Element, name: str) -> Finding:
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
        f"The root element <{name}> is not in an iStandaarden namespace, so this is not "
        f"an iJw message.{hint} Supported: iJw {RELEASE} messages {SUPPORTED}.",
    )


def _old_declaration(root: etree._Element, name: str, release: str) -> Finding:
    answer = "JW325 Declaratie-antwoord" if name == "jw304" else "JW323 Declaratie"
    return _finding(
        root,
        f"This is a {name.upper()} of iJw release {release}. The declaration pair "
        "JW303/JW304 belongs to releases before 2021 and was replaced by JW323 (declaration) "
        f"and JW325 (answer). Send a {answer} of iJw {RELEASE} instead.",
    )


def detect(root: etree._Element) -> Detected | Finding:
    """Detect message type and release, or explain why the document is not supported."""
    known = _SUPPORTED_ROOTS.get(root.tag)
    if known is not None:
        return known
    qname = etree.QName(root)
    parts = split_namespace(qname.namespace or "")
    if parts is None:
        return _no_namespace(root, qname.localname)
    standard, release, name = parts
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
    message = name.upper()
    if message not in MESSAGES or qname.localname != "Bericht":
        return _finding(
            root,
            f"<{qname.localname}> in namespace {qname.namespace} is not an iJw {RELEASE} "
            f"message. Supported: {SUPPORTED}, each with root element <Bericht>.",
        )
    return Detected(message, release)
