"""Every release of iJw the gateway knows, by name: the key of the whole catalogue.

A release is added by adding its data module (like ``ijw23``) to ``_ALL`` and generating
its schemas; the code that validates, translates and explains looks messages up by
(release, message) and never names a release (``docs/releases.md``). ``DEFAULT`` is the
release the national exchange carries: what a message is built in when none is said, and
the only one whose messages the service takes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ijw_gateway.catalogue import ijw23, ijw32
from ijw_gateway.catalogue.model import MessageStructure, Release

_ALL = (ijw32.RELEASE, ijw23.RELEASE)

RELEASES: Mapping[str, Release] = MappingProxyType({r.name: r for r in _ALL})
DEFAULT: Release = ijw32.RELEASE
EXCHANGED: tuple[str, ...] = tuple(r.name for r in _ALL if r.exchanged)
"""The releases the national exchange carries today (the service refuses the others)."""

ELEMENT_NAMES: frozenset[str] = frozenset().union(*(r.element_names() for r in _ALL))
"""Every element name of every known release: the names a finding may repeat. Any other
name in a document is the sender's text (it may be a BSN or a client's name), so findings
say that an element is unknown without repeating its name."""

_BY_ROOT: Mapping[str, MessageStructure] = MappingProxyType(
    {f"{{{s.namespace}}}Bericht": s for r in _ALL for s in r.messages.values()}
)


def release(name: str) -> Release | None:
    """The release called ``name`` ("3.2"), or None when the catalogue does not know it."""
    return RELEASES.get(name)


def structure(message: str, release_name: str = DEFAULT.name) -> MessageStructure | None:
    """The structure of ``message`` in a release, or None when that release lacks it."""
    known = RELEASES.get(release_name)
    return known.messages.get(message) if known is not None else None


def by_root_tag(tag: str) -> MessageStructure | None:
    """The message whose root element is ``tag`` (``{namespace}Bericht``), of any release."""
    return _BY_ROOT.get(tag)


def by_codes(berichtcode: str, versie: str, subversie: str) -> MessageStructure | None:
    """The message a header's BerichtCode, BerichtVersie and BerichtSubversie name."""
    for known in _ALL:
        if (str(known.versie), str(known.subversie)) != (versie, subversie):
            continue
        for found in known.messages.values():
            if berichtcode in found.berichtcodes:
                return found
    return None
