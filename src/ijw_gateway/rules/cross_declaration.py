"""JW323 against the allocation and earlier declarations (RULES.md §5.2).

These rules refuse single Prestaties: each finding sits on the Prestatie at fault and
the other Prestaties stay granted (IV087). Only TR318 and TR333 fault the Declaratie
class itself, which refuses the whole declaration. Missing or late start/stop messages
are never a reason to refuse (OP364), so no rule here looks at them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.elements import date_at
from ijw_gateway.history import extract
from ijw_gateway.history.extract import Located
from ijw_gateway.history.model import DELETED, Declaration, History, Prestatie
from ijw_gateway.history.state import counted, standing_debits
from ijw_gateway.rules._cross import claims, claims_on_allocation
from ijw_gateway.rules._dates import month_end
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules.base import Fault, RuleContext, rule
from ijw_gateway.rules.cross_answer import answer_other_client
from ijw_gateway.rules.cross_vow import vow_other_client

HOURS, MINUTES = "04", "01"


@rule("TR338")
def claim_has_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """A Prestatie refers to an allocation of this municipality to this provider."""
    history = ctx.history
    for located in claims(ctx):
        claim = located.record
        allocation = history.allocation(claim.gemeente, claim.nummer)
        if allocation is None or allocation.agb != claim.agb:
            yield Fault(located.element, detail(ctx, "value", "ToewijzingNummer", claim.nummer))


@rule("TR304")
def same_client(ctx: RuleContext) -> Iterator[Fault]:
    """The client of a VOW, Prestatie or answered Prestatie is the client of its source."""
    if ctx.message.type == "JW317":
        yield from vow_other_client(ctx)
    elif ctx.message.type == "JW325":
        yield from answer_other_client(ctx)
    else:
        for located, allocation in claims_on_allocation(ctx):
            if located.record.bsn != allocation.bsn:
                yield Fault(located.element)


@rule("TR384")
def allocation_not_deleted(ctx: RuleContext) -> Iterator[Fault]:
    """No declaring on a deleted allocation."""
    for located, allocation in claims_on_allocation(ctx):
        if allocation.reden_wijziging == DELETED:
            yield Fault(located.element)


@rule("TR339")
def same_category(ctx: RuleContext) -> Iterator[Fault]:
    """ProductCategorie equals the allocated category, when one was allocated."""
    for located, allocation in claims_on_allocation(ctx):
        if allocation.categorie is not None and located.record.categorie != allocation.categorie:
            yield Fault(located.element)


@rule("TR340")
def same_code(ctx: RuleContext) -> Iterator[Fault]:
    """ProductCode equals the allocated code, when one was allocated."""
    for located, allocation in claims_on_allocation(ctx):
        if allocation.code is not None and located.record.code != allocation.code:
            yield Fault(located.element)


@rule("TR341")
def same_unit(ctx: RuleContext) -> Iterator[Fault]:
    """Eenheid equals the allocated unit; hours may be declared in minutes."""
    for located, allocation in claims_on_allocation(ctx):
        if allocation.omvang is None:
            continue  # aspecific or generic: the unit follows the contract
        allocated, declared = allocation.omvang.eenheid, located.record.eenheid
        if declared != allocated and (allocated, declared) != (HOURS, MINUTES):
            yield Fault(located.element)


@rule("TR307")
def begins_within_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """The ProductPeriode does not begin before the allocation."""
    for located, allocation in claims_on_allocation(ctx):
        if located.record.begindatum < allocation.ingangsdatum:
            yield Fault(located.element)


@rule("TR308")
def ends_within_allocation(ctx: RuleContext) -> Iterator[Fault]:
    """The ProductPeriode does not end after the allocation."""
    for located, allocation in claims_on_allocation(ctx):
        end = allocation.einddatum
        if end is not None and located.record.einddatum > end:
            yield Fault(located.element)


@rule("TR387")
def begins_on_month_start(ctx: RuleContext) -> Iterator[Fault]:
    """The period begins on the 1st, or on the allocation's start later in that month."""
    for located, allocation in claims_on_allocation(ctx):
        begin, start = located.record.begindatum, allocation.ingangsdatum
        if begin < start:
            continue  # TR307
        expected = begin.replace(day=1)
        if (start.year, start.month) == (begin.year, begin.month) and start > expected:
            expected = start
        if begin != expected:
            yield Fault(located.element)


@rule("TR388")
def ends_on_month_end(ctx: RuleContext) -> Iterator[Fault]:
    """The period ends on the month's last day, or on the allocation's earlier end."""
    for located, allocation in claims_on_allocation(ctx):
        end, stop = located.record.einddatum, allocation.einddatum
        if stop is not None and end > stop:
            continue  # TR308
        expected = month_end(end)
        if stop is not None and (stop.year, stop.month) == (end.year, end.month):
            expected = min(expected, stop)
        if end != expected:
            yield Fault(located.element)


@rule("TR319")
def within_declaration_period(ctx: RuleContext) -> Iterator[Fault]:
    """A Prestatie lies in the declared month or an earlier one."""
    limit = date_at(ctx.message.root, "Declaratie/DeclaratiePeriode/Einddatum")
    for located in claims(ctx):
        if limit is not None and located.record.einddatum > limit:
            yield Fault(located.element)


def _declared(ctx: RuleContext) -> list[Located[Declaration]]:
    """The Declaratie of a JW323 (none for any other message)."""
    located = extract.declaration(ctx.message)
    return [] if located is None else [located]


@rule("TR318")
def period_not_before_last(ctx: RuleContext) -> Iterator[Fault]:
    """A declaration period may not lie before the last one submitted (reduced TR318)."""
    for located in _declared(ctx):
        now = located.record
        submitted = ctx.history.declarations_of(now.gemeente, now.agb)
        earlier = [d.periode_begin for d in submitted if not d.rejected]
        if earlier and now.periode_begin < max(earlier):
            yield Fault(located.element)


@rule("TR333")
def declaration_number_unique(ctx: RuleContext) -> Iterator[Fault]:
    """A provider never reuses a DeclaratieNummer."""
    for located in _declared(ctx):
        if ctx.history.declaration_number_used(located.record.agb, located.record.nummer):
            yield Fault(located.element)


@rule("TR314")
def reference_number_unique(ctx: RuleContext) -> Iterator[Fault]:
    """A ReferentieNummer is used once per provider: in this message and before."""
    history = ctx.history
    seen: set[str] = set()
    for located in claims(ctx):
        claim = located.record
        if claim.referentie in seen or history.prestatie(claim.agb, claim.referentie):
            yield Fault(located.element)
        seen.add(claim.referentie)


def _credits(ctx: RuleContext) -> Iterator[tuple[History, Located[Prestatie], str]]:
    """The credit Prestaties of the message with the ReferentieNummer each one cancels."""
    history = ctx.history
    for located in claims(ctx):
        claim = located.record
        if claim.is_credit and claim.vorig_referentie is not None:
            yield history, located, claim.vorig_referentie


@rule("TR323")
def credit_has_debit(ctx: RuleContext) -> Iterator[Fault]:
    """A credit cancels an earlier, granted debit Prestatie of this provider."""
    for history, located, cancelled in _credits(ctx):
        debit = history.prestatie(located.record.agb, cancelled)
        if debit is None or debit.is_credit:
            yield Fault(located.element)


@rule("TR390")
def one_credit_per_debit(ctx: RuleContext) -> Iterator[Fault]:
    """A debit is credited at most once."""
    for history, located, cancelled in _credits(ctx):
        if counted(history.credits_of(located.record.agb, cancelled)):
            yield Fault(located.element)


@rule("TR389")
def no_second_debit(ctx: RuleContext) -> Iterator[Fault]:
    """No new debit for a period and product while an earlier debit for it stands."""
    history = ctx.history
    found = claims(ctx)
    # Credits are processed before debits (OP366): a credit here frees its debit.
    credited_here = {p.record.vorig_referentie or "" for p in found if p.record.is_credit}
    for located in found:
        claim = located.record
        if claim.is_credit:
            continue
        key = (claim.begindatum, claim.einddatum, claim.categorie, claim.code)
        earlier = standing_debits(
            history.prestaties_on(claim.gemeente, claim.nummer), credited_here
        )
        if any((p.begindatum, p.einddatum, p.categorie, p.code) == key for p in earlier):
            yield Fault(located.element)
