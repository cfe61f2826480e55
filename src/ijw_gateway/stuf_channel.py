"""The StUF channel: a parcel goes out as a ggk0210 Di01 or Du01 over SOAP 1.1 (httpx).

Like every channel it sends one parcel and reports one attempt; the outbox, its retries
and dead letters do not know it is StUF. The envelope is built from the parcel: a first
message travels in a Di01 whose ``referentienummer`` is the message's own id in UUID
spelling, an answer in a Du01 whose ``crossRefnummer`` is the id of the message it answers
(``answers_id``) in the same spelling — the reference of the Di01 that carried it, when
that came or went through this gateway. So every retry of a parcel sends the same
reference, and a receiver that keeps them stores it once.

The receiver's answer decides: a Bv03 (or any 2xx without a StUF answer) is delivered; a
Du01 is delivered too and, when a ``on_reply`` is given, taken in like an envelope posted
to our endpoint (if that fails, the parcel is sent again: the receiver answers it alike);
a Fo01 is not delivered and retried only for a code that asks for it (IB103); HTTP
statuses and transport failures are judged as ``delivery`` judges them. Mutual TLS: a
client certificate and the CAs to trust come from the channel's settings.
"""

from __future__ import annotations

import logging
import math
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

import httpx

from ijw_gateway.delivery import (
    USER_AGENT,
    Attempt,
    ClientTls,
    GiveUp,
    Parcel,
    RetryLater,
    http_client,
    judge_status,
    with_retries,
)
from ijw_gateway.delivery import post as http_post
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.store.clock import utcnow
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.checks import kind_for
from ijw_gateway.stuf.faults import worth_retrying
from ijw_gateway.stuf.model import (
    APPLICATION,
    GGK,
    Envelope,
    application_versions,
    outgoing,
    reference_of,
)

log = logging.getLogger("ijw_gateway.stuf")
OnReply = Callable[[str, bytes, str], None]
"""Takes in a Du01 a receiver answered with: (the receiver's party code, the bytes, the
parcel's trace id)."""


@dataclass(frozen=True)
class StufSettings:
    """What a StUF channel is told: where to post, who we are, and the TLS material."""

    endpoint: str
    application: str = APPLICATION
    application_version: str = application_versions()[0]
    application_subversion: str = application_versions()[1]
    soap: bool = True
    certificate: Path | None = None  # PEM with our client certificate (and its key)
    key: Path | None = None  # the key, when not in the certificate file
    ca: Path | None = None  # PEM of the CAs to trust instead of the system's
    timeout: float = 10.0
    tries: int = 3
    max_seconds: float = 25.0

    def tls(self) -> ssl.SSLContext | bool:
        return ClientTls(self.certificate, self.key, self.ca).context("StUF channel")


class StufChannel:
    """Sends parcels as StUF-GGk envelopes; one instance serves a worker's threads."""

    name = "stuf"

    def __init__(
        self,
        settings: StufSettings,
        transport: httpx.BaseTransport | None = None,
        on_reply: OnReply | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.on_reply = on_reply
        self.clock = clock
        self.client = http_client(transport, settings.timeout, settings.tls())

    def close(self) -> None:
        self.client.close()

    def send(self, parcel: Parcel) -> Attempt:
        try:
            envelope = self.envelope(parcel)
            body = codec.write(envelope, self.settings.soap)
        except UsageError as refused:
            return Attempt(False, False, f"no StUF envelope: {refused}")
        settings = self.settings
        return with_retries(
            lambda: self._post(parcel, envelope, body), settings.tries, settings.max_seconds
        )

    def envelope(self, parcel: Parcel) -> Envelope:
        """The Di01 or Du01 that carries the parcel (``UsageError`` when none can)."""
        if parcel.type is None or not parcel.sender or not parcel.receiver:
            raise UsageError("the message type, sender and receiver must be known")
        kind = kind_for(parcel.type)
        cross = None
        if kind == "Du01":
            if parcel.answers_id is None:
                raise UsageError(
                    f"a {parcel.type} travels in a Du01, which names the message it answers"
                )
            cross = reference_of(parcel.answers_id)
        settings = self.settings
        application = (
            settings.application,
            settings.application_version,
            settings.application_subversion,
        )
        reference = reference_of(parcel.message_id)
        return outgoing(
            parcel.raw,
            parcel.type,
            parcel.sender,
            parcel.receiver,
            self.clock(),
            kind=kind,
            reference=reference,
            cross=cross,
            application=application,
        )

    def _post(self, parcel: Parcel, envelope: Envelope, body: bytes) -> str:
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{GGK}/ggk_{envelope.kind}"',
            "User-Agent": USER_AGENT,
            "X-Trace-Id": parcel.trace_id,
        }
        response = http_post(self.client, self.settings.endpoint, body, headers)
        return self._judge(parcel, envelope, response)

    def _judge(self, parcel: Parcel, envelope: Envelope, response: httpx.Response) -> str:
        answer = codec.read(response.content) if response.content else None
        if answer is not None and answer.kind == "Fo01":
            code = answer.fault.code if answer.fault and answer.fault.code.isalnum() else "?"
            detail = f"Fo01 {code[:7]}"
            raise RetryLater(detail) if worth_retrying(code) else GiveUp(detail)
        judge_status(response.status_code)
        if answer is not None and answer.kind == "Du01" and answer.valid:
            return self._reply(parcel, envelope, response.content, answer)
        return (
            "Bv03"
            if answer is not None and answer.kind == "Bv03"
            else f"HTTP {response.status_code}"
        )

    def _reply(
        self, parcel: Parcel, envelope: Envelope, body: bytes, answer: codec.Received
    ) -> str:
        """A Du01 answered on the spot: taken in when it answers this envelope."""
        assert answer.routing is not None and parcel.receiver is not None
        if answer.routing.cross_refnummer != envelope.routing.referentienummer:
            log.warning("stuf reply names another message; not taken in trace=%s", parcel.trace_id)
            return "Du01 (for another message, not taken in)"
        if self.on_reply is None:
            return "Du01 (not taken in)"
        self.on_reply(
            parcel.receiver, body, parcel.trace_id
        )  # raises RetryLater when it could not be stored
        return "Du01"


_KINDS: dict[str, tuple[type, ...]] = {"soap": (bool,), "timeout": (int, float)}
_KINDS.update(tries=(int,), max_seconds=(int, float))


_BOOLEANS = {"true": True, "false": False}


def _from_text(kinds: tuple[type, ...], text: str) -> object:
    """A boolean or number as a party's channel table holds it (the store keeps every
    setting as text: ``true``, ``5``, ``2.5``); the text itself when it spells none."""
    if kinds == (bool,):
        return _BOOLEANS.get(text, text)
    try:
        number = int(text) if int in kinds and text.isdigit() else float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _setting(name: str, value: object) -> object:
    kinds = _KINDS.get(name, (str,))
    if isinstance(value, str) and kinds != (str,):
        value = _from_text(kinds, value)
    if not isinstance(value, kinds) or (kinds != (bool,) and isinstance(value, bool)):
        raise ConfigurationError(f"StUF channel: {name} has the wrong type")
    if name in ("application_version", "application_subversion") and not (
        isinstance(value, str) and len(value) == 4 and value.isdigit()
    ):
        raise ConfigurationError(f"StUF channel: {name} must be four digits, such as 0001")
    return Path(str(value)) if name in ("certificate", "key", "ca") else value


def stuf_channel(
    settings: Mapping[str, object],
    transport: httpx.BaseTransport | None = None,
    on_reply: OnReply | None = None,
) -> StufChannel:
    """A channel from plain settings (a party's channel table, say): ``endpoint`` and
    optionally ``application``, ``application_version``, ``application_subversion``,
    ``soap``, ``certificate``, ``key``, ``ca``, ``timeout``, ``tries``, ``max_seconds``;
    ConfigurationError for anything else."""
    known = {f.name for f in fields(StufSettings)}
    unknown = sorted(set(settings) - known)
    if unknown or "endpoint" not in settings:
        raise ConfigurationError(f"StUF channel: needs an endpoint; unknown settings {unknown}")
    values = {name: _setting(name, value) for name, value in settings.items()}
    return StufChannel(StufSettings(**values), transport, on_reply)  # type: ignore[arg-type]
