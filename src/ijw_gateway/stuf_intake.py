"""Taking in a StUF-GGk envelope: what the SOAP endpoint does with a Di01, Du01 or Fo01.

A Di01 or Du01 is read and checked (``stuf.codec``, ``stuf.checks``), its payload goes
through the ordinary intake under the id its reference number spells (so an answer's
``crossRefnummer`` and a resent envelope find it), and the answer is

- a **Fo01** when the envelope or its payload is refused: the envelope's own faults, a
  payload that fails its schema or is no iJw message (StUF055), a sender other than the
  caller (IB002), a second answer to one message (CC11), a reference number used before
  for other content (CC08), a message a freeze window holds (IB103, 503 with Retry-After;
  nothing stored) — stored payloads stay stored, like any refused message;
- a **Du01** with the return message when the gateway composed one (crossRefnummer: the
  Di01's reference number; referentienummer: the return message's id);
- a **Bv03** otherwise.

A Fo01 a sender posts (the chain refusing one of ours) is noted as an event on the message
it names and answered with a Bv03. Failures of ours (the database) are a SOAP Fault with a
5xx status, so that the sender tries again. Personal data never enters a Fo01 text: only
codes, party codes, element paths and line numbers do.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

from ijw_gateway.delivery import RetryLater
from ijw_gateway.errors import (
    Conflict,
    Forbidden,
    Frozen,
    IjwGatewayError,
    RequestRefused,
    Unprocessable,
)
from ijw_gateway.intake import Intake
from ijw_gateway.received import Result
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.answers import du01_for, fault_for, receipt_for
from ijw_gateway.stuf.checks import payload_disagreement, shown
from ijw_gateway.stuf.codec import Received
from ijw_gateway.stuf.faults import fault_code
from ijw_gateway.stuf.model import id_of, is_uuid4, reference_of

log = logging.getLogger("ijw_gateway.stuf")


class Taking(Protocol):
    """What taking in an envelope needs of the gateway: its intake, and through it the
    store (the gateway is passed, as every intake route passes it; naming only this keeps
    this module below ``gateway``, which builds StUF channels with ``reply_taker``)."""

    @property
    def intake(self) -> Intake: ...


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers: an HTTP status and the envelope (or SOAP Fault) bytes."""

    status: int
    body: bytes
    code: str | None = None  # the Fo01 code, when it is one
    retry_after: int | None = None  # seconds: when sending it again may succeed


class EnvelopeRefused(RequestRefused):
    """An envelope is refused with a Fo01 ``fo01`` code; ``detail`` adds codes and
    positions. The HTTP status is the code's (``stuf.faults``) unless given."""

    code = "envelope_refused"

    def __init__(
        self, fo01: str, detail: str = "", status: int | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(fo01)
        self.fo01, self.detail, self.retry_after = fo01, detail, retry_after
        self.http_status = status or fault_code(fo01).http


def take(gateway: Taking, party: str | None, body: bytes, trace: str) -> Answer:
    """Read, check and take in one envelope; the answer to send back. ``party``: the caller's
    party (its API key), None when it presented none that is valid."""
    if party is None:  # refused before any work is done for an unknown caller
        refused = EnvelopeRefused("IB002", "(no valid API key)", 401)
        return _fault(gateway, Received(None, True, ()), refused, trace)
    received = codec.read(body)
    try:
        return _take(gateway, party, received, trace)
    except EnvelopeRefused as refused:
        return _fault(gateway, received, refused, trace)
    except IjwGatewayError as failed:
        if failed.http_status < 500 and failed.code != "busy":  # busy: concurrent resends
            raise
        return failure(failed, trace)


def failure(failed: IjwGatewayError, trace: str) -> Answer:
    """A failure of ours (the database, a stopping gateway, concurrent resends that kept
    colliding): a SOAP Fault with a 5xx status, so that the sender sends it again."""
    log.warning("stuf intake failed (%s) trace=%s", type(failed).__name__, trace)
    text = "The gateway cannot take in envelopes right now; send it again later."
    status = 503 if failed.code == "busy" else failed.http_status
    return Answer(status, codec.write_soap_fault(text))


def reply_taker(gateway: Taking) -> Callable[[str, bytes, str], None]:
    """For a StUF channel: take in a Du01 a receiver answered with on the spot, as if it
    had posted it here. A failure of ours raises ``RetryLater`` (the parcel is sent again
    and answered alike); a refused reply is logged, the delivery itself stands."""

    def take_reply(party: str, body: bytes, trace: str) -> None:
        answer = take(gateway, party, body, trace)
        if answer.status >= 500:
            raise RetryLater("the answer could not be stored")
        if answer.code is not None:
            log.warning("stuf reply from %s refused: %s trace=%s", party, answer.code, trace)

    return take_reply


def _take(gateway: Taking, party: str, received: Received, trace: str) -> Answer:
    if not received.valid:
        first = received.findings[0]
        raise EnvelopeRefused(received.code or "RIN001", f"({first.path}, line {first.line})")
    if received.kind == "Fo01":
        return _noted(gateway, party, received, trace)
    envelope = received.envelope
    if envelope is None:  # a Bv03: an answer, never sent to this endpoint
        raise EnvelopeRefused("RIN001", "(a Bv03 is an answer; send a Di01, Du01 or Fo01)")
    if envelope.routing.zender.organisatie != party:
        raise EnvelopeRefused(
            "IB002", f"(zender {shown(envelope.routing.zender.organisatie)})", 403
        )
    if envelope.bestandsnaam is not None:
        raise EnvelopeRefused("StUF055", "(the envelope carries a text file, not an iJw message)")
    _check_payload(received)
    message_id = _fresh_id(gateway, envelope.routing.referentienummer, envelope.payload)
    result = _submit(gateway, party, envelope.payload, trace, message_id)
    return _answer(gateway, received, result)


def _check_payload(received: Received) -> None:
    """The envelope must agree with the message it carries (when that is one to check)."""
    assert received.envelope is not None
    found = payload_disagreement(received.envelope)
    if found is not None:
        raise EnvelopeRefused(found.code, found.detail)


def _fresh_id(gateway: Taking, reference: str, payload: bytes) -> str:
    """The id the payload is stored under; CC08 when the reference number already names a
    message with other content (the same content is a resend: the intake replays it)."""
    message_id = id_of(reference)
    known = gateway.intake.store.message(message_id)
    if known is not None and known.sha256 != hashlib.sha256(payload).hexdigest():
        raise EnvelopeRefused("CC08")
    return message_id


def _submit(gateway: Taking, party: str, payload: bytes, trace: str, message_id: str) -> Result:
    """Take the payload in. A sender whose channel is ``stuf`` faces a GGk, which delivers
    asynchronously and passes no answer of ours back from its HTTP call: its return
    message is also queued back to it, so that it travels as a Du01 of its own."""
    spec = gateway.intake.store.party(party)
    answer_back = spec is not None and spec.channel == "stuf"
    try:
        return gateway.intake.submit(party, payload, trace, message_id, answer_back)[0]
    except Forbidden:
        raise EnvelopeRefused("IB234", "(the message inside comes from another party)") from None
    except Unprocessable as refused:
        if refused.code == "unknown_receiver":
            raise EnvelopeRefused("IB210") from None
        raise
    except Conflict as conflict:
        if conflict.code == "already_answered":
            raise EnvelopeRefused("CC11") from None
        raise
    except Frozen as frozen:
        until = frozen.until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        raise EnvelopeRefused("IB103", f"(tot {until})", retry_after=frozen.retry_after) from None


def _answer(gateway: Taking, received: Received, result: Result) -> Answer:
    report = result.report
    if not report.get("schema_valid"):
        findings = report.get("findings")
        first = findings[0] if isinstance(findings, list) and findings else {}
        line = first.get("line", 1) if isinstance(first, dict) else 1
        raise EnvelopeRefused("StUF055", f"(line {line})")
    now = gateway.intake.store.clock()
    if result.retour is None or result.retour.type is None:
        return Answer(200, codec.write(receipt_for(received, now), received.soap))
    assert received.envelope is not None
    us = received.envelope.routing.ontvanger.organisatie or ""
    reference = reference_of(result.retour.id)
    du01 = du01_for(received, result.retour.raw, result.retour.type, now, us, reference)
    return Answer(200, codec.write(du01, received.soap))


def _noted(gateway: Taking, party: str, received: Received, trace: str) -> Answer:
    """A Fo01 about one of our messages: an event on it (code and place only; the text
    may quote anything), answered with a Bv03."""
    assert received.fault is not None and received.routing is not None
    cross = received.routing.cross_refnummer or ""
    message_id = id_of(cross) if is_uuid4(cross) else None
    if message_id is not None and gateway.intake.store.message(message_id) is not None:
        code = received.fault.code if received.fault.code.isalnum() else "?"
        detail = f"Fo01 {code[:7]} ({received.fault.plek})"
        gateway.intake.store.record_event(message_id, "fault_received", party, detail, trace)
    now = gateway.intake.store.clock()
    return Answer(200, codec.write(receipt_for(received, now), received.soap))


def _fault(gateway: Taking, received: Received, refused: EnvelopeRefused, trace: str) -> Answer:
    log.info("stuf envelope refused code=%s trace=%s", refused.fo01, trace)
    fault = fault_for(received, refused.fo01, gateway.intake.store.clock(), refused.detail)
    soap = received.soap or received.kind is None  # unreadable: answer as the SOAP it was meant
    return Answer(refused.http_status, codec.write(fault, soap), refused.fo01, refused.retry_after)
