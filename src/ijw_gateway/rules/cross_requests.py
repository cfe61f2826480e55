"""Requests (JW315, JW317) and answers (JW319) against earlier messages.

A request is known by its ReferentieAanbieder, unique per provider (TR347). It stays open
until the municipality rejects it (JW319 with VerzoekAntwoord 1) or allocates with a
JW301 that carries the reference. A VOT carries one reference per requested product and
is treated as open while any of them is unanswered (interpretation, docs/history.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import find
from ijw_gateway.history import extract
from ijw_gateway.history.model import Answer
from ijw_gateway.history.state import request_open
from ijw_gateway.rules.base import Fault, RuleContext, rule

UNDER_INVESTIGATION = "2"


@rule("TR347")
def reference_unique(ctx: RuleContext) -> Iterator[Fault]:
    """A provider uses a ReferentieAanbieder for one request only."""
    history = ctx.history
    for located in extract.requests(ctx.message):
        if history.request(located.record.agb, located.record.referentie) is not None:
            yield Fault(located.element)


@rule("TR374")
def no_open_request(ctx: RuleContext) -> Iterator[Fault]:
    """No new request while one for the same client at this provider is still open."""
    found = extract.requests(ctx.message)
    if not found:
        return
    history, first = ctx.history, found[0].record
    earlier = history.requests_of(first.gemeente, first.agb, first.bsn)
    if any(request_open(history, r) for r in earlier):
        client = find(ctx.message.root, "Client")
        yield Fault(client if client is not None else found[0].element)


def _answer(ctx: RuleContext) -> list[extract.Located[Answer]]:
    """The answer of a JW319 (none for any other message)."""
    return extract.answers(ctx.message)[:1] if ctx.message.type == "JW319" else []


@rule("TR355")
def answer_has_request(ctx: RuleContext) -> Iterator[Fault]:
    """A JW319 answers a request this provider sent to this municipality."""
    for located in _answer(ctx):
        answer = located.record
        request = ctx.history.request(answer.agb, answer.referentie)
        if request is None or request.gemeente != answer.gemeente:
            yield Fault(located.element)


def _earlier(ctx: RuleContext, answer: Answer, kind: str) -> list[Answer]:
    """The earlier answers of ``kind`` (JW301, JW319) to the request ``answer`` answers."""
    earlier = ctx.history.answers_to(answer.gemeente, answer.agb, answer.referentie)
    return [a for a in earlier if a.kind == kind]


@rule("TR359")
def no_answer_after_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """No JW319 for a request that a JW301 already honoured."""
    for located in _answer(ctx):
        if _earlier(ctx, located.record, "JW301"):
            yield Fault(located.element)


@rule("TR360")
def investigation_only_first(ctx: RuleContext) -> Iterator[Fault]:
    """'Under investigation' can only be the first answer to a request."""
    for located in _answer(ctx):
        investigating = located.record.verzoek_antwoord == UNDER_INVESTIGATION
        if investigating and _earlier(ctx, located.record, "JW319"):
            yield Fault(located.element)


@rule("TR365")
def nothing_after_rejection(ctx: RuleContext) -> Iterator[Fault]:
    """An earlier JW319 for the request must have said 'under investigation'."""
    for located in _answer(ctx):
        earlier = _earlier(ctx, located.record, "JW319")
        if any(a.verzoek_antwoord != UNDER_INVESTIGATION for a in earlier):
            yield Fault(located.element)
