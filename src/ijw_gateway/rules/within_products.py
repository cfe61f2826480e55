"""Within-message rules on allocated and requested products (JW301, JW315, JW317).

The allocation (``ToegewezenProduct``), the request for one (``AangevraagdProduct``) and the
products of a request for change (``NieuwProduct``, ``TeWijzigenProduct``) share one shape:
a product, a period, and either an Omvang (volume, unit, frequency) or a Budget. The
standard gives them the same conditions under different codes (RULES.md §1.3, §3.1–3.5),
so each class is described once here and each rule names the classes it binds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ijw_gateway.elements import Element, child, date_at, find_all, text, text_at
from ijw_gateway.rules._dates import NEW_FUNDING_CUTOFF, Period, period_at
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._overlap import earlier_overlaps
from ijw_gateway.rules.base import Fault, RuleContext, rule


@dataclass(frozen=True)
class ProductClass:
    """Where a product-like class sits and what its period elements are called."""

    path: str
    start: str
    end: str


TP = ProductClass("Client/ToegewezenProducten/ToegewezenProduct", "Ingangsdatum", "Einddatum")
AP = ProductClass(
    "Client/AangevraagdeProducten/AangevraagdProduct",
    "ToewijzingIngangsdatum",
    "ToewijzingEinddatum",
)
NIEUW = ProductClass(
    "Client/Verzoek/NieuweProducten/NieuwProduct", "GewensteIngangsdatum", "Einddatum"
)
TE_WIJZIGEN = ProductClass(
    "Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct", "GewensteIngangsdatum", "Einddatum"
)

Classes = Mapping[str, tuple[ProductClass, ...]]
ALL: Classes = {"JW301": (TP,), "JW315": (AP,), "JW317": (NIEUW, TE_WIJZIGEN)}
WITH_PRODUCT: Classes = {"JW301": (TP,), "JW315": (AP,), "JW317": (NIEUW,)}


def instances(ctx: RuleContext, classes: Classes) -> Iterator[tuple[ProductClass, Element]]:
    """Every element of the given product classes in this message."""
    for spec in classes.get(ctx.message.type, ()):
        for element in find_all(ctx.message.root, spec.path):
            yield spec, element


# --- CS003: the end is not before the start ------------------------------------------

_CONTACT_PERIODS = (
    "Client/Contactgegevens/Contact/Periode",
    "Client/Relaties/Relatie/Contact/Periode",
)


def _end_before_start(element: Element, start: str, end: str) -> Element | None:
    begin, finish = date_at(element, start), date_at(element, end)
    if begin is not None and finish is not None and finish < begin:
        return child(element, end)
    return None


@rule("CS003")
def end_not_before_start(ctx: RuleContext) -> Iterator[Fault]:
    """An end date, when given, is on or after the start of the same period."""
    pairs = [(e, spec.start, spec.end) for spec, e in instances(ctx, ALL)]
    if ctx.message.type == "JW301":
        for path in _CONTACT_PERIODS:
            pairs += [(p, "Begindatum", "Einddatum") for p in find_all(ctx.message.root, path)]
    for element, start, end in pairs:
        wrong = _end_before_start(element, start, end)
        if wrong is not None:
            yield Fault(wrong, detail(ctx, "before", start))


# --- Omvang, Budget, Product and end date go together ---------------------------------


@rule("CD041")
def omvang_with_product_code(ctx: RuleContext) -> Iterator[Fault]:
    """A specific product (with a Code) always comes with an Omvang."""
    for _spec, element in instances(ctx, WITH_PRODUCT):
        if text_at(element, "Product/Code") and child(element, "Omvang") is None:
            yield Fault(element, detail(ctx, "missing", "Omvang"))


@rule("CD075")
def end_date_with_budget(ctx: RuleContext) -> Iterator[Fault]:
    """A budget is always given for a closed period: with Budget an end date is required."""
    for spec, element in instances(ctx, ALL):
        if child(element, "Budget") is not None and child(element, spec.end) is None:
            yield Fault(element, detail(ctx, "missing", spec.end))


@rule("CD076")
def end_date_with_weekly_volume(ctx: RuleContext) -> Iterator[Fault]:
    """A volume per week (Frequentie 2) needs an end date to be countable."""
    for spec, element in instances(ctx, ALL):
        if text_at(element, "Omvang/Frequentie") == "2" and child(element, spec.end) is None:
            yield Fault(element, detail(ctx, "missing", spec.end))


@rule("CD077", at="Omvang", beside="Budget")
@rule("CD078", at="Budget", beside="Omvang")
def not_omvang_and_budget(ctx: RuleContext, at: str, beside: str) -> Iterator[Fault]:
    """A class has an Omvang or a Budget, not both: CD077 refuses the Omvang, CD078 the
    Budget, of a class that has both."""
    for _spec, element in instances(ctx, ALL):
        found = child(element, at)
        if found is not None and child(element, beside) is not None:
            yield Fault(found)


@rule("CD079")
def product_without_budget(ctx: RuleContext) -> Iterator[Fault]:
    """Only a generic allocation (with Budget) may leave out the Product."""
    for _spec, element in instances(ctx, WITH_PRODUCT):
        if child(element, "Budget") is None and child(element, "Product") is None:
            yield Fault(element, detail(ctx, "missing", "Product"))


# --- CS338 / CS343: units that need a frequency per week, month or in total -----------

_COARSE_UNITS = frozenset({"14", "16", "83", "84"})
_COARSE_FREQUENCIES = frozenset({"2", "4", "6"})


@rule("CS338", classes={"JW301": (TP,), "JW317": (NIEUW, TE_WIJZIGEN)})
@rule("CS343", classes={"JW315": (AP,)})
def coarse_unit_frequency(ctx: RuleContext, classes: Classes) -> Iterator[Fault]:
    """Etmaal, dagdeel, euro and stuks are allocated (CS338) or requested (CS343) per
    week, per month or in total."""
    for spec, element in instances(ctx, classes):
        omvang = child(element, "Omvang")
        unit = text_at(omvang, "Eenheid")
        freq = child(omvang, "Frequentie") if omvang is not None else None
        if freq is None or unit not in _COARSE_UNITS or text(freq) in _COARSE_FREQUENCIES:
            continue
        period = period_at(element, spec.start, spec.end)
        if period is None or period.ends_after(NEW_FUNDING_CUTOFF):
            yield Fault(freq, detail(ctx, "value", "Eenheid", unit))


# --- CD080 / CD095 / CD096: no Omvang without a product code (since 2021) -------------


@rule("CD080", spec=TP)
@rule("CD095", spec=AP)
@rule("CD096", spec=NIEUW)
def no_omvang_without_code(ctx: RuleContext, spec: ProductClass) -> Iterator[Fault]:
    """An aspecific or generic product (no product Code) carries no Omvang: allocated
    (CD080), requested (CD095) or new in a request for change (CD096)."""
    for element in find_all(ctx.message.root, spec.path):
        omvang = child(element, "Omvang")
        period = period_at(element, spec.start, spec.end)
        ends_late = period is None or period.ends_after(NEW_FUNDING_CUTOFF)
        if omvang is not None and not text_at(element, "Product/Code") and ends_late:
            yield Fault(omvang)


# --- TR302 / TR386 / TR410: the same product twice only in separate periods -----------


ANY, NO_PRODUCT = ("any",), ("none",)  # groups of ``overlapping`` beside the product keys


def product_key(element: Element) -> tuple[str, str] | None:
    """What counts as 'the same product': the Code, else the Categorie, else None (any)."""
    code = text_at(element, "Product/Code")
    if code:
        return ("code", code)
    categorie = text_at(element, "Product/Categorie")
    return ("categorie", categorie) if categorie else None


def _deleted(element: Element) -> bool:
    """An allocation withdrawn as a whole: Einddatum = Ingangsdatum with reden 13 (or 01)."""
    start, end = date_at(element, "Ingangsdatum"), date_at(element, "Einddatum")
    return (
        start is not None
        and start == end
        and text(child(element, "RedenWijziging")) in {"13", "01"}
    )


def overlapping(items: list[tuple[Element, Period]]) -> Iterator[tuple[Element, Element]]:
    """(later, earlier) for each class that clashes with an earlier one (reported once):
    the first earlier class of the same product, or of any product when either has none,
    whose period overlaps."""
    keys = [product_key(element) for element, _period in items]
    member_of = [(ANY, key) if key is not None else (ANY, NO_PRODUCT) for key in keys]
    asks = [(key, NO_PRODUCT) if key is not None else (ANY,) for key in keys]
    found = earlier_overlaps([period for _element, period in items], member_of, asks)
    for (element, _period), earlier in zip(items, found, strict=True):
        if earlier is not None:
            yield element, items[earlier][0]


@rule("TR302", spec=TP)
@rule("TR386", spec=AP)
@rule("TR410", spec=NIEUW)
def products_do_not_overlap(ctx: RuleContext, spec: ProductClass) -> Iterator[Fault]:
    """One product is allocated (TR302), requested (TR386) or asked for anew (TR410) at
    most once for any day within one message."""
    items = []
    for element in find_all(ctx.message.root, spec.path):
        period = period_at(element, spec.start, spec.end)
        if period is not None and not (spec is TP and _deleted(element)):
            items.append((element, period))
    for element, other in overlapping(items):
        yield Fault(element, detail(ctx, "overlaps", ctx.message.path(other)))
