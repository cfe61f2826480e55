"""The gateway as a VECOZO participant: the three APIs over mutual TLS (httpx).

One base URL holds all three, as VECOZO publishes them: ``<base>/berichten/rest-push/v1``,
``<base>/berichten/rest-pull/v1`` and ``<base>/berichtstatus/rest-pull/v3`` (production:
``https://api.vecozo.nl/berichtenservice``; the gateway's own facade: ``<gateway>/vecozo``).
The client certificate and its key come from configuration; ``ca`` replaces the system's
trust store for a test VECOZO.

Failures come out as ``delivery.RetryLater`` (try again: 5xx, timeouts, TLS and
connection failures, a payload whose size or SHA-256 is not what the listing said) or
``delivery.GiveUp`` (a 4xx, an answer the specs do not allow), translated by
``delivery.call`` and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from ijw_gateway.delivery import (
    ClientTls,
    GiveUp,
    RetryLater,
    call,
    http_client,
    judge_status,
    read_capped,
)
from ijw_gateway.errors import UsageError
from ijw_gateway.vecozo.model import (
    BerichtMetadata,
    BerichtstatusGegevens,
    Gereed,
    ZoekpadOpAlsAntwoordOp,
    ZoekpadOpBerichtstroom,
    ZoekpadOpConversatieId,
)

PUSH, PULL, STATUS = (
    "berichten/rest-push/v1",
    "berichten/rest-pull/v1",
    "berichtstatus/rest-pull/v3",
)
PULL_MAX = 250  # messages per list call (the pull API's limit)
PAYLOAD_MAX = 64 * 2**20  # what the gateway takes in at most (its own API's body limit)
Search = ZoekpadOpConversatieId | ZoekpadOpAlsAntwoordOp | ZoekpadOpBerichtstroom
T = TypeVar("T")
_READY = TypeAdapter(list[Gereed])
STATUSES = TypeAdapter(list[BerichtstatusGegevens])


@dataclass(frozen=True)
class Connection:
    """Where VECOZO is and how the gateway proves who it is."""

    base_url: str
    certificate: Path | None = None  # PEM client certificate (with its key, unless ``key``)
    key: Path | None = None
    ca: Path | None = None  # trust only these CAs (a test VECOZO); None: the system's
    timeout: float = 30.0

    def url(self, api: str, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{api}/{path.lstrip('/')}"

    def ssl_context(self) -> ssl.SSLContext:
        """TLS 1.2 or later, the server verified, our certificate presented."""
        return ClientTls(self.certificate, self.key, self.ca).ssl_context("VECOZO")


class VecozoClient:
    """Pull, payload, acknowledge, search and status; ``VecozoChannel`` pushes."""

    def __init__(
        self, connection: Connection, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.connection = connection
        self.client = http_client(transport, connection.timeout, connection.ssl_context())

    def close(self) -> None:
        self.client.close()

    def _send(self, method: str, api: str, path: str, **kwargs: object) -> httpx.Response:
        request = self.client.build_request(method, self.connection.url(api, path), **kwargs)  # type: ignore[arg-type]
        return call(self.client, request)

    def ready(self, limit: int = PULL_MAX, search: Search | None = None) -> list[Gereed]:
        """The oldest messages ready to pull (metadata only), optionally by a search path."""
        params = {"limit": str(max(1, min(limit, PULL_MAX)))}
        if search is None:
            response = self._send("GET", PULL, "berichten", params=params)
        else:
            body = json.dumps(search.to_json()).encode()
            headers = {"Content-Type": "application/json"}
            response = self._send(
                "POST", PULL, "berichten/zoeken", params=params, content=body, headers=headers
            )
        judge_status(response.status_code)
        return _parsed(_READY, response)

    def payload(self, item: Gereed, limit: int = PAYLOAD_MAX) -> bytes:
        """The payload of a listed message, checked against the listing's size and SHA-256."""
        download = item.basisgegevens.payload
        if download.checksum.algoritme.upper() != "SHA256":
            raise GiveUp(f"checksum algorithm {download.checksum.algoritme[:10]!r} unknown")
        if download.grootte > limit:
            raise GiveUp(f"payload of {download.grootte} bytes is over the limit")
        trace = item.referentiegegevens.traceerId
        url = self.connection.url(PULL, f"berichten/{trace}/payload")
        data = read_capped(self.client, self.client.build_request("GET", url), download.grootte)
        if len(data) != download.grootte:
            raise RetryLater(f"payload is {len(data)} bytes, the listing said {download.grootte}")
        if hashlib.sha256(data).hexdigest() != download.checksum.waarde.strip().lower():
            raise RetryLater("payload SHA-256 is not the listing's checksum")
        return data

    def acknowledge(self, traceer_id: uuid.UUID) -> bool:
        """Confirm receipt (202); False when VECOZO no longer has it (404: done before)."""
        response = self._send("DELETE", PULL, f"berichten/{traceer_id}")
        if response.status_code == 404:
            return False
        judge_status(response.status_code)
        return True

    def statuses(
        self, traceer_id: uuid.UUID | None = None, conversatie_id: uuid.UUID | None = None
    ) -> list[BerichtstatusGegevens]:
        """Status v3 of one message (and its answers), or of a whole conversation."""
        if (traceer_id is None) == (conversatie_id is None):
            raise UsageError("ask by traceerId or by conversatieId")
        params = (
            {"traceerId": str(traceer_id)} if traceer_id else {"conversatieId": str(conversatie_id)}
        )
        response = self._send("GET", STATUS, "berichtstatussen", params=params)
        judge_status(response.status_code)
        return _parsed(STATUSES, response)


def _parsed(adapter: TypeAdapter[list[T]], response: httpx.Response) -> list[T]:
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        raise GiveUp(
            f"VECOZO answered what the API does not allow ({exc.error_count()} errors)"
        ) from None


def push_parts(
    metadata: BerichtMetadata, payload: bytes
) -> dict[str, tuple[str | None, bytes, str]]:
    """The multipart body of a push: the metadata as JSON and the payload as octets."""
    text = json.dumps(metadata.to_json()).encode()
    return {
        "berichtMetadata": (None, text, "application/json"),
        "payload": ("payload", payload, "application/octet-stream"),
    }
