"""Intake: one posted message (or a zip of up to 30) -> verdict, return message, stored, queued.

For each message, in order: read its envelope (who it travels from and to), refuse it when
the posting party is not its sender, answer identical bytes with the original verdict,
validate it (with the cross-message history of the same transaction), compose the return
message, and write message, findings, events, links and outbox row in one transaction.

Judging a message can take long (a 25 MB declaration), so as little of it as possible
happens inside the transaction: everything but the cross-message rules is judged before one
begins (``Validator.prepare``). On PostgreSQL the cross-message rules then run inside the
intake transaction, after its advisory locks on the message's keys: other messages wait
only when they share a key. SQLite has one write lock for everything, so there the rules
of a large message (``APART_BYTES``) run against a snapshot that takes no lock, the return
message is composed, and only then is the write lock taken, for the writes; the judgement
is kept when no intake committed meanwhile with one of the message's keys (``Unit.stale``;
every intake notes its keys, ``Unit.claim``), else it is made again (the last attempt
holds the write lock throughout, so a message is never starved).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TypeVar

from lxml import etree

from ijw_gateway import held, xmlparse
from ijw_gateway.answering import already_answered, check_answer
from ijw_gateway.catalogue.releases import EXCHANGED
from ijw_gateway.catalogue.structure import ANSWERED_BY
from ijw_gateway.detect import Detected, detect
from ijw_gateway.errors import Conflict, Forbidden, InputRejected, Unprocessable
from ijw_gateway.findings import Report
from ijw_gateway.held import Held
from ijw_gateway.history.extract import facts
from ijw_gateway.history.model import Facts, History
from ijw_gateway.inputs import Item
from ijw_gateway.received import (
    Posted,
    Result,
    Retour,
    gateway_message,
    new_id,
    replay,
    stored,
)
from ijw_gateway.retour.copied import accepts
from ijw_gateway.routing import Envelope, envelope_of
from ijw_gateway.store import Collision, Stale, Store, Unit
from ijw_gateway.store.history import StoreHistory
from ijw_gateway.store.monitoring import record_traffic
from ijw_gateway.store.unit import NewMessage
from ijw_gateway.validation import Check, Outcome, ParsedMessage, Pending, Validator
from ijw_gateway.zipped import split_body

log = logging.getLogger("ijw_gateway.intake")


@dataclass(frozen=True)
class Judge:
    """How the gateway judges one message: ``validator.prepare(..., at)`` judges all but
    the cross-message rules, which ``cross`` builds on a history inside a transaction;
    ``keep`` records in that transaction what judging noted (no-extra-data refusals)."""

    validator: Validator
    at: int
    cross: Callable[[History], Check]
    keep: Callable[[Unit], None]


JudgeFor = Callable[[], Judge]

Compose = Callable[[ParsedMessage, Report], bytes | None]
"""Builds the standard's return message for a validated message, or None when none applies."""

Admit = Callable[[etree._ElementTree | None], None]
"""Raises when a message may not be taken in now (``freeze.FreezeGate.admit``)."""


def _always(tree: etree._ElementTree | None) -> None:
    """Admit every message."""


ATTEMPTS = 3  # a collision means another submission won a key; the retry sees its rows
APART_BYTES = 64 * 2**10
"""Larger messages are looked up before they are judged (a re-post is answered at once) and,
on SQLite, judged against a snapshot instead of under the write lock. Smaller ones hold
the write lock for about a millisecond; a snapshot would cost them more than that saves."""


class Intake:
    def __init__(
        self,
        store: Store,
        judge_for: JudgeFor,
        is_known: Callable[[str], bool],
        compose: Compose,
        deadline: timedelta = timedelta(hours=72),
        admit: Admit = _always,
    ) -> None:
        self.store = store
        self.judge_for = judge_for
        self.is_known = is_known
        self.compose = compose
        self.deadline = deadline
        self.admit = admit

    def submit(
        self,
        party: str,
        body: bytes,
        trace: str,
        message_id: str | None = None,
        answer_back: bool = False,
    ) -> list[Result]:
        """Every message in ``body``; refuses the whole body when one is not the party's.

        ``message_id``: the id to store a single message under instead of a new one (a StUF
        envelope's reference number, so that an answer's crossRefnummer finds it).
        ``answer_back``: queue each return message to the sender too (``Posted``)."""
        items = split_body(body)
        if message_id is not None and len(items) != 1:
            raise Unprocessable("Only a single message can be taken in under a given id.")
        read = [read_envelope(item.data) for item in items]
        for _, envelope in read:
            if envelope is not None:
                self._authorize(party, envelope, trace)
        for tree, _ in read:  # a freeze refuses the whole body before anything is stored
            self.admit(tree)
        return [
            self._one(party, item, (tree, envelope), trace, message_id, answer_back)
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
        read: Read,
        trace: str,
        message_id: str | None,
        answer_back: bool,
    ) -> Result:
        if item.data is None:
            assert item.problem is not None
            return Result(None, Report(item.name, findings=(item.problem,)).to_json())
        sha = hashlib.sha256(item.data).hexdigest()
        tree, envelope = read
        posted = Posted(
            party, item.name, item.data, sha, tree, envelope, trace, message_id, answer_back
        )
        return self.in_transaction(posted, self.transact)

    def in_transaction(self, posted: Posted, work: Work[T]) -> T:
        """``work`` in an intake transaction, with the message judged as far as it can be
        before one begins (``Validator.prepare``); on SQLite a large message is judged to
        the end against a snapshot first. Another attempt follows when another intake won
        one of the message's keys (``Collision``) or committed with one meanwhile
        (``Stale``). The API, the StUF endpoint and the exchanges (``arrivals``) all come
        here."""
        judge = self.judge_for()
        large = len(posted.data) > APART_BYTES
        pending = None  # a large body sent before is answered without judging it again
        if not large or self.store.receipt(posted.party, posted.sha) is None:
            pending = judge.validator.prepare(posted.data, posted.name, posted.tree, judge.at)
        apart = large and not self.store.postgres
        for attempt in range(ATTEMPTS):
            locked = not apart or attempt == ATTEMPTS - 1
            try:
                judged = None
                if pending is not None and not locked:
                    judged = self._judge_apart(posted, judge, pending)
                with self.store.unit() as unit:
                    return work(unit, posted, Judging(judge, pending, judged))
            except (Collision, Stale):
                continue
        raise Conflict("concurrent submissions of this message kept colliding; retry", "busy")

    def _judge_apart(self, posted: Posted, judge: Judge, pending: Pending) -> _Judged | None:
        """SQLite: the cross-message rules against a snapshot, outside the write lock; None
        when the bytes turn out to be stored already."""
        with self.store.snapshot() as snapshot:
            since = snapshot.sequence()
            if snapshot.open((), posted.party, posted.sha, posted.own).receipt is not None:
                return None
            outcome = pending.finish(judge.cross(_history(snapshot)))
        return self._complete(outcome, posted.envelope, since)

    def _complete(self, outcome: Outcome, envelope: Envelope | None, since: int) -> _Judged:
        """What a final verdict implies: the history it adds (IV087, OP286) and the return
        message; both are computed before the writes."""
        message, report = outcome.message, outcome.report
        found = facts(message, report) if message is not None and report.schema_valid else None
        heen = message is not None and envelope is not None and envelope.kind == "heen"
        retour = None
        if message is not None and heen:
            retour = self.compose(message, report)
        return _Judged(report, found, retour, since, message)

    def transact(self, unit: Unit, posted: Posted, judging: Judging) -> Result:
        """One attempt: the same bytes before are answered as then; otherwise the message is
        judged here (``judging.judged`` None) or its judgement from a snapshot is checked.
        An answer to a held message is judged here, with that message counted (``held``)."""
        party, trace, envelope = posted.party, posted.trace, posted.envelope
        receiver = envelope.to_party if envelope else None
        seen = unit.open(posted.locks, party, posted.sha, posted.own, receiver, posted.wire)
        if seen.wire is not None and posted.wire is not None:  # taken in before: that one
            again = f"again from {posted.wire.channel}"
            unit.event(seen.wire, "duplicate_received", party, again, trace)
            return Result(seen.wire, {}, duplicate=True)
        if seen.receipt is not None:
            unit.event(seen.receipt, "duplicate_received", party, "identical bytes", trace)
            return replay(unit, seen.receipt)
        held.awaiting(seen.held if seen.owner is None else None, envelope)
        judge, pending, judged = judging.judge, judging.pending, judging.judged
        assert pending is not None, "found stored before judging; a receipt stays"
        original = held.answered(unit, envelope, posted.tree)
        counts = False
        if judged is None or original is not None:  # here, holding the keys' locks

            def here() -> _Judged:
                return self._complete(pending.finish(judge.cross(_history(unit))), envelope, 0)

            judged, counts = held.judged(unit, original, here, partial(_accepts, posted))
        elif unit.stale(posted.locks, judged.since):
            raise Stale("an intake with one of the message's keys committed meanwhile")
        assert judged is not None
        return self._write(unit, posted, judge, judged, Decision(original, counts))

    def _write(
        self, unit: Unit, posted: Posted, judge: Judge, judged: _Judged, decision: Decision
    ) -> Result:
        """What the verdict implies, written in ``unit``: the message and its findings, the
        history it adds, its links, events, return message and delivery."""
        party, envelope, trace = posted.party, posted.envelope, posted.trace
        message_id = posted.given_id or new_id()
        original = decision.held.id if decision.held else None
        answers, conversation = self._links(
            unit, envelope, message_id, party, posted.tree, original
        )
        received = judged.found is not None
        if judged.found is not None:
            _history(unit).apply(judged.found, message_id)
        report, composed, advice = judged.report, judged.retour, None
        if composed is not None and _receiver_answers(unit, envelope, report, received):
            composed, advice = None, composed
        holding = advice is not None and not received  # the receiver decides (``held``)
        links = (answers if received else None, conversation)
        new = stored(message_id, posted, report, links, received, holding, advice)
        unit.add_message(new)
        unit.add_receipt(party, posted.sha, message_id)
        judge.keep(unit)
        unit.claim(posted.locks)
        self._bookkeeping(unit, new, envelope, report, party, trace, holding)
        retour = self._retour(unit, new, composed, trace)
        if advice is not None:
            unit.event(new.id, "advice_composed", None, "the receiver answers itself", trace)
        delivery = self._onward(unit, posted, new, judged, retour, decision, holding)
        verdict = "accepted" if received else "held" if holding else "rejected"
        log.info("intake %s message=%s type=%s trace=%s", verdict, message_id, new.type, trace)
        return Result(
            message_id,
            report.to_json(),
            False,
            retour,
            delivery,
            new.to_party,
            conversation,
            holding,
        )

    def _onward(
        self,
        unit: Unit,
        posted: Posted,
        new: NewMessage,
        judged: _Judged,
        retour: Retour | None,
        decision: Decision,
        holding: bool,
    ) -> str | None:
        """Where the message and its answer go, what an answer decides on a held message,
        and monitoring's figures; the delivery state of the message."""
        trace = posted.trace
        if retour is not None and posted.answer_back:
            self._answer_back(unit, retour.id, new, trace)
        received = judged.found is not None
        delivery = self._enqueue(unit, new, trace) if received or holding else None
        if decision.held is not None and received:
            held.decided(unit, decision.held, decision.counts, new)
        if holding:
            held.open_deadline(unit, new, judged.message)
        record_traffic(unit, new, judged.message, judged.found, retour.id if retour else None)
        return delivery

    def _answer_back(self, unit: Unit, retour_id: str, new: NewMessage, trace: str) -> None:
        """Queue the return message to the sender: one that came over an exchange hears
        the verdict only so (a posted message's answer carries it)."""
        if new.from_party is not None:
            unit.enqueue(retour_id, new.from_party, self.deadline)
            unit.event(retour_id, "queued", new.from_party, "back to the sender", trace)

    def _links(
        self,
        unit: Unit,
        envelope: Envelope | None,
        own: str,
        party: str,
        tree: etree._ElementTree | None = None,
        held: str | None = None,
    ) -> tuple[str | None, str]:
        """(message this one answers, conversation); refuses a second answer to a message:
        to one received, to one rejected and answered (by the gateway or its receiver), and
        to one that never came here but was answered before (one return message per
        message, IV028). ``held``: the held message it answers, already checked."""
        if envelope is None:
            return None, own
        if held is not None:
            return held, unit.conversation_of(held) or own
        original = unit.owner_of(envelope.answers) if envelope.answers else None
        if original is not None:
            taken = unit.answer_to(original)
            if taken is not None:
                raise already_answered(unit, party, envelope, taken, original)
            check_answer(unit, envelope, tree, original)
            return original, unit.conversation_of(original) or own
        rejected = unit.answered_original(envelope.answers) if envelope.answers else None
        if rejected is not None:
            raise already_answered(unit, party, envelope, rejected[1], rejected[0])
        earlier = unit.owner_of(envelope.retour_key) if envelope.retour_key else None
        if earlier is not None:
            raise already_answered(unit, party, envelope, earlier)
        return None, unit.conversation_by_refs(envelope.references) or own

    def _bookkeeping(
        self,
        unit: Unit,
        new: NewMessage,
        envelope: Envelope | None,
        report: Report,
        party: str,
        trace: str,
        holding: bool = False,
    ) -> None:
        detail = f"{new.type or 'unknown'}, {new.received_size} bytes"
        unit.event(new.id, "received", party, detail, trace)
        if new.accepted:
            partly = " (some Prestaties refused)" if report.findings else ""
            unit.event(new.id, "accepted", party, partly.strip(" ()"), trace)
            if envelope is not None:
                unit.add_refs(envelope.references, new.id)
            return
        codes = ", ".join(report.retourcodes) or ("schema" if report.message else "not iJw")
        if holding:
            unit.event(new.id, "held", party, f"retourcodes: {codes}; its receiver decides", trace)
        else:
            unit.event(new.id, "rejected", party, f"retourcodes: {codes}", trace)

    def _retour(
        self, unit: Unit, original: NewMessage, raw: bytes | None, trace: str
    ) -> Retour | None:
        if raw is None or original.type is None:
            return None
        retour_type = ANSWERED_BY.get(original.type, "JW325")
        retour = gateway_message(original, raw, retour_type)
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
class _Judged:
    """A final verdict and what it implies, ready to be written: the history a received
    message adds (None: it counts as never sent) and the return message; ``since`` dates
    the snapshot it was judged against (SQLite)."""

    report: Report
    found: Facts | None
    retour: bytes | None
    since: int
    message: ParsedMessage | None = None  # what monitoring reads of a received message


@dataclass(frozen=True)
class Decision:
    """What an answer decides: the held message it answers (``held``), if any, and whether
    the answer lets it count as sent."""

    held: Held | None = None
    counts: bool = False


@dataclass(frozen=True)
class Judging:
    """How far a message was judged before its transaction: ``pending`` all but the
    cross-message rules (None: the same bytes were stored before), ``judged`` to the end
    against a snapshot (SQLite; None: the cross-message rules run in the transaction)."""

    judge: Judge
    pending: Pending | None
    judged: _Judged | None


T = TypeVar("T")
Work = Callable[[Unit, Posted, Judging], T]
"""What an intake transaction does with a judged message (``Intake.transact``, or an
exchange's arrival, ``arrivals``)."""


def _receiver_answers(
    unit: Unit, envelope: Envelope | None, report: Report, received: bool
) -> bool:
    """Whether the receiver of a heen message answers it itself (answer mode ``party``):
    the gateway then hands its own answer over as advice and sends none. One the rules
    reject is held (``held``), unless its identification was used before (TR056)."""
    if envelope is None or envelope.kind != "heen" or not envelope.to_party:
        return False
    own = envelope.own_key
    if not received and own is not None and unit.owner_of(own) is not None:
        return False
    return unit.answer_mode(envelope.to_party, report.message) == "party"


def _accepts(posted: Posted, judged: _Judged) -> bool:
    """Whether an answer is accepted and lets the original it answers count as sent."""
    envelope, tree = posted.envelope, posted.tree
    if judged.found is None or envelope is None or tree is None:
        return False
    return accepts(envelope.type, tree.getroot())


def _history(unit: Unit) -> StoreHistory:
    """The history the cross-message rules read in ``unit``; what it records is written
    with the unit's other rows."""
    return StoreHistory(unit.connection, unit.add_rows, unit.identifications, unit.numbers)


Read = tuple[etree._ElementTree | None, Envelope | None]  # a parsed document, its envelope


def read_envelope(data: bytes | None) -> Read:
    """The parsed document and its envelope; (None, None) when it does not parse (the
    validator then says why), the tree alone when it is not an iJw message."""
    if data is None:
        return None, None
    try:
        tree = xmlparse.parse(data)
    except InputRejected:
        return None, None
    detected = detect(tree.getroot())
    if not isinstance(detected, Detected) or detected.release not in EXCHANGED:
        return tree, None  # not the exchange's: its verdict says why, it goes nowhere
    return tree, envelope_of(tree.getroot(), detected.message)
