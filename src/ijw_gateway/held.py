"""Held messages: in answer mode ``party`` the receiver decides rejections too (issue 17).

A schema-valid heen message that the gateway's rules reject is, when its receiver answers
that type itself, not answered by the gateway: it is delivered with its verdict and the
gateway's rejection as advice, and **held**. Held, it counts as never sent: it adds nothing
to the history and does not use up its identification. Its receiver's own answer decides:

* an answer that accepts it (``retour.copied.accepts``) makes it count from then on: what
  it adds to the history is recorded in the answer's transaction *before* the answer's own
  rules judge it (a JW325 is held to the JW323 it answers, TR337, TR342), inside a
  savepoint that is kept only when the answer is accepted and accepts the original;
* an answer that rejects it leaves it never sent, as a gateway rejection does: its
  identification may be used again, and the answer is the one answer it gets.

Meanwhile its sender may not use its identification again (``awaiting``: the receiver
could still make it count), and a later message that refers to it is judged, like every
message, against what counts as sent: without it. A message whose identification was used
before (TR056) is not held: an answer, which names its original by that identification,
could not tell the two apart; the gateway answers it as in answer mode ``gateway``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.answering import check_answer
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import Conflict
from ijw_gateway.findings import Report
from ijw_gateway.history.extract import ExtractError, facts, message_id
from ijw_gateway.history.model import Facts
from ijw_gateway.routing import Envelope, envelope_of
from ijw_gateway.store import Unit
from ijw_gateway.store import held as rows
from ijw_gateway.store.history import StoreHistory
from ijw_gateway.store.monitoring import record_traffic
from ijw_gateway.store.unit import NewMessage
from ijw_gateway.validation import ParsedMessage

J = TypeVar("J")


@dataclass(frozen=True)
class Held:
    """A held message an answer decides on: what it adds to the history once it counts,
    and what its intake would have noted had it counted then (keys, references)."""

    id: str
    message: ParsedMessage
    found: Facts
    envelope: Envelope


def awaiting(held: str | None, envelope: Envelope | None) -> None:
    """Refuse a message under the identification of a held message of the same sender."""
    if held is not None and envelope is not None:
        raise Conflict(
            f"Message {held} uses this identification and awaits its receiver's decision: "
            f"until the receiver answers it, this {envelope.type} cannot use it again.",
            "awaiting_answer",
        )


def answered(unit: Unit, envelope: Envelope | None, tree: etree._ElementTree | None) -> Held | None:
    """The held message ``envelope`` answers, with the answer checked against it
    (``check_answer``) and its keys locked; None when it answers no held message."""
    if envelope is None or envelope.answers is None or tree is None:
        return None
    if unit.owner_of(envelope.answers) is not None:
        return None  # it answers a message that counts
    original = rows.held_under(unit.sql, envelope.answers)
    raw = unit.raw_of(original) if original is not None else None
    if original is None or raw is None:
        return None
    check_answer(unit, envelope, tree, original)
    parsed = xmlparse.parse(raw)
    detected = detect(parsed.getroot())
    assert isinstance(detected, Detected), "a held message was schema-valid"
    message = ParsedMessage(detected.message, detected.release, parsed, raw)
    clean = Report("", detected.message, detected.release, schema_valid=True)
    found, stated = facts(message, clean), envelope_of(parsed.getroot(), detected.message)
    if found is None or stated is None:
        return None
    unit.lock(stated.locks)  # an answer takes no other lock before these (JW325: the same)
    return Held(original, message, found, stated)


def judged(
    unit: Unit, held: Held | None, judge: Callable[[], J], accepts: Callable[[J], bool]
) -> tuple[J, bool]:
    """``judge`` an answer; one to a held message with that message counted, in a
    savepoint kept only when ``accepts`` the judgement: (the judgement, whether it counts)."""
    if held is None:
        return judge(), False
    savepoint = unit.connection.begin_nested()
    try:
        StoreHistory(unit.connection).apply(held.found, held.id)
        judgement = judge()
        counts = accepts(judgement)
    except BaseException:
        savepoint.rollback()
        raise
    (savepoint.commit if counts else savepoint.rollback)()
    return judgement, counts


def decided(unit: Unit, held: Held, counts: bool, answer: NewMessage) -> None:
    """The receiver's ``answer`` decided on ``held``: noted on it; when it counts, it is
    accepted from now on, with the references, keys and monitoring figures of an intake
    (its deadline closes with the answer's own figures)."""
    detail = f"by the receiver's answer {answer.id}"
    if not counts:
        unit.event(held.id, "rejected", answer.from_party, detail, answer.trace_id)
        return
    rows.count(unit.sql, held.id)
    unit.event(held.id, "accepted", answer.from_party, detail, answer.trace_id)
    unit.add_refs(held.envelope.references, held.id)
    unit.claim(held.envelope.locks)
    original = NewMessage(
        id=held.id,
        origin="party",
        poster=None,
        file="",
        type=held.message.type,
        afzender=held.envelope.afzender,
        ontvanger=held.envelope.ontvanger,
        identificatie=held.envelope.identificatie,
        from_party=held.envelope.from_party,
        to_party=held.envelope.to_party,
        answers_id=None,
        conversation_id=answer.conversation_id,
        accepted=True,
        sha256="",
        raw=b"",
        verdict=None,
        trace_id=answer.trace_id,
    )
    record_traffic(unit, original, held.message, held.found, answer.id)


def open_deadline(unit: Unit, new: NewMessage, message: ParsedMessage | None) -> None:
    """A held message is owed its receiver's answer like one that counts: the deadline
    opens now; what it adds to monitoring's trajectories waits until it counts."""
    if message is None:
        return
    try:
        nothing = Facts(message_id(message))
    except ExtractError:
        return
    record_traffic(unit, replace(new, accepted=True), message, nothing, None)
