"""What the cross-message rule families share: their lookups and the message's parties.

Cross-message rules (levels 3 and 4) get earlier messages only through the read-only
``History`` in ``ctx.lookups.history``; without one they stay silent, so a validator
without a history never rejects for lack of one.
"""

from __future__ import annotations

from ijw_gateway.elements import Element, find
from ijw_gateway.history.extract import Located, Parties, parties, prestaties
from ijw_gateway.history.model import Allocation, Prestatie
from ijw_gateway.rules.base import RuleContext, shared_once


def parties_of(ctx: RuleContext) -> Parties:
    return parties(ctx.message)


def header(ctx: RuleContext) -> Element:
    """The Header class: where faults in the message's identity are reported."""
    node = find(ctx.message.root, "Header")
    return node if node is not None else ctx.message.root


def claims(ctx: RuleContext) -> list[Located[Prestatie]]:
    """The Prestaties of a JW323 (empty for any other message)."""
    return prestaties(ctx.message) if ctx.message.type == "JW323" else []


@shared_once
def claims_on_allocation(ctx: RuleContext) -> tuple[tuple[Located[Prestatie], Allocation], ...]:
    """Prestaties of a JW323 whose allocation is known and made to this provider.

    Why: every allocation-based declaration rule stays silent when TR338 (no such
    allocation) already faults the Prestatie, so one fault gives one finding.
    """
    history = ctx.lookups.history
    if history is None:
        return ()
    found = []
    for located in claims(ctx):
        claim = located.record
        allocation = history.allocation(claim.gemeente, claim.nummer)
        if allocation is not None and allocation.agb == claim.agb:
            found.append((located, allocation))
    return tuple(found)
