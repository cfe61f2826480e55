"""The parts of a message that a contract speaks about: parties and product items.

Every message that names a product is reduced to the same few facts — provider,
municipality, product, period, unit, tariff — each kept together with its element, so
that a finding can point at the most specific element (path and line).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from lxml import etree

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.elements import child

FieldPaths = Mapping[str, tuple[str, ...]]

_PRODUCT: FieldPaths = {"Categorie": ("Product", "Categorie"), "Code": ("Product", "Code")}
_OMVANG: FieldPaths = {
    "Eenheid": ("Omvang", "Eenheid"),
    "Frequentie": ("Omvang", "Frequentie"),
    "Volume": ("Omvang", "Volume"),
    "Budget": ("Budget",),
}
_ITEMS: Mapping[str, tuple[str, FieldPaths]] = {
    "JW301": (
        "ToegewezenProduct",
        {**_PRODUCT, **_OMVANG, "start": ("Ingangsdatum",), "end": ("Einddatum",)},
    ),
    "JW315": (
        "AangevraagdProduct",
        {
            **_PRODUCT,
            **_OMVANG,
            "start": ("ToewijzingIngangsdatum",),
            "end": ("ToewijzingEinddatum",),
            "Verwijzer": ("Verwijzer", "Type"),
        },
    ),
    "JW317": (
        "NieuwProduct",
        {**_PRODUCT, **_OMVANG, "start": ("GewensteIngangsdatum",), "end": ("Einddatum",)},
    ),
    "JW305": (
        "StartProduct",
        {
            **_PRODUCT,
            "start": ("Begindatum",),
            "ToewijzingNummer": ("ToewijzingNummer",),
            "Status": ("StatusAanlevering",),
        },
    ),
    "JW307": (
        "StopProduct",
        {
            **_PRODUCT,
            "start": ("Begindatum",),
            "ToewijzingNummer": ("ToewijzingNummer",),
            "Status": ("StatusAanlevering",),
        },
    ),
    "JW323": (
        "Prestatie",
        {
            "Categorie": ("ProductCategorie",),
            "Code": ("ProductCode",),
            "start": ("ProductPeriode", "Begindatum"),
            "end": ("ProductPeriode", "Einddatum"),
            "Eenheid": ("Eenheid",),
            "Volume": ("GeleverdVolume",),
            "Tarief": ("ProductTarief",),
            "Bedrag": ("IngediendBedrag", "Bedrag"),
            "DebetCredit": ("IngediendBedrag", "DebetCredit"),
        },
    ),
}
PRODUCT_MESSAGES = frozenset(_ITEMS)


@dataclass(frozen=True)
class Item:
    """One product-bearing class of a message, with the elements of its facts."""

    element: etree._Element
    fields: Mapping[str, etree._Element]

    def el(self, name: str) -> etree._Element | None:
        return self.fields.get(name)

    def text(self, name: str) -> str | None:
        node = self.fields.get(name)
        return (node.text or "").strip() if node is not None else None

    def day(self, name: str) -> date | None:
        value = self.text(name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def number(self, name: str) -> int | None:
        value = self.text(name)
        return int(value) if value is not None and value.lstrip("-").isdigit() else None

    @property
    def anchor(self) -> etree._Element:
        """Where a finding about the product points: its code, else category, else the item."""
        for name in ("Code", "Categorie"):
            node = self.fields.get(name)
            if node is not None:
                return node
        return self.element


@dataclass(frozen=True)
class Parties:
    """Provider and municipality of a message, with the header elements that name them."""

    agb: str
    gemeente: str
    agb_el: etree._Element
    gemeente_el: etree._Element


def parties(message: str, root: etree._Element) -> Parties | None:
    """Who the message is between; None when the header lacks either side."""
    header = child(root, "Header")
    if header is None or message not in MESSAGES:
        return None
    sender, receiver = child(header, "Afzender"), child(header, "Ontvanger")
    if sender is None or receiver is None:
        return None
    municipal_sender = MESSAGES[message].sender_type == "LDT_Gemeente"
    gemeente_el, agb_el = (sender, receiver) if municipal_sender else (receiver, sender)
    return Parties(
        (agb_el.text or "").strip(), (gemeente_el.text or "").strip(), agb_el, gemeente_el
    )


def items(message: str, root: etree._Element) -> Iterator[Item]:
    """The product items of a message, in document order (none for other messages)."""
    spec = _ITEMS.get(message)
    if spec is None:
        return
    name, paths = spec
    for element in root.iter(f"{{{MESSAGES[message].namespace}}}{name}"):
        yield Item(element, _fields(element, paths))


def _by_name(element: etree._Element) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for node in element:
        if isinstance(node.tag, str):
            found.setdefault(node.tag.rpartition("}")[2], node)
    return found


def _fields(element: etree._Element, paths: FieldPaths) -> dict[str, etree._Element]:
    """The elements at ``paths`` below an item, looked up with one pass per level."""
    levels: dict[tuple[str, ...], dict[str, etree._Element]] = {(): _by_name(element)}
    out: dict[str, etree._Element] = {}
    for key, path in paths.items():
        parent = path[:-1]
        if parent not in levels:
            above = levels.get(parent[:-1], {}).get(parent[-1])
            levels[parent] = _by_name(above) if above is not None else {}
        node = levels[parent].get(path[-1])
        if node is not None:
            out[key] = node
    return out
