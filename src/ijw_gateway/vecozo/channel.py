"""``VecozoChannel``: delivery by VECOZO REST push (multipart metadata + payload).

VECOZO answers 204 when it takes the message, 400 when the request is malformed and 422
when it refuses the message and asks not to send the same request again; neither is
retried. 5xx, 408, 429, timeouts and TLS or connection failures are retried as for every
HTTP channel (``delivery.HttpChannel``). That VECOZO then delivered the message is a later
status (``vecozo status``), recorded as the message's events.
"""

from __future__ import annotations

import json

import httpx
from pydantic import ValidationError

from ijw_gateway.delivery import (
    Attempt,
    GiveUp,
    HttpChannel,
    Parcel,
    RetryLater,
    call,
    judge_status,
)
from ijw_gateway.vecozo.client import PUSH, STATUS, STATUSES, Connection, push_parts
from ijw_gateway.vecozo.ijw import metadata_for
from ijw_gateway.vecozo.status import REFUSED
from ijw_gateway.wire import wire_id


def problem(response: httpx.Response) -> str:
    """What a 400 or 422 names (its title and the fields in error), cut short; never the
    request's content."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    title = str(body.get("title") or "")[:80]
    errors = body.get("errors")
    fields = ", ".join(str(k)[:60] for k in list(errors)[:5]) if isinstance(errors, dict) else ""
    said = "; ".join(p for p in (title, fields) if p)
    return said.encode("unicode_escape").decode("ascii")


class VecozoChannel(HttpChannel):
    name = "vecozo"

    def __init__(
        self,
        connection: Connection,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        tries: int = 3,
        max_seconds: float = 25.0,
    ) -> None:
        super().__init__(transport, timeout, tries, max_seconds, connection.ssl_context())
        self.connection = connection

    def request(self, parcel: Parcel) -> httpx.Request:
        if parcel.sender is None or parcel.receiver is None:
            raise GiveUp("a VECOZO push needs the sender and the receiver")
        files = push_parts(metadata_for(parcel), parcel.raw)
        return self.client.build_request(
            "POST", self.connection.url(PUSH, "berichten"), files=files
        )

    def send(self, parcel: Parcel) -> Attempt:
        """Push; a 422 for a message VECOZO already has is a push repeated after a crash
        (the worker died between VECOZO's 204 and recording it): delivered, not refused."""
        attempt = super().send(parcel)
        if attempt.detail.startswith("HTTP 422"):
            status = self._known(parcel)
            if status is not None:
                return Attempt(True, False, f"already with VECOZO ({status})")
        return attempt

    def _known(self, parcel: Parcel) -> str | None:
        """VECOZO's latest status of this message, unless it has none or refused it."""
        url = self.connection.url(STATUS, "berichtstatussen")
        request = self.client.build_request(
            "GET", url, params={"traceerId": wire_id(parcel.message_id)}
        )
        try:
            response = call(self.client, request)
            judge_status(response.status_code)
            found = STATUSES.validate_json(response.content)
        except (RetryLater, GiveUp, ValidationError):
            return None
        latest = [
            s.berichtstatus
            for s in found
            if str(s.referentiegegevens.traceerId) == wire_id(parcel.message_id)
        ]
        if not latest or latest[-1] in REFUSED:
            return None
        return latest[-1]

    def judge(self, response: httpx.Response) -> str:
        if response.status_code in (400, 422):
            said = problem(response)
            not_again = " (not retried)" if response.status_code == 422 else ""
            raise GiveUp(f"HTTP {response.status_code}{not_again}{': ' + said if said else ''}")
        return super().judge(response)
