"""JW301 against earlier messages: number reuse, request references, deleting declared care.

Each finding sits on the ToegewezenProduct in which the fault lies.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.history import extract
from ijw_gateway.history.model import DELETED, Allocation, History
from ijw_gateway.history.state import standing_debits
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules.base import Fault, RuleContext, rule


def _same_allocation(earlier: Allocation, now: Allocation) -> bool:
    """Resending a number is only allowed for the same client, provider and product (IV066)."""
    return (earlier.bsn, earlier.agb, earlier.categorie, earlier.code) == (
        now.bsn,
        now.agb,
        now.categorie,
        now.code,
    )


@rule("TR332")
def allocation_number_unique(ctx: RuleContext) -> Iterator[Fault]:
    """A ToewijzingNummer names one allocated product within a municipality."""
    history = ctx.history
    for located in extract.allocations(ctx.message):
        now = located.record
        earlier = history.allocation(now.gemeente, now.nummer)
        if earlier is not None and not _same_allocation(earlier, now):
            yield Fault(located.element, detail(ctx, "value", "ToewijzingNummer", now.nummer))


def _first_answer_to_request(history: History, now: Allocation, ref: str) -> bool:
    """The provider asked for this client with ``ref`` and no 301 carried it yet."""
    request = history.request(now.agb, ref)
    if request is None or (request.gemeente, request.bsn) != (now.gemeente, now.bsn):
        return False
    return not any(a.kind == "JW301" for a in history.answers_to(now.gemeente, now.agb, ref))


@rule("TR379")
def reference_honours_request(ctx: RuleContext) -> Iterator[Fault]:
    """A ReferentieAanbieder is only copied from a request, in the first 301 that honours it."""
    history = ctx.history
    for located in extract.allocations(ctx.message):
        now = located.record
        ref = now.referentie_aanbieder
        if ref is None:
            continue
        if not _first_answer_to_request(history, now, ref):
            yield Fault(located.element)


@rule("TR385")
def no_delete_with_declarations(ctx: RuleContext) -> Iterator[Fault]:
    """An allocation with granted, uncredited Prestaties cannot be deleted."""
    history = ctx.history
    for located in extract.allocations(ctx.message):
        now = located.record
        if now.reden_wijziging != DELETED:
            continue
        if standing_debits(history.prestaties_on(now.gemeente, now.nummer)):
            yield Fault(located.element, detail(ctx, "value", "ToewijzingNummer", now.nummer))
