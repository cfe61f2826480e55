"""Targets: where the runner sends the suite's messages.

A target gets told when a run (a fixture with its context, or a sequence) begins and then
receives that run's messages one by one. ``LocalTarget`` validates in this process with
the standard's levels only (schema, within-message, cross-message) and a fresh history for
every run. ``HttpTarget`` POSTs each message to a URL and reads the answer through an
adapter (``conformance.adapters``); its history is whatever the receiver keeps, which is
fine because the suite's runs never share identifiers.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import ORIGINAL_OF
from ijw_gateway.conformance.adapters import Adapter, AdapterError, auto_adapter
from ijw_gateway.conformance.observed import Observed
from ijw_gateway.errors import InputRejected, UsageError
from ijw_gateway.findings import Report
from ijw_gateway.fixtures.manifest import Entry, Manifest, Run
from ijw_gateway.history import InMemoryHistory
from ijw_gateway.history.service import validate_and_record
from ijw_gateway.rules.stages import cross_message, within_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator

RETOURS = frozenset(ORIGINAL_OF)


class Target(Protocol):
    """Something that judges iJw messages."""

    description: str

    def begin(self, run: Run) -> None:
        """A new run starts (a local target forgets its history here)."""

    def submit(self, entry: Entry, data: bytes) -> Observed:
        """Send one message and say what the receiver answered."""

    def close(self) -> None:
        """Release connections."""


def observed_from_report(report: Report) -> Observed:
    return Observed(
        accepted=report.accepted,
        retourcodes=tuple(report.retourcodes),
        schema_valid=report.schema_valid,
        rules=tuple(f.rule for f in report.findings if f.rule),
    )


class LocalTarget:
    """The gateway's own validator, in process: schema, level 2, levels 3/4 with history."""

    description = "local (in-process validator, fresh history per run)"

    def __init__(self, manifest: Manifest, registry: SchemaRegistry | None = None) -> None:
        self._registry = registry or SchemaRegistry()
        self._task_based = manifest.is_task_based
        self._history = InMemoryHistory()
        self._validator = self._fresh()

    def _fresh(self) -> Validator:
        history = cross_message(self._history, task_based=self._task_based)
        return Validator(self._registry, [within_message(), history])

    def begin(self, run: Run) -> None:
        self._history = InMemoryHistory()
        self._validator = self._fresh()

    def submit(self, entry: Entry, data: bytes) -> Observed:
        report = validate_and_record(self._validator, self._history, data, entry.file)
        return observed_from_report(report)

    def close(self) -> None:
        """Nothing to release."""


def sending_party(data: bytes) -> str | None:
    """Who sends this message: the Afzender, or for a return message the original Ontvanger
    (a return message copies the header of the message it answers, RULES.md §1.1)."""
    try:
        root = xmlparse.parse(data).getroot()
    except InputRejected:
        return None
    header = {
        etree.QName(e).localname: (e.text or "").strip()
        for e in root.iterfind("*/*")
        if isinstance(e.tag, str) and etree.QName(e.getparent()).localname == "Header"
    }
    namespace = etree.QName(root).namespace or ""
    is_retour = any(f"/{m.lower()}/" in namespace for m in RETOURS)
    return header.get("Ontvanger" if is_retour else "Afzender")


@dataclass(frozen=True)
class Keys:
    """API keys per sending party: explicit ``PARTY=KEY``, a ``{party}`` template, a default."""

    by_party: Mapping[str, str] = field(default_factory=dict)
    template: str | None = None
    default: str | None = None

    def for_party(self, party: str | None) -> str | None:
        if party and party in self.by_party:
            return self.by_party[party]
        if party and self.template:
            return self.template.replace("{party}", party)
        return self.default

    @classmethod
    def parse(cls, values: list[str], template: str | None = None) -> Keys:
        by_party: dict[str, str] = {}
        default = None
        for value in values:
            party, sep, key = value.partition("=")
            if sep and party.isdigit():
                by_party[party] = key
            elif default is None:
                default = value
            else:
                raise UsageError("--api-key: give one key without PARTY= at most")
        return cls(by_party, template, default)


def endpoint(url: str) -> str:
    """The URL to POST to; a bare host means ijw-gateway's ``/v1/messages``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--target {url}: give 'local' or an http(s) URL")
    if parts.path in ("", "/"):
        parts = parts._replace(path="/v1/messages")
    return urlunsplit(parts)


def _transport() -> httpx.HTTPTransport:
    """Without TCP_NODELAY every small POST waits ~40 ms for a delayed ACK (Nagle)."""
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


class HttpTarget:
    """POSTs every message to a receiver and reads the answer with an adapter."""

    def __init__(
        self,
        url: str,
        keys: Keys | None = None,
        adapter: Adapter = auto_adapter,
        key_header: str = "Authorization",
        client: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = endpoint(url)
        self.description = f"HTTP {self.url}"
        self._keys = keys or Keys()
        self._adapter = adapter
        self._key_header = key_header
        self._client = client or httpx.Client(timeout=timeout, transport=_transport())

    def begin(self, run: Run) -> None:
        """Nothing to reset: the receiver keeps its own history."""

    def _headers(self, data: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/xml"}
        key = self._keys.for_party(sending_party(data))
        if key:
            is_bearer = self._key_header.lower() == "authorization"
            headers[self._key_header] = f"Bearer {key}" if is_bearer else key
        return headers

    def submit(self, entry: Entry, data: bytes) -> Observed:
        try:
            response = self._client.post(self.url, content=data, headers=self._headers(data))
        except httpx.HTTPError as exc:
            return Observed(accepted=False, refused=f"no answer: {type(exc).__name__}: {exc}")
        try:
            return self._adapter(response)
        except AdapterError as exc:
            return Observed(accepted=False, refused=f"unreadable answer: {exc}")

    def close(self) -> None:
        self._client.close()
