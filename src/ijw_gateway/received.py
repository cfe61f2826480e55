"""What the intake writes and answers: the posted message, its stored rows, the answer.

Kept apart from ``intake`` (which decides) because they are plain data: the message as
posted (``Posted``), the rows a verdict becomes (``stored``, ``gateway_message``, ``kept``),
and what the sender hears (``Result``), also when the same bytes come again (``replay``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace

from lxml import etree

from ijw_gateway.findings import JsonDict, Report
from ijw_gateway.routing import Envelope, Key
from ijw_gateway.store import Unit
from ijw_gateway.store.unit import NewMessage
from ijw_gateway.wire import Arrival

KEEP_REJECTED = 2**20
KEPT_PREFIX = 64 * 2**10


@dataclass(frozen=True)
class Retour:
    id: str
    type: str | None
    raw: bytes


@dataclass(frozen=True)
class Result:
    """What the sender hears about one message."""

    id: str | None
    report: JsonDict
    duplicate: bool = False
    retour: Retour | None = None
    delivery: str | None = None
    receiver: str | None = None
    conversation: str | None = None
    held: bool = False  # delivered for its receiver to decide (``held``); not in the JSON

    def to_json(self) -> JsonDict:
        retour = None
        if self.retour is not None:
            xml = self.retour.raw.decode("utf-8")
            retour = {"id": self.retour.id, "message": self.retour.type, "xml": xml}
        delivery = {"receiver": self.receiver, "state": self.delivery} if self.delivery else None
        return {
            "id": self.id,
            "duplicate": self.duplicate,
            "accepted": bool(self.report.get("accepted")),
            "verdict": self.report,
            "retour": retour,
            "delivery": delivery,
            "conversation": self.conversation,
        }


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Posted:
    """One message of a submission: who posted it, its bytes and their hash, and what
    reading them gave."""

    party: str
    name: str
    data: bytes
    sha: str
    tree: etree._ElementTree | None  # parsed once, for the envelope and the validator
    envelope: Envelope | None
    trace: str
    given_id: str | None = None  # the id to store it under (StUF), else a new one
    answer_back: bool = False  # came over an exchange: its return message is queued back
    wire: Arrival | None = None  # came over an exchange: stored once under its id there

    @property
    def locks(self) -> tuple[str, ...]:
        return self.envelope.locks if self.envelope else ()

    @property
    def own(self) -> Key | None:
        return self.envelope.own_key if self.envelope else None


def kept(data: bytes, received: bool) -> bytes:
    """What the store keeps of a message's bytes: all when it is delivered or small; of a
    rejected one over ``KEEP_REJECTED`` only the first ``KEPT_PREFIX`` bytes (a 60 MB post
    grew the database by 90 MB). The sender has the bytes; the gateway keeps what
    identifies them (size and SHA-256 of the whole) and its verdict."""
    return data if received or len(data) <= KEEP_REJECTED else data[:KEPT_PREFIX]


def stored(
    message_id: str,
    posted: Posted,
    report: Report,
    links: tuple[str | None, str],
    received: bool,
    holding: bool = False,
    advice: bytes | None = None,
) -> NewMessage:
    """The message as the store keeps it (``kept``: all of a held one, which is delivered),
    with the size and SHA-256 of the whole. ``links``: the message it answers and its
    conversation."""
    envelope, data = posted.envelope, posted.data
    return NewMessage(
        id=message_id,
        origin="party",
        poster=posted.party,
        file=posted.name,
        type=report.message,
        afzender=envelope.afzender if envelope else None,
        ontvanger=envelope.ontvanger if envelope else None,
        identificatie=envelope.identificatie[:40] if envelope else None,
        from_party=envelope.from_party if envelope else posted.party,
        to_party=envelope.to_party if envelope else None,
        answers_id=links[0],
        conversation_id=links[1],
        accepted=received,
        sha256=posted.sha,
        raw=kept(data, received or holding),
        verdict=json.dumps(report.to_json(), ensure_ascii=False),
        trace_id=posted.trace,
        findings=report.shown,  # the verdict JSON counts the rest
        size=len(data),
        advice=advice,
    )


def gateway_message(original: NewMessage, raw: bytes, type_: str) -> NewMessage:
    return replace(
        original,
        id=new_id(),
        origin="gateway",
        poster=None,
        file="",
        type=type_,
        from_party=original.to_party,
        to_party=original.from_party,
        answers_id=original.id,
        accepted=True,
        sha256=hashlib.sha256(raw).hexdigest(),
        raw=raw,
        verdict=None,
        findings=(),
        size=None,
    )


def replay(unit: Unit, message_id: str) -> Result:
    stored = unit.stored(message_id)
    report = json.loads(stored.message.verdict or "{}")
    retour = None
    if stored.answer is not None and stored.answer.origin == "gateway":
        retour = Retour(stored.answer.id, stored.answer.type, stored.answer_raw or b"")
    return Result(
        message_id,
        report,
        True,
        retour,
        stored.delivery,
        stored.message.to_party,
        stored.message.conversation_id,
    )
