"""An input that is a StUF-GGk envelope -> its payload to validate, and what the envelope said.

``ijw-gateway validate`` takes envelopes (bare or in SOAP) as well as bare messages: this
decides which one a file is, checks the envelope (its schema, and whether it agrees with
its payload) and hands the payload on to be validated as usual. A bare message is
recognised without parsing it twice: only a file that names an envelope namespace near its
start is read as an envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

from ijw_gateway.findings import MAX_FINDINGS, Finding, JsonDict, Report, listed, omitted
from ijw_gateway.inputs import Item
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.checks import payload_disagreement
from ijw_gateway.stuf.model import GGK, SOAP, STUF

_MARKS = tuple(namespace.encode() for namespace in (SOAP, GGK, STUF))
_SNIFF = 4096  # the root element's namespaces are declared within the first bytes


@dataclass(frozen=True)
class Wrapped:
    """What an envelope said, for ``validate``'s output."""

    kind: str | None
    functie: str | None
    referentienummer: str | None
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return self.kind is not None and not self.findings

    def to_json(self) -> JsonDict:
        return {
            "kind": self.kind,
            "valid": self.valid,
            "functie": self.functie,
            "referentienummer": self.referentienummer,
            "findings": [f.to_json() for f in listed(self.findings)],
            "findings_omitted": omitted(self.findings),
        }

    def render(self, file: str) -> str:
        verdict = "valid" if self.valid else "INVALID"
        facts = f"functie {self.functie}, referentienummer {self.referentienummer}"
        lines = [f"{file}: {self.kind or 'StUF'} envelope — {verdict} ({facts})"]
        lines.extend(envelope_findings(self.findings, "envelope "))
        return "\n".join(lines)

    def judged(self, report: Report) -> JsonDict:
        """The payload's report with the envelope: accepted only when both are."""
        return {
            **report.to_json(),
            "accepted": report.accepted and self.valid,
            "envelope": self.to_json(),
        }


def envelope_findings(findings: tuple[Finding, ...], tag: str = "") -> list[str]:
    """An envelope's findings as ``validate`` and ``envelope unwrap`` print them: at most
    ``MAX_FINDINGS``, the rest counted, as for a message."""
    lines = [f"  line {f.line}: {f.path} ({tag}{f.rule})\n    {f.text}" for f in listed(findings)]
    if omitted(findings):
        lines.append(
            f"  … and {omitted(findings)} more findings, not listed (at most {MAX_FINDINGS} "
            "per envelope are)"
        )
    return lines


def _no_message(name: str, text: str) -> Item:
    return Item(name, problem=Finding("xml", None, None, "/", 1, text))


def unwrap(item: Item) -> tuple[Item, Wrapped | None]:
    """The item to validate and the envelope it came in (None: a bare message)."""
    data = item.data
    if data is None or not any(mark in data[:_SNIFF] for mark in _MARKS):
        return item, None
    received = codec.read(data)
    if received.kind is None and not received.soap:
        return item, None  # no envelope after all: validated as the bare document it is
    routing = received.routing
    findings = received.findings
    if received.envelope is not None and received.envelope.bestandsnaam is None:
        found = payload_disagreement(received.envelope)
        findings += (found.finding(),) if found else ()
    wrapped = Wrapped(
        received.kind,
        routing.functie if routing else None,
        routing.referentienummer if routing else None,
        findings,
    )
    return _payload(item.name, received), wrapped


def _payload(name: str, received: codec.Received) -> Item:
    if received.kind in ("Fo01", "Bv03"):
        return _no_message(
            name, f"A {received.kind} is an answer of the exchange; it carries no message."
        )
    if received.envelope is not None and received.envelope.bestandsnaam is not None:
        return _no_message(
            name, "The envelope carries a text file (tekstBestand), not an iJw message."
        )
    if received.payload is None:
        return _no_message(name, "The envelope carries no readable payload (xmlBestand in base64).")
    return Item(name, received.payload)
