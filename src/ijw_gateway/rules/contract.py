"""Contract rules: every product in a message must be covered by a contract that fits it.

The contract book comes in through ``ctx.lookups["contracts"]``; without one these rules
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
from ijw_gateway.findings import Finding
from ijw_gateway.rules.base import RuleContext, finding, rule
from ijw_gateway.validation import ParsedMessage, per_message

START_STOP = frozenset({"JW305", "JW307"})
_NL = {
    Variant.EFFORT: "inspanningsgericht",
    Variant.OUTPUT: "outputgericht",
    Variant.TASK: "taakgericht",
    Variant.UNDECIDED: "nog niet bepaald",
}


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


def _t(ctx: RuleContext, en: str, nl: str) -> str:
    return nl if ctx.lang == "nl" else en


def _book(ctx: RuleContext) -> ContractBook | None:
    found = ctx.lookups.get("contracts")
    return found if isinstance(found, ContractBook) else None


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
    book = _book(ctx)
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
    return _t(
        ctx,
        f"Looked for: provider {want.agb}, municipality {want.gemeente} ({name}), "
        f"product {product}, period {period}.",
        f"Gezocht: aanbieder {want.agb}, gemeente {want.gemeente} ({name}), "
        f"product {product}, periode {period}.",
    )


@rule("TR381")
def product_code_listed(ctx: RuleContext) -> Iterator[Finding]:
    """The product code is in the region's product list, under the stated category."""
    book = _book(ctx)
    if book is None:
        return
    for item in _items(ctx.message):
        code, categorie = item.text("Code"), item.text("Categorie")
        node = item.el("Code")
        if code is None or node is None or not _active(item):
            continue
        categories = book.categories_of(code)
        if not categories:
            yield finding(
                ctx,
                "TR381",
                node,
                _t(
                    ctx,
                    f"Product code {code} is not in the product list of region {book.region.code}.",
                    f"Productcode {code} staat niet in de productlijst van regio "
                    f"{book.region.code}.",
                ),
            )
        elif categorie not in categories:
            listed = ", ".join(sorted(categories))
            yield finding(
                ctx,
                "TR381",
                node,
                _t(
                    ctx,
                    f"Product code {code} is listed under category {listed}, not {categorie}.",
                    f"Productcode {code} staat onder categorie {listed}, niet onder {categorie}.",
                ),
            )


def _parties_finding(ctx: RuleContext, book: ContractBook, who: Parties) -> Finding | None:
    miss = book.parties_miss(who.agb, who.gemeente)
    region = book.region.code
    if miss == "municipality":
        return finding(
            ctx,
            "CONTRACT-MATCH",
            who.gemeente_el,
            _t(
                ctx,
                f"Municipality {who.gemeente} is not one of the municipalities of region {region}.",
                f"Gemeente {who.gemeente} hoort niet bij de gemeenten van regio {region}.",
            ),
        )
    if miss == "provider":
        return finding(
            ctx,
            "CONTRACT-MATCH",
            who.agb_el,
            _t(
                ctx,
                f"Provider {who.agb} has no contract with region {region}.",
                f"Aanbieder {who.agb} heeft geen contract met regio {region}.",
            ),
        )
    if miss == "no-contract":
        name = book.municipality_name(who.gemeente)
        return finding(
            ctx,
            "CONTRACT-MATCH",
            who.agb_el,
            _t(
                ctx,
                f"Provider {who.agb} has no contract covering municipality {who.gemeente} ({name}).",
                f"Aanbieder {who.agb} heeft geen contract voor gemeente {who.gemeente} ({name}).",
            ),
        )
    return None


@rule("CONTRACT-MATCH")
def contract_covers(ctx: RuleContext) -> Iterator[Finding]:
    """Each product item is covered by a contract of this provider and municipality."""
    book = _book(ctx)
    who = _parties(ctx.message) if book is not None else None
    if book is None or who is None:
        return
    at_parties = _parties_finding(ctx, book, who)
    if at_parties is not None:
        yield at_parties
        return
    for item, want, match in _candidates(ctx):
        if not match.found:
            yield _miss(ctx, book, item, want, match)


def _miss(ctx: RuleContext, book: ContractBook, item: Item, want: Want, match: Match) -> Finding:
    looked = _looked_for(ctx, book, want)
    if match.miss == "period":
        covered = "; ".join(str(p) for p in merged(match.periods))
        starts = any(p.contains(want.start) for p in match.periods)
        end, start = item.el("end"), item.el("start")
        node = end if starts and end is not None else start
        detail = _t(
            ctx,
            f"The product is contracted for {covered} only, which does not cover this period.",
            f"Het product is alleen gecontracteerd voor {covered}; dat dekt deze periode niet.",
        )
        anchor = node if node is not None else item.element
        return finding(ctx, "CONTRACT-MATCH", anchor, f"{looked} {detail}")
    detail = _t(
        ctx,
        "This provider has no contract for this product with this municipality.",
        "Deze aanbieder heeft voor dit product geen contract met deze gemeente.",
    )
    return finding(ctx, "CONTRACT-MATCH", item.anchor, f"{looked} {detail}")


@rule("CONTRACT-TASK")
def task_based_products(ctx: RuleContext) -> Iterator[Finding]:
    """Lump-sum products get no per-client messages; start/stop only when agreed."""
    for item, match in _matches(ctx):
        if match.variants != {Variant.TASK}:
            continue
        refs = ", ".join(sorted({line.contract.ref for line in match.lines}))
        if ctx.message.type not in START_STOP:
            yield finding(
                ctx,
                "CONTRACT-TASK",
                item.anchor,
                _t(
                    ctx,
                    f"Contract {refs} finances this product as a lump sum.",
                    f"Contract {refs} financiert dit product als lumpsum.",
                ),
            )
        elif not any(line.contract.monitoring for line in match.lines):
            yield finding(
                ctx,
                "CONTRACT-TASK",
                item.anchor,
                _t(
                    ctx,
                    f"Contract {refs} does not agree start/stop messages for monitoring.",
                    f"Contract {refs} spreekt geen start/stop-berichten voor monitoring af.",
                ),
            )
        elif (nummer := item.el("ToewijzingNummer")) is not None:
            yield finding(
                ctx,
                "CONTRACT-TASK",
                nummer,
                _t(
                    ctx,
                    "There is no allocation for a lump-sum product: leave ToewijzingNummer empty.",
                    "Een lumpsumproduct heeft geen toewijzing: laat ToewijzingNummer leeg.",
                ),
            )


@rule("CONTRACT-SHAPE")
def allocation_shape(ctx: RuleContext) -> Iterator[Finding]:
    """A specific allocation uses the contract's unit; an aspecific one fits its variant."""
    for item, match in _matches(ctx):
        lines = _per_client(match)
        if not lines:
            continue
        if item.text("Code") is not None:
            yield from _specific(ctx, item, lines[0])
        elif (categorie := item.text("Categorie")) is not None:
            yield from _aspecific(ctx, item, categorie, lines)


def _specific(ctx: RuleContext, item: Item, line: Line) -> Iterator[Finding]:
    unit, contracted = item.text("Eenheid"), line.product.unit
    node = item.el("Eenheid")
    if unit is not None and node is not None:
        if not unit_fits_variant(unit, line.variant) or unit != contracted:
            yield finding(
                ctx,
                "CONTRACT-SHAPE",
                node,
                _t(
                    ctx,
                    f"Product {line.product.code} is contracted {line.variant.value}-based per "
                    f"{_unit(ctx, contracted)}, not per {_unit(ctx, unit)}.",
                    f"Product {line.product.code} is {_NL[line.variant]} gecontracteerd per "
                    f"{_unit(ctx, contracted)}, niet per {_unit(ctx, unit)}.",
                ),
            )
        frequency, freq_node = item.text("Frequentie"), item.el("Frequentie")
        if frequency and freq_node is not None and not frequency_fits_unit(unit, frequency):
            yield finding(
                ctx,
                "CONTRACT-SHAPE",
                freq_node,
                _t(
                    ctx,
                    f"Frequentie {frequency} does not go with Eenheid {unit}.",
                    f"Frequentie {frequency} past niet bij Eenheid {unit}.",
                ),
            )
    budget = item.el("Budget")
    if budget is not None:
        yield finding(
            ctx,
            "CONTRACT-SHAPE",
            budget,
            _t(
                ctx,
                "An allocation of a specific product carries an Omvang, not a Budget.",
                "Een toewijzing van een specifiek product heeft een Omvang, geen Budget.",
            ),
        )


def _aspecific(
    ctx: RuleContext, item: Item, categorie: str, lines: list[Line]
) -> Iterator[Finding]:
    needed = aspecific_variant(categorie)
    variants = sorted({line.variant for line in lines})
    en = ", ".join(v.value for v in variants)
    nl = ", ".join(_NL[v] for v in variants)
    node = item.el("Categorie")
    if node is not None and needed not in {line.variant for line in lines}:
        yield finding(
            ctx,
            "CONTRACT-SHAPE",
            node,
            _t(
                ctx,
                f"Allocating category {categorie} without a product code is {needed.value}-based, "
                f"but the contract finances it {en}-based: name a product code.",
                f"Categorie {categorie} zonder productcode toewijzen is {_NL[needed]}, maar het "
                f"contract financiert haar {nl}: noem een productcode.",
            ),
        )


@rule("CONTRACT-ACCESS")
def access_route(ctx: RuleContext) -> Iterator[Finding]:
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
            yield finding(
                ctx,
                "CONTRACT-ACCESS",
                node,
                _t(
                    ctx,
                    f"Referrer {_referrer(ctx, referrer)} is no access route to segment {segments}; "
                    f"allowed: {routes}.",
                    f"Verwijzer {_referrer(ctx, referrer)} is geen toegangsroute tot segment "
                    f"{segments}; toegestaan: {routes}.",
                ),
            )


def _referrer(ctx: RuleContext, code: str) -> str:
    name = label("COD327", code, ctx.lang)
    return f"{code} ({name})" if name else code


@rule("CONTRACT-UNIT")
def declared_unit(ctx: RuleContext) -> Iterator[Finding]:
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
            yield finding(
                ctx,
                "CONTRACT-UNIT",
                node,
                _t(
                    ctx,
                    f"Product {lines[0].product.code} is contracted per "
                    f"{_unit(ctx, lines[0].product.unit)}, not {_unit(ctx, unit)}.",
                    f"Product {lines[0].product.code} is gecontracteerd per "
                    f"{_unit(ctx, lines[0].product.unit)}, niet {_unit(ctx, unit)}.",
                ),
            )


@rule("TR418")
def contract_tariff(ctx: RuleContext) -> Iterator[Finding]:
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
            per = _unit(ctx, line.product.unit)
            yield finding(
                ctx,
                "TR418",
                node,
                _t(
                    ctx,
                    f"ProductTarief {tariff} differs from {expected} cents per {per} in contract "
                    f"{line.contract.ref} for product {line.product.code} ({line.product.period}).",
                    f"ProductTarief {tariff} wijkt af van {expected} cent per {per} in contract "
                    f"{line.contract.ref} voor product {line.product.code} ({line.product.period}).",
                ),
            )


@rule("TR346")
def amount_is_volume_times_tariff(ctx: RuleContext) -> Iterator[Finding]:
    """The amount is volume × tariff; hours declared in minutes are divided by 60 (IV081)."""
    book = _book(ctx)
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
            yield finding(
                ctx,
                "TR346",
                node,
                _t(
                    ctx,
                    f"Bedrag {submitted} should be {sum_} = {expected} cents.",
                    f"Bedrag {submitted} moet {sum_} = {expected} cent zijn.",
                ),
            )


def _line_for(book: ContractBook, who: Parties | None, item: Item) -> Line | None:
    want = _want(who, item) if who is not None else None
    if want is None or not _known(book, item):
        return None
    lines = _per_client(book.match(want))
    return lines[0] if lines else None
