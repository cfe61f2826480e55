"""Adapters: how to read a target's HTTP answer as an ``Observed`` verdict.

This is the seam for other receivers. Each adapter turns one HTTP response into what the
target said about the message:

* ``gateway`` — ijw-gateway's own ``POST /v1/messages``: the JSON verdict (schema
  validity, rule codes with their level, retourcodes), falling back to its return message.
* ``retour`` — any receiver that answers with the iJw return message (JW302, 306, 308,
  316, 318, 320 or JW325) in the response body: its RetourCodes are the verdict.
* ``auto`` — picks one of the above by the response's content; an empty 2xx answer means
  "accepted, nothing to say" (as for a return message, which has no answer of its own).

Any 4xx/5xx without a verdict is a refusal at the door: rejected, no retourcode, which is
how a level-1 (schema) rejection looks from outside.

Write another adapter for a receiver that answers differently (a SOAP envelope, an
asynchronous receipt): a function ``(httpx.Response) -> Observed``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.conformance.observed import NEUTRAL, Observed
from ijw_gateway.errors import IjwGatewayError, InputRejected

if TYPE_CHECKING:  # adapters read responses; the command line lists them without httpx
    import httpx

Adapter = Callable[["httpx.Response"], Observed]

STANDARD_LEVELS = frozenset({"xml", "schema", "message", "history"})


class AdapterError(IjwGatewayError):
    """The response cannot be read by this adapter."""


def _refusal(response: httpx.Response) -> Observed:
    reason = response.reason_phrase or "error"
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("code"):
            reason = str(error["code"])
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass
    return Observed(accepted=False, refused=f"HTTP {response.status_code} {reason}")


def retourcodes_of(xml: bytes) -> tuple[str, ...]:
    """Every RetourCode in a return message, in document order (hardened parse)."""
    tree = xmlparse.parse(xml)
    return tuple(
        (element.text or "").strip()
        for element in tree.getroot().iter()
        if isinstance(element.tag, str) and etree.QName(element).localname == "RetourCode"
    )


def from_return_message(xml: bytes) -> Observed:
    try:
        codes = retourcodes_of(xml)
    except InputRejected as exc:
        raise AdapterError(f"the response is not a readable return message: {exc}") from None
    rejected = any(code not in NEUTRAL for code in codes)
    return Observed(accepted=not rejected, retourcodes=codes, schema_valid=True)


def retour_adapter(response: httpx.Response) -> Observed:
    """Read the return message in the body; an empty 2xx answer is an acceptance."""
    if response.status_code >= 400:
        return _refusal(response)
    if not response.content.strip():
        return Observed(accepted=True)
    return from_return_message(response.content)


def _findings(verdict: Mapping[str, object]) -> list[Mapping[str, object]]:
    found = verdict.get("findings", [])
    if not isinstance(found, list):
        raise AdapterError("verdict.findings is not a list")
    return [f for f in found if isinstance(f, dict)]


def from_verdict(verdict: Mapping[str, object]) -> Observed:
    """Our gateway's Report JSON; findings outside the standard's levels become notes."""
    findings = _findings(verdict)
    standard = [f for f in findings if f.get("level") in STANDARD_LEVELS]
    other = [f for f in findings if f.get("level") not in STANDARD_LEVELS]
    codes = tuple(str(f["retourcode"]) for f in findings if f.get("retourcode"))
    notes = tuple(f"{f.get('level')} {f.get('rule') or ''}: {f.get('text', '')}" for f in other)
    return Observed(
        accepted=bool(verdict.get("accepted")),
        retourcodes=codes,
        schema_valid=bool(verdict.get("schema_valid")),
        rules=tuple(str(f["rule"]) for f in standard if f.get("rule")),
        notes=notes,
    )


def gateway_adapter(response: httpx.Response) -> Observed:
    """ijw-gateway's answer: ``{"verdict": {...}, "retour": {"xml": ...}}``."""
    if response.status_code >= 400:
        return _refusal(response)
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise AdapterError("the response is not JSON; try --adapter retour") from None
    if not isinstance(body, dict):
        raise AdapterError("the response is not a JSON object")
    verdict = body.get("verdict")
    if isinstance(verdict, dict):
        return from_verdict(verdict)
    retour = body.get("retour")
    if isinstance(retour, dict) and isinstance(retour.get("xml"), str):
        return from_return_message(retour["xml"].encode("utf-8"))
    raise AdapterError("the JSON holds neither a verdict nor a return message")


def auto_adapter(response: httpx.Response) -> Observed:
    """JSON -> the gateway adapter, anything else -> the return-message adapter."""
    kind = response.headers.get("content-type", "")
    if response.status_code < 400 and "json" in kind:
        return gateway_adapter(response)
    return retour_adapter(response)


ADAPTERS: Mapping[str, Adapter] = {
    "auto": auto_adapter,
    "gateway": gateway_adapter,
    "retour": retour_adapter,
}
