"""Return messages: a message and its report become the answer the standard prescribes.

Pure: values in, values out. Every heen message gets exactly one answer (IV028, IV087):
JW301/305/307/315/317/319 a retour (JW302/306/308/316/318/320, ``build``), JW323 a JW325
with the granted total (``jw325``). Where a finding lands in the answer is read from the
catalogue (``placing``). A document that fails its schema gets no answer at all: the
exchange refuses it before a return message could exist (control level 1), so asking for
one raises ``NoReturnMessage``; asking to answer an answer raises ``IsReturnMessage``.

Choices where the standard leaves room are argued in ``docs/retour.md``. In short: a class
fault puts ``0200`` on the header (as IV028's worked example does); every class of a copied
client without a code of its own gets ``0200``, because all level-3/4 checks run on every
class; ``XsltVersie`` is written only when the caller ran the official XSLTs; findings
without a retourcode (the gateway's own contract checks, say) cannot be said in the answer,
so they come back separately as ``ReturnMessage.unexpressed`` for the caller to act on.

Typical use::

    outcome = validator.run(data)
    answer = compose_outcome(outcome, identificatie=next_id, dagtekening=today)
    xml = answer.to_bytes()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from lxml import etree

from ijw_gateway.catalogue.releases import EXCHANGED
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import IjwGatewayError, UsageError
from ijw_gateway.findings import Finding, Report
from ijw_gateway.messages.jsonmodel import JsonObject, from_json, to_json, to_xml_bytes
from ijw_gateway.retour.build import (
    ACCEPTING,
    DEFAULT_XSD_VERSIE,
    FULLY_GRANTED,
    NO_REMARK,
    NOT_ASSESSED,
    REJECTED,
    Stamp,
    new_identificatie,
    retour,
)
from ijw_gateway.retour.jw325 import declaratie_antwoord
from ijw_gateway.retour.placing import (
    HEADER,
    ClassPath,
    Verdict,
    answer_types,
    class_path,
    is_answer,
    unexpressed,
    verdict,
)
from ijw_gateway.validation import Outcome, ParsedMessage

__all__ = [
    "DEFAULT_XSD_VERSIE",
    "FULLY_GRANTED",
    "HEADER",
    "NOT_ASSESSED",
    "NO_REMARK",
    "REJECTED",
    "ClassPath",
    "IsReturnMessage",
    "NoReturnMessage",
    "ReturnMessage",
    "Verdict",
    "answer_types",
    "class_path",
    "compose",
    "compose_outcome",
    "is_answer",
    "message_type",
    "new_identificatie",
    "unexpressed",
    "verdict",
]


class NoReturnMessage(IjwGatewayError):
    """This input gets no return message at all; the text says why."""

    exit_code = 1
    http_status = 422
    code = "no_return_message"


class IsReturnMessage(NoReturnMessage):
    """The input is itself an answer (a retour or a JW325); answers are never answered."""

    exit_code = 2
    code = "is_return_message"


@dataclass(frozen=True)
class ReturnMessage:
    """The answer to one message as a JSON model; ``to_bytes`` gives the XML file."""

    message: str  # "JW302"
    answers: str  # "JW301"
    model: JsonObject
    unexpressed: tuple[Finding, ...] = ()  # refusing findings that have no retourcode

    def element(self) -> etree._Element:
        return from_json(self.model)

    def to_bytes(self) -> bytes:
        return to_xml_bytes(self.model)

    @property
    def retourcodes(self) -> list[str]:
        """Every code in the answer, in document order (with repeats)."""
        return [
            e.text or ""
            for e in self.element().iter()
            if isinstance(e.tag, str) and etree.QName(e).localname == "RetourCode"
        ]

    @property
    def accepted(self) -> bool:
        """True when the answer refuses nothing: a bare header or a fully granted claim.

        Check ``unexpressed`` too: a report can refuse for a reason the standard has no
        code for, and then the answer alone looks like an acceptance.
        """
        return all(code in ACCEPTING for code in self.retourcodes)


Original = ParsedMessage | etree._Element | etree._ElementTree


def _root(original: Original) -> etree._Element:
    if isinstance(original, ParsedMessage):
        return original.root
    if isinstance(original, etree._ElementTree):
        return original.getroot()
    return original


def _is_an_answer(message: str) -> IsReturnMessage:
    return IsReturnMessage(
        f"No return message: this {message} is itself a return message (it answers "
        "another message), and return messages are never answered."
    )


def _not_exchanged(release: str) -> NoReturnMessage:
    return NoReturnMessage(
        f"No return message: this is a message of iJw release {release}, which the exchange "
        f"no longer carries (it carries {', '.join(EXCHANGED)}); nobody answers it."
    )


def message_type(root: etree._Element) -> str:
    """The type of a document that may be answered; raises when it may not."""
    detected = detect(root)
    if not isinstance(detected, Detected):
        raise NoReturnMessage(
            "No return message: this document is not an iJw message; the exchange "
            "refuses it and nobody answers it."
        )
    if detected.release not in EXCHANGED:
        raise _not_exchanged(detected.release)
    if is_answer(detected.message):
        raise _is_an_answer(detected.message)
    return detected.message


def _require_schema_valid(report: Report) -> None:
    broken = [f for f in report.findings if f.level in ("xml", "schema")]
    if broken or not report.schema_valid:
        raise NoReturnMessage(
            "No return message: the exchange rejects schema-invalid messages, so the "
            f"sender gets the exchange's error instead ({len(broken)} finding(s) in the "
            "report). Correct the message and send it again with a new identification."
        )


def compose(
    original: Original,
    report: Report,
    *,
    identificatie: str | Callable[[], str] = new_identificatie,
    dagtekening: date | None = None,
    xsd_versie: Mapping[str, str] | None = None,
    xslt_versie: str | None = None,
) -> ReturnMessage:
    """The answer to ``original`` as judged by ``report``.

    ``identificatie`` (a value, or a generator called once) and ``dagtekening`` (default
    today) identify our answer; ``xsd_versie`` defaults to ``DEFAULT_XSD_VERSIE``;
    ``xslt_versie`` is only for operators who really ran the official XSLTs. Raises
    ``IsReturnMessage`` for an answer, ``NoReturnMessage`` for a document that is not a
    schema-valid iJw message of a release the exchange carries, ``UsageError`` for an
    unusable identification.
    """
    root = _root(original)
    heen = message_type(root)
    if report.message not in (None, heen):
        raise UsageError(f"the report is about a {report.message}, the message is a {heen}")
    _require_schema_valid(report)
    stamp = Stamp.make(identificatie, dagtekening, xsd_versie, xslt_versie)
    found = verdict(heen, report.findings)
    if answer_types()[heen] == "JW325":
        model = declaratie_antwoord(root, found, stamp)
    else:  # a retour copies more than the header only when it places a fault below it
        model = retour(to_json(root, None if found.placed else ("Header",)), heen, found, stamp)
    return ReturnMessage(answer_types()[heen], heen, model, unexpressed(report.findings))


def compose_outcome(
    outcome: Outcome,
    *,
    identificatie: str | Callable[[], str] = new_identificatie,
    dagtekening: date | None = None,
    xsd_versie: Mapping[str, str] | None = None,
    xslt_versie: str | None = None,
) -> ReturnMessage:
    """``compose`` for what ``Validator.run`` returns (same keywords, same exceptions)."""
    report = outcome.report
    if report.release is not None and report.release not in EXCHANGED:
        raise _not_exchanged(report.release)
    if report.message in MESSAGES and is_answer(str(report.message)):
        raise _is_an_answer(str(report.message))
    if outcome.message is None:
        if report.message is None:
            raise NoReturnMessage(
                "No return message: this document is not an iJw message; the exchange "
                "refuses it and nobody answers it."
            )
        _require_schema_valid(report)
        raise NoReturnMessage(
            "No return message: the document was refused before its content could be "
            "judged; the report says why."
        )
    return compose(
        outcome.message,
        report,
        identificatie=identificatie,
        dagtekening=dagtekening,
        xsd_versie=xsd_versie,
        xslt_versie=xslt_versie,
    )
