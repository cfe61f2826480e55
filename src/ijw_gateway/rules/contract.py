"""Contract rules: every product in a message must be covered by a contract that fits it.

The contract book comes in through ``ctx.lookups.contracts``; without one these rules
stay silent. Each rule looks at one aspect (code list, coverage, variant, access route,
unit, tariff, amount) so that a sender gets one precise finding per fault, at the most
specific element. Deletions of start/stop classes (status 3) and credit lines are not
judged against the contract: the standard allows refusing those only for technical
reasons, and a contract may have ended since.
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.catalogue.codelists import label
from ijw_gateway.contracts.book import ContractBook, Match, Want
from ijw_gateway.contracts.items import Item, Parties, items, parties
from ijw_gateway.contracts.model import PER_CLIENT, Line, Variant, merged
from ijw_gateway.contracts.shapes import (
    amount_fits,
    aspecific_variant,
    declared_unit_fits,
    frequency_fits_unit,
    has_tariff,
    hours_in_minutes,
    unit_fits_variant,
)
from ijw_gateway.rules._detail import sentence
from ijw_gateway.rules.base import Fault, RuleContext, rule
from ijw_gateway.validation import ParsedMessage, per_message

START_STOP = frozenset({"JW305", "JW307"})


@per_message
def _items(message: ParsedMessage) -> tuple[Item, ...]:
    """The product items of the message (every contract rule looks at them)."""
    return tuple(items(message.type, message.root))


@per_message
def _parties(message: ParsedMessage) -> Parties | None:
    return parties(message.type, message.root)


Candidate = tuple[Item, Want, Match]


@per_message
def _matched(message: ParsedMessage) -> list[tuple[ContractBook, list[Candidate]]]:
    """Per contract book the message was judged with, its candidates: filled in by
    ``_candidates`` (the one per-message memo this module adds to; books compare by
    identity, so a reloaded book is matched afresh)."""
    return []


def _variant(ctx: RuleContext, variant: Variant) -> str:
    """A financing variant as the reader's language names it."""
    return sentence(ctx, f"variant.{variant.value}")


def _unit(ctx: RuleContext, code: str | None) -> str:
    """``minute (01)``: a unit as a reader says it, with the code the message uses."""
    name = label("WJ756", code, ctx.lang) if code else None
    return f"{name} ({code})" if name else str(code)


def _active(item: Item) -> bool:
    """Classes the contract judges: not a deletion (status 3), not a credit line."""
    return item.text("Status") != "3" and item.text("DebetCredit") != "C"


def _known(book: ContractBook, item: Item) -> bool:
    code = item.text("Code")
    return code is None or item.text("Categorie") in book.categories_of(code)


def _want(who: Parties, item: Item) -> Want | None:
    start = item.day("start")
    if start is None:
        return None
    categorie, code = item.text("Categorie"), item.text("Code")
    return Want(who.agb, who.gemeente, categorie, code, start, item.day("end"))


def _candidates(ctx: RuleContext) -> list[Candidate]:
    """Active items with a known product and a date, of a message between two parties,
    each with what the book matches for it (computed once per message and book)."""
    book = ctx.lookups.contracts
    who = _parties(ctx.message) if book is not None else None
    if book is None or who is None:
        return []
    judged = _matched(ctx.message)
    for seen, found in judged:
        if seen is book:
            return found
    found = [
        (item, want, book.match(want))
        for item in _items(ctx.message)
        if (want := _want(who, item)) is not None and _active(item) and _known(book, item)
    ]
    judged.append((book, found))
    return found


def _matches(ctx: RuleContext) -> Iterator[tuple[Item, Match]]:
    for item, _, match in _candidates(ctx):
        if match.found:
            yield item, match


def _per_client(match: Match) -> list[Line]:
    return [line for line in match.lines if line.variant in PER_CLIENT]


def _looked_for(ctx: RuleContext, book: ContractBook, want: Want) -> str:
    product = f"{want.categorie or '-'}/{want.code or '-'}"
    period = f"{want.start.isoformat()} – {want.end.isoformat() if want.end else '…'}"
    name = book.municipality_name(want.gemeente)
    return sentence(
        ctx,
        "contract.looked_for",
        agb=want.agb,
        gemeente=want.gemeente,
        name=name,
        product=product,
        period=period,
    )


@rule("TR381")
def product_code_listed(ctx: RuleContext) -> Iterator[Fault]:
    """The product code is in the region's product list, under the stated category."""
    book = ctx.lookups.contracts
    if book is None:
        return
    for item in _items(ctx.message):
        code, categorie = item.text("Code"), item.text("Categorie")
        node = item.el("Code")
        if code is None or node is None or not _active(item):
            continue
        categories = book.categories_of(code)
        if not categories:
            said = sentence(ctx, "contract.not_in_product_list", code=code, region=book.region.code)
            yield Fault(node, said)
        elif categorie not in categories:
            listed = ", ".join(sorted(categories))
            said = sentence(
                ctx, "contract.other_category", code=code, listed=listed, categorie=categorie
            )
            yield Fault(node, said)


_PARTIES_MISSES = {
    "municipality": "contract.municipality_outside_region",
    "provider": "contract.provider_outside_region",
    "no-contract": "contract.no_contract_for_municipality",
}


def _parties_fault(ctx: RuleContext, book: ContractBook, who: Parties) -> Fault | None:
    miss = book.parties_miss(who.agb, who.gemeente)
    if miss not in _PARTIES_MISSES:
        return None
    said = sentence(
        ctx,
        _PARTIES_MISSES[miss],
        agb=who.agb,
        gemeente=who.gemeente,
        region=book.region.code,
        name=book.municipality_name(who.gemeente),
    )
    return Fault(who.gemeente_el if miss == "municipality" else who.agb_el, said)


@rule("CONTRACT-MATCH")
def contract_covers(ctx: RuleContext) -> Iterator[Fault]:
    """Each product item is covered by a contract of this provider and municipality."""
    book = ctx.lookups.contracts
    who = _parties(ctx.message) if book is not None else None
    if book is None or who is None:
        return
    at_parties = _parties_fault(ctx, book, who)
    if at_parties is not None:
        yield at_parties
        return
    for item, want, match in _candidates(ctx):
        if not match.found:
            yield _miss(ctx, book, item, want, match)


def _miss(ctx: RuleContext, book: ContractBook, item: Item, want: Want, match: Match) -> Fault:
    looked = _looked_for(ctx, book, want)
    if match.miss == "period":
        covered = "; ".join(str(p) for p in merged(match.periods))
        starts = any(p.contains(want.start) for p in match.periods)
        end, start = item.el("end"), item.el("start")
        node = end if starts and end is not None else start
        detail = sentence(ctx, "contract.period_not_covered", covered=covered)
        anchor = node if node is not None else item.element
        return Fault(anchor, f"{looked} {detail}")
    detail = sentence(ctx, "contract.product_not_contracted")
    return Fault(item.anchor, f"{looked} {detail}")


@rule("CONTRACT-TASK")
def task_based_products(ctx: RuleContext) -> Iterator[Fault]:
    """Lump-sum products get no per-client messages; start/stop only when agreed."""
    for item, match in _matches(ctx):
        if match.variants != {Variant.TASK}:
            continue
        refs = ", ".join(sorted({line.contract.ref for line in match.lines}))
        if ctx.message.type not in START_STOP:
            yield Fault(item.anchor, sentence(ctx, "contract.lump_sum", refs=refs))
        elif not any(line.contract.monitoring for line in match.lines):
            yield Fault(item.anchor, sentence(ctx, "contract.no_monitoring", refs=refs))
        elif (nummer := item.el("ToewijzingNummer")) is not None:
            yield Fault(nummer, sentence(ctx, "contract.lump_sum_allocation"))


@rule("CONTRACT-SHAPE")
def allocation_shape(ctx: RuleContext) -> Iterator[Fault]:
    """A specific allocation uses the contract's unit; an aspecific one fits its variant."""
    for item, match in _matches(ctx):
        lines = _per_client(match)
        if not lines:
            continue
        if item.text("Code") is not None:
            yield from _specific(ctx, item, lines[0])
        elif (categorie := item.text("Categorie")) is not None:
            yield from _aspecific(ctx, item, categorie, lines)


def _specific(ctx: RuleContext, item: Item, line: Line) -> Iterator[Fault]:
    unit, contracted = item.text("Eenheid"), line.product.unit
    node = item.el("Eenheid")
    if unit is not None and node is not None:
        if not unit_fits_variant(unit, line.variant) or unit != contracted:
            said = sentence(
                ctx,
                "contract.unit_of_variant",
                product=line.product.code,
                variant=_variant(ctx, line.variant),
                contracted=_unit(ctx, contracted),
                unit=_unit(ctx, unit),
            )
            yield Fault(node, said)
        frequency, freq_node = item.text("Frequentie"), item.el("Frequentie")
        if frequency and freq_node is not None and not frequency_fits_unit(unit, frequency):
            said = sentence(ctx, "contract.frequency_unit", frequency=frequency, unit=unit)
            yield Fault(freq_node, said)
    budget = item.el("Budget")
    if budget is not None:
        yield Fault(budget, sentence(ctx, "contract.budget_for_specific"))


def _aspecific(ctx: RuleContext, item: Item, categorie: str, lines: list[Line]) -> Iterator[Fault]:
    needed = aspecific_variant(categorie)
    variants = sorted({line.variant for line in lines})
    node = item.el("Categorie")
    if node is not None and needed not in variants:
        said = sentence(
            ctx,
            "contract.aspecific_variant",
            categorie=categorie,
            needed=_variant(ctx, needed),
            variants=", ".join(_variant(ctx, v) for v in variants),
        )
        yield Fault(node, said)


@rule("CONTRACT-ACCESS")
def access_route(ctx: RuleContext) -> Iterator[Fault]:
    """The referrer of a request is an access route of the product's segment."""
    for item, match in _matches(ctx):
        lines = _per_client(match)
        referrer, node = item.text("Verwijzer"), item.el("Verwijzer")
        if not lines or referrer is None or node is None:
            continue
        allowed = frozenset().union(*(line.access for line in lines))
        if referrer not in allowed:
            segments = ", ".join(sorted({line.segment.id for line in lines}))
            routes = ", ".join(_referrer(ctx, code) for code in sorted(allowed)) or "-"
            said = sentence(
                ctx,
                "contract.access_route",
                referrer=_referrer(ctx, referrer),
                segments=segments,
                routes=routes,
            )
            yield Fault(node, said)


def _referrer(ctx: RuleContext, code: str) -> str:
    name = label("COD327", code, ctx.lang)
    return f"{code} ({name})" if name else code


@rule("CONTRACT-UNIT")
def declared_unit(ctx: RuleContext) -> Iterator[Fault]:
    """A declaration line uses the contract's unit (or minutes for an hourly product)."""
    for item, match in _matches(ctx):
        lines = _per_client(match)
        unit, node = item.text("Eenheid"), item.el("Eenheid")
        if (
            lines
            and unit is not None
            and node is not None
            and not declared_unit_fits(unit, lines[0])
        ):
            said = sentence(
                ctx,
                "contract.declared_unit",
                product=lines[0].product.code,
                contracted=_unit(ctx, lines[0].product.unit),
                unit=_unit(ctx, unit),
            )
            yield Fault(node, said)


@rule("TR418")
def contract_tariff(ctx: RuleContext) -> Iterator[Fault]:
    """The declared tariff is the contract tariff for the product and period."""
    for item, match in _matches(ctx):
        lines = _per_client(match)
        unit, tariff, node = item.text("Eenheid"), item.number("Tarief"), item.el("Tarief")
        if not lines or unit is None or tariff is None or node is None:
            continue
        line = lines[0]
        expected = line.product.tariff
        if not declared_unit_fits(unit, line) or not has_tariff(line.product.unit):
            continue
        if expected is not None and tariff != expected:
            said = sentence(
                ctx,
                "contract.tariff",
                tariff=tariff,
                expected=expected,
                per=_unit(ctx, line.product.unit),
                ref=line.contract.ref,
                product=line.product.code,
                period=line.product.period,
            )
            yield Fault(node, said)


@rule("TR346")
def amount_is_volume_times_tariff(ctx: RuleContext) -> Iterator[Fault]:
    """The amount is volume × tariff; hours declared in minutes are divided by 60 (IV081)."""
    book = ctx.lookups.contracts
    who = _parties(ctx.message) if book is not None else None
    if book is None:
        return
    for item in _items(ctx.message):
        unit = item.text("Eenheid")
        volume, tariff = item.number("Volume"), item.number("Tarief")
        submitted, node = item.number("Bedrag"), item.el("Bedrag")
        if not has_tariff(unit) or None in (volume, tariff, submitted) or node is None:
            continue
        assert unit is not None and volume is not None and tariff is not None
        line = _line_for(book, who, item)
        fits, expected = amount_fits(unit, volume, tariff, submitted or 0, line)
        if not fits:
            sum_ = f"{volume} × {tariff}" + (" / 60" if hours_in_minutes(unit, line) else "")
            said = sentence(
                ctx, "contract.amount", submitted=submitted, sum=sum_, expected=expected
            )
            yield Fault(node, said)


def _line_for(book: ContractBook, who: Parties | None, item: Item) -> Line | None:
    want = _want(who, item) if who is not None else None
    if want is None or not _known(book, item):
        return None
    lines = _per_client(book.match(want))
    return lines[0] if lines else None
