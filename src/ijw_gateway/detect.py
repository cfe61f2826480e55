"""Which message is this, of which release? Read from the root element's namespace.

Every message of every release in the catalogue is detected by its root element's
namespace, which names the release (``.../ijw/2_3/jw303/schema``); the release's schema
then holds its BerichtVersie and BerichtSubversie to that release. A document without a
namespace gets a hint from its BerichtCode, BerichtVersie and BerichtSubversie. Anything
else gets one finding that says what was received and what is known: a release the
catalogue lacks, a message the release did not have (the declaration pair JW303/JW304
after 2021), an iWmo message, an unknown message or a document that is not iJw at all. It
names the root element and the namespace's parts only when they are names the standards
use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ijw_gateway.catalogue.model import MessageStructure, Release
from ijw_gateway.catalogue.releases import (
    DEFAULT,
    ELEMENT_NAMES,
    EXCHANGED,
    RELEASES,
    by_codes,
    by_root_tag,
)
from ijw_gateway.elements import local_name
from ijw_gateway.findings import Finding
from ijw_gateway.namespaces import split_namespace
from ijw_gateway.schematext import named_path
from ijw_gateway.xmlpath import line_of

SUPPORTED = ", ".join(DEFAULT.messages)
_KNOWN = " and ".join(RELEASES)
# Namespaces of the iStandaarden whose parts may be repeated: a known standard, a release
# like 3.2 and a message name like jw301 (any other part is the sender's text).
_PLAUSIBLE = re.compile(r"(?:ijw|iwmo)/[0-9]\.[0-9]/(?:jw|wmo)[0-9]{3}")
_HEADER_CODES = ("BerichtCode", "BerichtVersie", "BerichtSubversie")


@dataclass(frozen=True)
class Detected:
    message: str  # "JW301"
    release: str  # "3.2"


def _finding(root: etree._Element, text: str) -> Finding:
    return Finding("schema", None, None, named_path("/" + local_name(root)), line_of(root), text)


def _root(root: etree._Element) -> str:
    """The root element as a finding names it: by name only when iJw defines that name
    (a sender's own name may be a BSN or a client's name)."""
    name = local_name(root)
    return f"The root element <{name}>" if name in ELEMENT_NAMES else "The root element"


def _header_codes(root: etree._Element) -> dict[str, str]:
    """The first BerichtCode, BerichtVersie and BerichtSubversie of a document."""
    found: dict[str, str] = {}
    for element in root.iter(tag=etree.Element):
        name = local_name(element)
        if name in _HEADER_CODES and name not in found:
            found[name] = (element.text or "").strip()
            if len(found) == len(_HEADER_CODES):
                break
    return found


def _guess(codes: dict[str, str]) -> MessageStructure | None:
    """The message the header codes name; without versions, one of the default release."""
    code = codes.get("BerichtCode", "")
    versie = codes.get("BerichtVersie", str(DEFAULT.versie))
    subversie = codes.get("BerichtSubversie", str(DEFAULT.subversie))
    return by_codes(code, versie, subversie) or by_codes(
        code, str(DEFAULT.versie), str(DEFAULT.subversie)
    )


def _no_namespace(root: etree._Element) -> Finding:
    codes = _header_codes(root)
    guess = _guess(codes)
    hint = (
        f" Its BerichtCode {codes['BerichtCode']} is that of a {guess.message} of iJw "
        f"{guess.release}; declare the namespace {guess.namespace} on the root element."
        if guess
        else ""
    )
    return _finding(
        root,
        f"{_root(root)} is not in an iStandaarden namespace, so this is not an iJw message."
        f"{hint} Supported: iJw {DEFAULT.name} messages {SUPPORTED}.",
    )


def _retired(name: str) -> tuple[Release, str] | None:
    """The release that had a message no longer exchanged, and what replaced it
    (JW303 -> JW323), as the releases' data say."""
    for known in RELEASES.values():
        successor = known.replaced_by.get(name.upper())
        if successor is not None:
            return known, successor
    return None


def _replaced(
    root: etree._Element, name: str, release: str, older: Release, successor: str
) -> Finding:
    pair, successors = "/".join(older.replaced_by), " and ".join(older.replaced_by.values())
    return _finding(
        root,
        f"This is a {name.upper()} of iJw release {release}. The pair {pair} belongs to iJw "
        f"{older.name} ({older.in_use}) and was replaced by {successors}. Send a "
        f"{successor} of iJw {DEFAULT.name} instead.",
    )


def _standard(root: etree._Element, standard: str, release: str, name: str) -> Finding:
    """The finding for a namespace of the iStandaarden whose message the catalogue lacks,
    naming what it is only when it is shaped like an iStandaarden message's (else the text
    repeats nothing of it)."""
    if not _PLAUSIBLE.fullmatch(f"{standard}/{release}/{name}"):
        return _finding(
            root,
            f"The root element's namespace looks like the iStandaarden's but names no message "
            f"of theirs. This gateway handles iJw {DEFAULT.name} messages {SUPPORTED}.",
        )
    if standard != "ijw":
        return _finding(
            root,
            f"This is a message of the iStandaard '{standard}' (release {release}, {name}). "
            f"This gateway handles the Jeugdwet standard iJw {DEFAULT.name} only.",
        )
    known = RELEASES.get(release)
    if known is not None and name.upper() in known.messages:
        return _finding(
            root,
            f"{_root(root)} in the namespace of {name} is not an iJw {release} message: its "
            "root element is <Bericht>.",
        )
    retired = _retired(name)
    if retired is not None:
        return _replaced(root, name, release, *retired)
    if known is None:
        return _finding(
            root,
            f"This is a {name.upper()} of iJw release {release}; this gateway knows iJw "
            f"releases {_KNOWN} and the exchange carries iJw {DEFAULT.name} (namespace "
            f"{DEFAULT.message_namespace(name)}). Send the message in release {DEFAULT.name}.",
        )
    return _finding(
        root,
        f"{_root(root)} in the namespace of {name} is not an iJw {release} message. "
        f"Supported: {', '.join(known.messages)}, each with root element <Bericht>.",
    )


def detect(root: etree._Element) -> Detected | Finding:
    """Detect message type and release, or explain why the document is not supported."""
    known = by_root_tag(root.tag)
    if known is not None:
        return Detected(known.message, known.release)
    parts = split_namespace(etree.QName(root).namespace or "")
    if parts is None:
        return _no_namespace(root)
    return _standard(root, *parts)


def not_exchanged(root: etree._Element, detected: Detected, schema_faults: int) -> Finding:
    """Why the exchange does not take a message of a release the catalogue knows but the
    exchange no longer carries: which release, its schema's verdict, what to send now."""
    known = RELEASES[detected.release]
    verdict = (
        f"it is schema-valid against the iJw {known.name} schemas"
        if not schema_faults
        else f"it is not schema-valid against the iJw {known.name} schemas either "
        f"({schema_faults} schema finding(s); `ijw-gateway validate` lists them)"
    )
    successor = known.replaced_by.get(detected.message, detected.message)
    instead = (
        f"A {successor} of iJw {DEFAULT.name} replaces the {detected.message}; send that."
        if successor != detected.message
        else f"Send it as a {successor} of iJw {DEFAULT.name}."
    )
    return _finding(
        root,
        f"This is a {detected.message} of iJw release {known.name}; {verdict}. The exchange "
        f"carries iJw {', '.join(EXCHANGED)} only: release {known.name} was in use "
        f"{known.in_use}. {instead}",
    )
