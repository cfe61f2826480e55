"""Messages that come in over an exchange (VECOZO, StUF-GGk): what the exchange says of a
message, and whether that agrees with the message itself. Pure.

An exchange names the sender, the receivers and the message type beside the payload, and
gives the message its own ids. Before a message is taken in, the two accounts must agree:
a payload that travels from another party than the exchange says, to another receiver, or
of another type, is refused, and so is an answer (a return message, a JW325) that does not
say which message it answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ijw_gateway.routing import Envelope


@dataclass(frozen=True)
class Arrival:
    """A message as an exchange delivered it: its ids there and its routing."""

    channel: str  # "vecozo"
    trace_ref: str  # the exchange's id of this message (VECOZO traceerId)
    conversation_ref: str | None = None  # conversatieId
    answers_ref: str | None = None  # alsAntwoordOp
    sender: str | None = None  # the code the exchange names as sender
    receivers: tuple[str, ...] = ()
    type: str | None = None  # the message type the exchange names (berichtsubtype)

    @property
    def lock(self) -> str:
        """Serialises two intakes of the same arrival (two pullers, a repeated push)."""
        return f"wire:{self.channel}:{self.trace_ref}"


@dataclass(frozen=True)
class WireRefs:
    """The ids an exchange gave the message, its conversation and the message it answers,
    when they came in through one (VECOZO ``traceerId``/``conversatieId``, StUF
    ``referentienummer``); None where our own ids are the ones to quote."""

    trace: str | None = None
    conversation: str | None = None
    answers: str | None = None


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


def _said(value: str | None) -> str:
    """A message type as the exchange stated it, for a reason text: escaped, cut short."""
    shown = (value or "none").encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 20 else shown[:20] + "…"


def _party(code: str | None, is_party: Callable[[str], bool]) -> str:
    """A stated sender or receiver, for a reason text: only a party's code is repeated
    (a code is not checked yet, and an Afzender may hold a BSN or a name)."""
    if not code:
        return "none"
    return code if is_party(code) else "a code that is not a party here"


def refusal(
    arrival: Arrival, envelope: Envelope, is_party: Callable[[str], bool] = lambda code: False
) -> Refusal | None:
    """Why the exchange's account and the message's own disagree, or None."""
    if arrival.sender != envelope.from_party:
        return Refusal(
            "not_the_sender",
            f"the {envelope.type} travels from {_party(envelope.from_party, is_party)}, but "
            f"the exchange names {_party(arrival.sender, is_party)} as its sender",
        )
    if envelope.to_party not in arrival.receivers:
        return Refusal(
            "wrong_receiver",
            f"the {envelope.type} travels to {_party(envelope.to_party, is_party)}, which the "
            "exchange does not name as a receiver",
        )
    if arrival.type is not None and arrival.type != envelope.type:
        return Refusal(
            "wrong_message_type",
            f"the payload is a {envelope.type}, the exchange says {_said(arrival.type)}",
        )
    if envelope.kind != "heen" and arrival.answers_ref is None:
        return Refusal(
            "answer_without_reference",
            f"a {envelope.type} answers a message, so it must say which one (alsAntwoordOp)",
        )
    return None


def wire_id(our_id: str) -> str:
    """One of our ids (``uuid4().hex``) as the exchanges write UUIDs: 8-4-4-4-12."""
    return str(uuid.UUID(our_id))


def our_id(wire: str) -> str | None:
    """A UUID as we write ids, or None when it is not a UUID."""
    try:
        return uuid.UUID(wire).hex
    except (ValueError, AttributeError, TypeError):
        return None
