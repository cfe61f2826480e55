"""Requests (JW315, JW317) and answers (JW319) against earlier messages.

A request is known by its ReferentieAanbieder, unique per provider (TR347). It stays open
until the municipality rejects it (JW319 with VerzoekAntwoord 1) or allocates with a
JW301 that carries the reference. A VOT carries one reference per requested product and
is treated as open while any of them is unanswered (interpretation, docs/history.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.findings import Finding
from ijw_gateway.history import extract
from ijw_gateway.history.model import Answer
from ijw_gateway.history.state import request_open
from ijw_gateway.rules._cross import history_of
from ijw_gateway.rules._xml import find
from ijw_gateway.rules.base import RuleContext, finding, rule

UNDER_INVESTIGATION = "2"


@rule("TR347")
def reference_unique(ctx: RuleContext) -> Iterator[Finding]:
    """A provider uses a ReferentieAanbieder for one request only."""
    history = history_of(ctx)
    if history is None:
        return
    for located in extract.requests(ctx.message):
        if history.request(located.record.agb, located.record.referentie) is not None:
            yield finding(ctx, "TR347", located.element)


@rule("TR374")
def no_open_request(ctx: RuleContext) -> Iterator[Finding]:
    """No new request while one for the same client at this provider is still open."""
    history = history_of(ctx)
    found = extract.requests(ctx.message)
    if history is None or not found:
        return
    first = found[0].record
    earlier = history.requests_of(first.gemeente, first.agb, first.bsn)
    if any(request_open(history, r) for r in earlier):
        client = find(ctx.message.root, "Client")
        yield finding(ctx, "TR374", client if client is not None else found[0].element)


def _answer(ctx: RuleContext) -> extract.Located[Answer] | None:
    found = extract.answers(ctx.message) if ctx.message.type == "JW319" else []
    return found[0] if found else None


@rule("TR355")
def answer_has_request(ctx: RuleContext) -> Iterator[Finding]:
    """A JW319 answers a request this provider sent to this municipality."""
    history, located = history_of(ctx), _answer(ctx)
    if history is None or located is None:
        return
    answer = located.record
    request = history.request(answer.agb, answer.referentie)
    if request is None or request.gemeente != answer.gemeente:
        yield finding(ctx, "TR355", located.element)


@rule("TR359")
def no_answer_after_allocation(ctx: RuleContext) -> Iterator[Finding]:
    """No JW319 for a request that a JW301 already honoured."""
    history, located = history_of(ctx), _answer(ctx)
    if history is None or located is None:
        return
    answer = located.record
    earlier = history.answers_to(answer.gemeente, answer.agb, answer.referentie)
    if any(a.kind == "JW301" for a in earlier):
        yield finding(ctx, "TR359", located.element)


def _earlier_319s(ctx: RuleContext, answer: Answer) -> list[Answer]:
    history = history_of(ctx)
    if history is None:
        return []
    earlier = history.answers_to(answer.gemeente, answer.agb, answer.referentie)
    return [a for a in earlier if a.kind == "JW319"]


@rule("TR360")
def investigation_only_first(ctx: RuleContext) -> Iterator[Finding]:
    """'Under investigation' can only be the first answer to a request."""
    located = _answer(ctx)
    if located is None or located.record.verzoek_antwoord != UNDER_INVESTIGATION:
        return
    if _earlier_319s(ctx, located.record):
        yield finding(ctx, "TR360", located.element)


@rule("TR365")
def nothing_after_rejection(ctx: RuleContext) -> Iterator[Finding]:
    """An earlier JW319 for the request must have said 'under investigation'."""
    located = _answer(ctx)
    if located is None:
        return
    earlier = _earlier_319s(ctx, located.record)
    if any(a.verzoek_antwoord != UNDER_INVESTIGATION for a in earlier):
        yield finding(ctx, "TR365", located.element)
