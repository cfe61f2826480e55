"""Who a message travels from and to, and which earlier message it answers. Pure.

The routing trap of the standard (RULES.md §1.1): a return message (302, 306, 308, 316,
318, 320) copies the header of the message it answers, so its ``Afzender``/``Ontvanger``
point the *original* way while the retour itself travels back. A JW325 is an ordinary
message from the municipality, linked to its JW323 by ``DeclaratieIdentificatie``.
Requests and answers (315/317 -> 316/318, 319, 301) are linked by ``ReferentieAanbieder``,
scoped to the provider and municipality that used it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

from ijw_gateway.catalogue.structure import MESSAGES, ORIGINAL_OF
from ijw_gateway.elements import child, text_at

DECLARATION, DECLARATION_ANSWER = "JW323", "JW325"
_REFERENCING = frozenset({"JW301", "JW315", "JW317", "JW319"})

Kind = Literal["heen", "retour", "antwoord"]


@dataclass(frozen=True)
class Key:
    """An identification as the standard keys it: (Afzender, message type, Identificatie)."""

    afzender: str
    type: str
    identificatie: str


@dataclass(frozen=True)
class Envelope:
    """The routing facts of one message, read from its header (and references in its body)."""

    type: str
    afzender: str
    ontvanger: str
    identificatie: str
    declaratie_identificatie: str | None = None
    references: tuple[str, ...] = ()
    locks: tuple[str, ...] = ()  # what concurrent intake must not judge at the same time

    @property
    def kind(self) -> Kind:
        if self.type in ORIGINAL_OF:
            return "retour"
        return "antwoord" if self.type == DECLARATION_ANSWER else "heen"

    @property
    def from_party(self) -> str:
        """The party the message travels from (for a retour: the original's receiver)."""
        return self.ontvanger if self.kind == "retour" else self.afzender

    @property
    def to_party(self) -> str:
        return self.afzender if self.kind == "retour" else self.ontvanger

    @property
    def own_key(self) -> Key | None:
        """The identification this message uses up (TR056); a retour has none of its own."""
        if self.kind == "retour":
            return None
        return Key(self.afzender, self.type, self.identificatie)

    @property
    def retour_key(self) -> Key | None:
        """What the history records a retour under: its original's sender and identification
        with the retour's own type. One retour per original, also when the original never
        came through this gateway (IV028)."""
        if self.kind != "retour":
            return None
        return Key(self.afzender, self.type, self.identificatie)

    @property
    def answers(self) -> Key | None:
        """The message this one answers directly: the original of a retour, or a JW325's 323."""
        if self.kind == "retour":
            return Key(self.afzender, ORIGINAL_OF[self.type], self.identificatie)
        if self.kind == "antwoord" and self.declaratie_identificatie:
            return Key(self.ontvanger, DECLARATION, self.declaratie_identificatie)
        return None


def _text(parent: etree._Element | None, path: str) -> str | None:
    """The stripped text at ``path`` below ``parent``; None when absent or blank."""
    found = text_at(parent, path)
    return found.strip() or None if found is not None else None


def _references(
    root: etree._Element, type_: str, provider: str, municipality: str
) -> tuple[str, ...]:
    if type_ not in _REFERENCING:
        return ()
    found = _texts(root, "ReferentieAanbieder")
    return tuple(sorted(f"ra:{provider}:{municipality}:{ref}" for ref in found))


def _texts(root: etree._Element, name: str) -> set[str]:
    return {(el.text or "").strip() for el in root.iter(f"{{*}}{name}") if (el.text or "").strip()}


def _locks(root: etree._Element, type_: str, provider: str, municipality: str) -> tuple[str, ...]:
    """Keys that serialise intake of messages whose cross-message checks could interfere.

    The cross-message rules read state per client (Bsn), per request reference (any
    municipality, TR347), per allocation number (TR332) and per provider's declarations
    (TR333, TR314). Two messages that share none of these keys cannot change each other's
    verdict, so they are judged in parallel; the others wait for each other.
    """
    if type_ in ORIGINAL_OF:
        return ()
    keys = {f"bsn:{municipality}:{provider}:{b}" for b in _texts(root, "Bsn")}
    if type_ in (DECLARATION, DECLARATION_ANSWER):
        return (f"declaraties:{provider}",)
    keys |= {f"ref:{provider}:{r}" for r in _texts(root, "ReferentieAanbieder")}
    if type_ == "JW301":
        keys |= {
            f"toewijzing:{municipality}:{n.lstrip('0')}" for n in _texts(root, "ToewijzingNummer")
        }
    return tuple(sorted(keys))


def envelope_of(root: etree._Element, type_: str) -> Envelope | None:
    """The envelope of a detected message, or None when its header lacks routing facts."""
    header = child(root, "Header")
    afzender, ontvanger = _text(header, "Afzender"), _text(header, "Ontvanger")
    identificatie = _text(header, "BerichtIdentificatie/Identificatie")
    if afzender is None or ontvanger is None or identificatie is None:
        return None
    declaratie = _text(header, "DeclaratieIdentificatie/Identificatie")
    municipal_sender = MESSAGES[type_].sender_type == "LDT_Gemeente"
    provider, municipality = (ontvanger, afzender) if municipal_sender else (afzender, ontvanger)
    refs = _references(root, type_, provider, municipality)
    locks = _locks(root, type_, provider, municipality)
    return Envelope(type_, afzender, ontvanger, identificatie, declaratie, refs, locks)
