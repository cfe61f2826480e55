"""Intake: one posted message (or a zip of up to 30) -> verdict, return message, stored, queued.

For each message, in order: read its envelope (who it travels from and to), refuse it when
the posting party is not its sender, answer identical bytes with the original verdict,
validate it (with the cross-message history of the same transaction), compose the return
message, and write message, findings, events, links and outbox row in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.structure import ANSWERED_BY, ORIGINAL_OF
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import Conflict, Forbidden, InputRejected, Unprocessable
from ijw_gateway.findings import Finding, JsonDict, Report
from ijw_gateway.history.extract import facts
from ijw_gateway.inputs import Item
from ijw_gateway.routing import Envelope, envelope_of
from ijw_gateway.store import Collision, Store, Unit
from ijw_gateway.store.monitoring import record_traffic
from ijw_gateway.store.unit import NewMessage
from ijw_gateway.validation import Outcome, ParsedMessage, Validator
from ijw_gateway.zipped import split_body

log = logging.getLogger("ijw_gateway.intake")


@dataclass(frozen=True)
class Judge:
    """How one intake transaction judges and remembers: the validator (its cross-message
    rules read the transaction's history) and the recorder that adds a received message to
    that history, returning whether it counts as received."""

    validator: Validator
    record: Callable[[str, ParsedMessage, Report], bool] | None = None


JudgeFor = Callable[[Unit], Judge]

Compose = Callable[[ParsedMessage, Report], bytes | None]
"""Builds the standard's return message for a validated message, or None when none applies."""

TR056 = Finding(
    "history",
    "TR056",
    "9056",
    "/Bericht/Header/BerichtIdentificatie/Identificatie",
    1,
    "This sender already used this BerichtIdentificatie for a message of this type. Every "
    "message needs a new identification (TR056); resend it with a new Identificatie.",
)
_ATTEMPTS = 3  # a collision means another submission won a key; the retry sees its rows


@dataclass(frozen=True)
class Retour:
    id: str
    type: str | None
    raw: bytes


@dataclass(frozen=True)
class Result:
    """What the sender hears about one message."""

    id: str | None
    report: JsonDict
    duplicate: bool = False
    retour: Retour | None = None
    delivery: str | None = None
    receiver: str | None = None
    conversation: str | None = None

    def to_json(self) -> JsonDict:
        retour = None
        if self.retour is not None:
            xml = self.retour.raw.decode("utf-8")
            retour = {"id": self.retour.id, "message": self.retour.type, "xml": xml}
        delivery = {"receiver": self.receiver, "state": self.delivery} if self.delivery else None
        return {
            "id": self.id,
            "duplicate": self.duplicate,
            "accepted": bool(self.report.get("accepted")),
            "verdict": self.report,
            "retour": retour,
            "delivery": delivery,
            "conversation": self.conversation,
        }


def _shown(code: str, limit: int = 20) -> str:
    """A party code as a message states it, for texts, events and logs: not checked yet,
    so control characters are escaped (no forged log lines) and it is cut short."""
    shown = code.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit] + "…"


_ONE_ANSWER = "the standard allows one return message per message (IV028) and one JW325 per JW323."


def _already_answered(
    unit: Unit, party: str, envelope: Envelope, answer: str, original: str | None = None
) -> Conflict:
    """The refusal of a second answer. Only the two parties of the first answer (the
    original's sender and receiver) hear which messages those are; to anyone else the
    answer says neither that the identification was used nor any message id."""
    if party not in unit.parties_of(answer):
        return Conflict(
            f"This {envelope.type} cannot be taken: the message it answers cannot take an "
            f"answer from this party; {_ONE_ANSWER}",
            "already_answered",
        )
    if original is not None:
        return Conflict(
            f"Message {original} was already answered (message {answer}); {_ONE_ANSWER}",
            "already_answered",
        )
    return Conflict(
        f"Message {answer} already answered the {ORIGINAL_OF[envelope.type]} "
        f"{_shown(envelope.identificatie)} of {_shown(envelope.afzender)}; {_ONE_ANSWER}",
        "already_answered",
    )


def new_id() -> str:
    return uuid.uuid4().hex


class Intake:
    def __init__(
        self,
        store: Store,
        judge_for: JudgeFor,
        is_known: Callable[[str], bool],
        compose: Compose | None = None,
        deadline: timedelta = timedelta(hours=72),
    ) -> None:
        self.store = store
        self.judge_for = judge_for
        self.is_known = is_known
        self.compose = compose
        self.deadline = deadline

    def submit(
        self, party: str, body: bytes, trace: str, message_id: str | None = None
    ) -> list[Result]:
        """Every message in ``body``; refuses the whole body when one is not the party's.

        ``message_id``: the id to store a single message under instead of a new one (a StUF
        envelope's reference number, so that an answer's crossRefnummer finds it)."""
        items = split_body(body)
        if message_id is not None and len(items) != 1:
            raise Unprocessable("Only a single message can be taken in under a given id.")
        read = [_read(item.data) for item in items]
        for _, envelope in read:
            if envelope is not None:
                self._authorize(party, envelope, trace)
        return [
            self._one(party, item, tree, envelope, trace, message_id)
            for item, (tree, envelope) in zip(items, read, strict=True)
        ]

    def _authorize(self, party: str, envelope: Envelope, trace: str) -> None:
        """Refuse a message that does not travel from ``party`` or goes to no party. What
        the message states is not checked yet (an Afzender may hold a BSN or a name), so
        the answer, the event and the log name a stated code only when it is a party's."""
        if envelope.from_party != party:
            known = self.is_known(envelope.from_party)
            sender = envelope.from_party if known else "a sender that is not a party here"
            detail = f"{envelope.type} travels from {sender}, not from {party}"
            self.store.record_event(None, "forbidden", party, detail, trace)
            log.warning("intake refused: %s trace=%s", detail, trace)
            raise Forbidden(
                f"A party may only send its own messages: this {envelope.type} travels from "
                f"{sender} and the API key belongs to {party}.",
                "not_the_sender",
            )
        if not self.is_known(envelope.to_party):
            self.store.record_event(None, "refused", party, "unknown receiver", trace)
            raise Unprocessable(
                f"The receiver this {envelope.type} names is not a party of this gateway, so "
                "it cannot be delivered.",
                "unknown_receiver",
            )

    def _one(
        self,
        party: str,
        item: Item,
        tree: etree._ElementTree | None,
        envelope: Envelope | None,
        trace: str,
        message_id: str | None = None,
    ) -> Result:
        if item.data is None:
            assert item.problem is not None
            return Result(None, Report(item.name, findings=(item.problem,)).to_json())
        sha = hashlib.sha256(item.data).hexdigest()
        posted = _Posted(item.name, item.data, sha, tree, envelope)
        for _ in range(_ATTEMPTS):
            try:
                with self.store.unit() as unit:
                    return self._transact(unit, party, posted, trace, message_id)
            except Collision:
                continue
        raise Conflict("concurrent submissions of this message kept colliding; retry", "busy")

    def _transact(
        self,
        unit: Unit,
        party: str,
        posted: _Posted,
        trace: str,
        given_id: str | None = None,
        answer_back: bool = False,
    ) -> Result:
        name, data, sha, envelope = posted.name, posted.data, posted.sha, posted.envelope
        locks, own = (envelope.locks, envelope.own_key) if envelope else ((), None)
        existing = unit.open(locks, party, sha, own).receipt
        if existing is not None:
            unit.event(existing, "duplicate_received", party, "identical bytes", trace)
            return _replay(unit, existing)
        judge = self.judge_for(unit)
        outcome = judge.validator.run(data, name, posted.tree)
        message_id = given_id or new_id()
        answers, conversation = self._links(unit, envelope, message_id, party)
        report = _with_identity(unit, envelope, outcome.report, judge.record is None)
        received = _remember(unit, judge, outcome.message, report, envelope, message_id)
        new = _new_message(
            message_id,
            party,
            name,
            data,
            sha,
            envelope,
            report,
            trace,
            answers if received else None,
            conversation,
            received,
        )
        unit.add_message(new)
        unit.add_receipt(party, sha, message_id)
        self._bookkeeping(unit, new, envelope, report, party, trace)
        retour = self._retour(unit, new, Outcome(report, outcome.message), envelope, trace)
        if retour is not None and answer_back:
            self._answer_back(unit, retour.id, new, trace)
        delivery = self._enqueue(unit, new, trace) if received else None
        record_traffic(unit, new, outcome.message, report, retour.id if retour else None)
        verdict = "accepted" if received else "rejected"
        log.info("intake %s message=%s type=%s trace=%s", verdict, message_id, new.type, trace)
        return Result(
            message_id, report.to_json(), False, retour, delivery, new.to_party, conversation
        )

    def _answer_back(self, unit: Unit, retour_id: str, new: NewMessage, trace: str) -> None:
        """Queue the return message to the sender: one that came over an exchange hears
        the verdict only so (a posted message's answer carries it)."""
        if new.from_party is not None:
            unit.enqueue(retour_id, new.from_party, self.deadline)
            unit.event(retour_id, "queued", new.from_party, "back to the sender", trace)

    def _links(
        self, unit: Unit, envelope: Envelope | None, own: str, party: str
    ) -> tuple[str | None, str]:
        """(message this one answers, conversation); refuses a second answer to a message:
        to one received, to one the gateway rejected and answered, and to one that never
        came here but was answered before (one return message per message, IV028)."""
        if envelope is None:
            return None, own
        original = unit.owner_of(envelope.answers) if envelope.answers else None
        if original is not None:
            taken = unit.answer_to(original)
            if taken is not None:
                raise _already_answered(unit, party, envelope, taken, original)
            return original, unit.conversation_of(original) or own
        rejected = unit.answered_original(envelope.answers) if envelope.answers else None
        if rejected is not None:
            raise _already_answered(unit, party, envelope, rejected[1], rejected[0])
        earlier = unit.owner_of(envelope.retour_key) if envelope.retour_key else None
        if earlier is not None:
            raise _already_answered(unit, party, envelope, earlier)
        return None, unit.conversation_by_refs(envelope.references) or own

    def _bookkeeping(
        self,
        unit: Unit,
        new: NewMessage,
        envelope: Envelope | None,
        report: Report,
        party: str,
        trace: str,
    ) -> None:
        detail = f"{new.type or 'unknown'}, {len(new.raw)} bytes"
        unit.event(new.id, "received", party, detail, trace)
        if new.accepted:
            partly = " (some Prestaties refused)" if report.findings else ""
            unit.event(new.id, "accepted", party, partly.strip(" ()"), trace)
            if envelope is not None:
                unit.add_refs(envelope.references, new.id)
        else:
            codes = ", ".join(report.retourcodes) or ("schema" if report.message else "not iJw")
            unit.event(new.id, "rejected", party, f"retourcodes: {codes}", trace)

    def _retour(
        self,
        unit: Unit,
        original: NewMessage,
        outcome: Outcome,
        envelope: Envelope | None,
        trace: str,
    ) -> Retour | None:
        if self.compose is None or outcome.message is None or envelope is None:
            return None
        if envelope.kind != "heen":
            return None
        raw = self.compose(outcome.message, outcome.report)
        if raw is None:
            return None
        retour_type = ANSWERED_BY.get(envelope.type, "JW325")
        retour = _gateway_message(original, raw, retour_type)
        unit.add_message(retour)
        unit.event(original.id, "retour_composed", None, f"{retour_type} {retour.id}", trace)
        return Retour(retour.id, retour_type, raw)

    def _enqueue(self, unit: Unit, new: NewMessage, trace: str) -> str | None:
        if new.to_party is None:
            return None
        unit.enqueue(new.id, new.to_party, self.deadline)
        unit.event(new.id, "queued", new.to_party, "", trace)
        return "queued"


@dataclass(frozen=True)
class _Posted:
    """One message of a submission: its bytes, their hash, and what reading them gave."""

    name: str
    data: bytes
    sha: str
    tree: etree._ElementTree | None  # parsed once, for the envelope and the validator
    envelope: Envelope | None


def _read(data: bytes | None) -> tuple[etree._ElementTree | None, Envelope | None]:
    """The parsed document and its envelope; (None, None) when it does not parse (the
    validator then says why), the tree alone when it is not an iJw message."""
    if data is None:
        return None, None
    try:
        tree = xmlparse.parse(data)
    except InputRejected:
        return None, None
    detected = detect(tree.getroot())
    if not isinstance(detected, Detected):
        return tree, None
    return tree, envelope_of(tree.getroot(), detected.message)


def _remember(
    unit: Unit,
    judge: Judge,
    message: ParsedMessage | None,
    report: Report,
    envelope: Envelope | None,
    message_id: str,
) -> bool:
    """Record a message that counts as received (no findings, or a JW323 whose findings
    refuse single Prestaties only, IV087; ``history.extract.facts`` decides) and say
    whether it did: only those are delivered."""
    if message is None or not report.schema_valid:
        return False
    if judge.record is not None:
        return judge.record(message_id, message, report)
    received = facts(message, report) is not None
    if received and envelope is not None and envelope.own_key is not None:
        unit.add_identification(envelope.own_key, message_id)
    return received


def _with_identity(
    unit: Unit, envelope: Envelope | None, report: Report, no_history: bool
) -> Report:
    """TR056 from the store when no cross-message history judged the message."""
    if not no_history or envelope is None or envelope.own_key is None:
        return report
    if not report.schema_valid:
        return report
    if any(f.rule == "TR056" for f in report.findings) or unit.owner_of(envelope.own_key) is None:
        return report
    if any(f.level == "message" for f in report.findings):
        return report  # level 2 stops validation: later levels are not reported (RULES.md §0)
    return report.with_findings([TR056])


def _new_message(
    message_id: str,
    party: str,
    name: str,
    data: bytes,
    sha: str,
    envelope: Envelope | None,
    report: Report,
    trace: str,
    answers: str | None,
    conversation: str,
    received: bool,
) -> NewMessage:
    return NewMessage(
        id=message_id,
        origin="party",
        poster=party,
        file=name,
        type=report.message,
        afzender=envelope.afzender if envelope else None,
        ontvanger=envelope.ontvanger if envelope else None,
        identificatie=envelope.identificatie[:40] if envelope else None,
        from_party=envelope.from_party if envelope else party,
        to_party=envelope.to_party if envelope else None,
        answers_id=answers,
        conversation_id=conversation,
        accepted=received,
        sha256=sha,
        raw=data,
        verdict=json.dumps(report.to_json(), ensure_ascii=False),
        trace_id=trace,
        findings=report.findings,
    )


def _gateway_message(original: NewMessage, raw: bytes, type_: str) -> NewMessage:
    return replace(
        original,
        id=new_id(),
        origin="gateway",
        poster=None,
        file="",
        type=type_,
        from_party=original.to_party,
        to_party=original.from_party,
        answers_id=original.id,
        accepted=True,
        sha256=hashlib.sha256(raw).hexdigest(),
        raw=raw,
        verdict=None,
        findings=(),
    )


def _replay(unit: Unit, message_id: str) -> Result:
    stored = unit.stored(message_id)
    report = json.loads(stored.message.verdict or "{}")
    retour = None
    if stored.answer is not None and stored.answer.origin == "gateway":
        retour = Retour(stored.answer.id, stored.answer.type, stored.answer_raw or b"")
    return Result(
        message_id,
        report,
        True,
        retour,
        stored.delivery,
        stored.message.to_party,
        stored.message.conversation_id,
    )
