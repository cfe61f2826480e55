"""Intake of messages that come in over an exchange (VECOZO pull, the VECOZO facade).

A posted message is answered at once; one that an exchange delivers is not: its sender
hears the verdict by the return message the gateway queues back to it. So ``take`` judges,
stores and queues the message as ``Intake`` does, keeps the exchange's ids beside it
(``wire_ref``) and queues its return message to the sender, all in one transaction. The
message is judged as a posted one is (``Intake.in_transaction``: all but the
cross-message rules before the transaction, on SQLite a large one against a snapshot).
The exchange's ids make a repeated delivery (a fetch repeated after a crash, a push sent
twice) the message stored the first time, never a second one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from ijw_gateway.errors import Conflict, Forbidden, Unprocessable
from ijw_gateway.intake import ATTEMPTS, Intake, Judging, Read, read_envelope
from ijw_gateway.received import Posted, kept, new_id
from ijw_gateway.routing import Envelope
from ijw_gateway.store import Collision, Unit
from ijw_gateway.store.unit import NewMessage
from ijw_gateway.wire import Arrival, Refusal, refusal

log = logging.getLogger("ijw_gateway.intake")
_PARTY_CODE = re.compile(r"^(\d{4}|\d{8})$")


@dataclass(frozen=True)
class Taken:
    """What became of a message that came in over an exchange."""

    id: str
    outcome: Literal["stored", "duplicate", "refused"]
    accepted: bool = False
    detail: str = ""


class Arrivals:
    """``take`` for one intake (its validator, parties and deadline)."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    def take(
        self,
        arrival: Arrival,
        data: bytes,
        trace: str,
        keep_refused: bool,
        read: Read | None = None,
    ) -> Taken:
        """Judge, store and queue one arrival (see the module docstring).

        A message whose exchange account disagrees with itself, or that the intake refuses
        (a second answer, an unknown party), raises the refusal; with ``keep_refused`` it
        is stored as received and refused instead, because whoever delivered it forgets it
        once it is acknowledged. ``read``: ``read_envelope(data)`` when the caller has it
        already (the puller reads it to order its intakes)."""
        tree, envelope = read if read is not None else read_envelope(data)
        self.intake.admit(tree)  # a freeze: not stored, the exchange delivers it again
        refused = self._refusal(arrival, envelope)
        party = envelope.from_party if envelope else _code(arrival.sender) or ""
        sha = hashlib.sha256(data).hexdigest()
        name = arrival.trace_ref
        posted = Posted(
            party, name, data, sha, tree, envelope, trace, answer_back=True, wire=arrival
        )
        try:
            if refused is not None:
                raise Unprocessable(refused.reason, refused.code)
            return self.intake.in_transaction(posted, partial(self._taken, arrival))
        except (Forbidden, Unprocessable, Conflict) as exc:
            if not keep_refused or exc.code == "busy":
                raise
            found = Refusal(exc.code, str(exc))
            return self._attempts(lambda unit: _keep_refused(unit, posted, arrival, found, trace))

    def _refusal(self, arrival: Arrival, envelope: Envelope | None) -> Refusal | None:
        if envelope is None:
            return None  # not an iJw message: its verdict says so
        found = refusal(arrival, envelope, self.intake.is_known)
        if found is None and not self.intake.is_known(envelope.from_party):
            return Refusal("unknown_sender", "the sender is not a party of this gateway")
        if found is None and not self.intake.is_known(envelope.to_party):
            return Refusal("unknown_receiver", "the receiver is not a party of this gateway")
        return found

    def _attempts(self, work: Callable[[Unit], Taken]) -> Taken:
        for _ in range(ATTEMPTS):
            try:
                with self.intake.store.unit() as unit:
                    return work(unit)
            except Collision:
                continue
        raise Conflict("concurrent submissions of this message kept colliding; retry", "busy")

    def _taken(self, arrival: Arrival, unit: Unit, posted: Posted, judging: Judging) -> Taken:
        """In the intake's transaction (``Intake.in_transaction``): an arrival taken before
        is that message; otherwise the intake writes it, and the exchange's ids go beside."""
        result = self.intake.transact(unit, posted, judging)  # asks for ``posted.wire`` too
        assert result.id is not None  # the bytes were there, so a message was stored
        if result.duplicate:
            return Taken(result.id, "duplicate")  # the same bytes came before under another id
        unit.add_wire(result.id, arrival)
        return Taken(result.id, "stored", bool(result.delivery))


def _code(code: str | None) -> str | None:
    """A party code the exchange stated, when it looks like one (4 or 8 digits)."""
    return code if code and _PARTY_CODE.match(code) else None


def _keep_refused(
    unit: Unit, posted: Posted, arrival: Arrival, found: Refusal, trace: str
) -> Taken:
    """Store a refused arrival as received and refused: never judged, never delivered."""
    envelope = posted.envelope
    unit.lock([arrival.lock])
    existing = unit.wire_message(arrival.channel, arrival.trace_ref)
    if existing is not None:
        return Taken(existing, "duplicate")
    message_id = new_id()
    sender = _code(arrival.sender)
    unit.add_message(
        NewMessage(
            id=message_id,
            origin="party",
            poster=sender,
            file=posted.name,
            type=envelope.type if envelope else None,
            afzender=None,
            ontvanger=None,
            identificatie=None,
            from_party=sender,
            to_party=None,
            answers_id=None,
            conversation_id=message_id,
            accepted=False,
            sha256=posted.sha,
            raw=kept(posted.data, False),
            verdict=None,
            trace_id=trace,
            size=len(posted.data),
        )
    )
    unit.add_wire(message_id, arrival)
    detail = f"{envelope.type if envelope else 'unknown'}, {len(posted.data)} bytes"
    unit.event(message_id, "received", sender, f"{detail}, from {arrival.channel}", trace)
    unit.event(message_id, "refused", sender, f"{found.code}: {found.reason}", trace)
    log.warning("intake refused %s message=%s trace=%s", found.code, message_id, trace)
    return Taken(message_id, "refused", detail=found.code)
