"""One answer per message, from the party that may give it (IV028, IV087).

The intake asks here before it links an answer to its original: a second answer is
refused (to an original received, to one rejected and answered by the gateway or by its
receiver, to one answered before it ever came here), and so is an answer from a party that is not the
original's receiver, or a return message that does not copy its original's header (the
receiver answers itself in answer mode ``party``). Only the two parties of the first
answer hear which messages those are; to anyone else the refusal says neither that the
identification was used nor any message id.
"""

from __future__ import annotations

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import ORIGINAL_OF
from ijw_gateway.errors import Conflict, Unprocessable
from ijw_gateway.retour.copied import uncopied
from ijw_gateway.routing import Envelope
from ijw_gateway.store import Unit


def _shown(code: str, limit: int = 20) -> str:
    """A party code as a message states it, for texts, events and logs: not checked yet,
    so control characters are escaped (no forged log lines) and it is cut short."""
    shown = code.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit] + "…"


_ONE_ANSWER = "the standard allows one return message per message (IV028) and one JW325 per JW323."


def already_answered(
    unit: Unit, party: str, envelope: Envelope, answer: str, original: str | None = None
) -> Conflict:
    """The refusal of a second answer. Only the two parties of the first answer (the
    original's sender and receiver) hear which messages those are; to anyone else the
    answer says neither that the identification was used nor any message id."""
    if party not in unit.parties_of(answer):
        return _not_theirs(envelope)
    if original is not None:
        return Conflict(
            f"Message {original} was already answered (message {answer}); {_ONE_ANSWER}",
            "already_answered",
        )
    return Conflict(
        f"Message {answer} already answered the {ORIGINAL_OF[envelope.type]} "
        f"{_shown(envelope.identificatie)} of {_shown(envelope.afzender)}; {_ONE_ANSWER}",
        "already_answered",
    )


def _not_theirs(envelope: Envelope) -> Conflict:
    """The refusal of an answer from a party that may not answer the message: the same to
    every such party, so that it learns nothing about the message or whether it exists."""
    return Conflict(
        f"This {envelope.type} cannot be taken: the message it answers cannot take an "
        f"answer from this party; {_ONE_ANSWER}",
        "already_answered",
    )


def check_answer(
    unit: Unit, envelope: Envelope, tree: etree._ElementTree | None, original: str
) -> None:
    """A party's own return message answers from the original's receiver and copies the
    original's header (IV028); a JW325 is held to its JW323 by the rules (TR337, TR376)."""
    if unit.parties_of(original)[1] != envelope.from_party:
        raise _not_theirs(envelope)
    raw = unit.raw_of(original) if envelope.type in ORIGINAL_OF and tree is not None else None
    if raw is None or tree is None:
        return
    differ = uncopied(xmlparse.parse(raw).getroot(), tree.getroot())
    if differ:
        raise Unprocessable(
            f"This {envelope.type} does not copy the header of the {ORIGINAL_OF[envelope.type]} "
            f"it answers, as IV028 requires: {', '.join(differ)} differ(s) from the original.",
            "header_not_copied",
        )
