"""Within-message rules shared by many messages: BSN, birth dates, names, duplicate classes.

Level 2 of the standard (RULES.md §2, §3.1): each rule here is decidable from the message
alone and a violation rejects the whole message with retourcode 0001. Where a rule
applies to several messages, the element paths per message are data in this module;
which messages a rule runs for is the catalogue's (``within.toml``) to say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from ijw_gateway.elements import Element, Fields, child, date_of, find, find_all, message_date, text
from ijw_gateway.rules._dates import years_before
from ijw_gateway.rules._detail import detail
from ijw_gateway.rules._overlap import repeats
from ijw_gateway.rules.base import Fault, RuleContext, rule

_CLIENT_ROOTS: Mapping[str, str] = {
    "JW323": "Declaratie/Clienten/Client",
    "JW325": "DeclaratieAntwoord/Clienten/Client",
}


def clients(ctx: RuleContext) -> list[Element]:
    """Every Client element of the message (one in most messages, many in 323/325)."""
    return find_all(ctx.message.root, _CLIENT_ROOTS.get(ctx.message.type, "Client"))


def elfproef(number: str) -> bool:
    """The BSN eleven-test: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11."""
    if len(number) != 9 or not number.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 11 == 0


@rule("CS002")
def bsn_eleven_test(ctx: RuleContext) -> Iterator[Fault]:
    """Every client BSN passes the eleven-test (the test range 9999xxxxx passes it too)."""
    for client in clients(ctx):
        bsn = child(client, "Bsn")
        if bsn is not None and not elfproef((bsn.text or "").strip()):
            yield Fault(bsn)


# --- birth dates -------------------------------------------------------------------

UNKNOWN_BIRTH_DATE = date(1900, 1, 1)
_BIRTH_DATES: Mapping[str, tuple[str, ...]] = {
    "JW301": ("Client/Geboortedatum", "Client/Relaties/Relatie/Geboortedatum"),
    "JW305": ("Client/Geboortedatum",),
    "JW307": ("Client/Geboortedatum",),
    "JW315": ("Client/Geboortedatum",),
}


def _birth_dates(ctx: RuleContext, client_only: bool) -> Iterator[Element]:
    paths = _BIRTH_DATES.get(ctx.message.type, ())
    for path in paths[:1] if client_only else paths:
        yield from find_all(ctx.message.root, path)


@rule("TR002")
def birth_date_not_too_old(ctx: RuleContext) -> Iterator[Fault]:
    """A client is at most 120 years old on the message date, unless the date is unknown."""
    today = message_date(ctx.message.root)
    if today is None:
        return
    for geboorte in _birth_dates(ctx, client_only=True):
        datum = child(geboorte, "Datum")
        born = date_of(datum)
        if datum is None or born is None:
            continue
        unknown = text(child(geboorte, "DatumGebruik")) == "3" and born == UNKNOWN_BIRTH_DATE
        if not unknown and born < years_before(today, 120):
            yield Fault(datum)


def _fits_datum_gebruik(born: date, gebruik: str | None) -> bool:
    if gebruik == "3":
        return born == UNKNOWN_BIRTH_DATE
    if gebruik == "2":
        return born.day == 1 and born.month == 1
    if gebruik == "1":
        return born.day == 1
    return True


@rule("CS139")
def birth_date_matches_usage(ctx: RuleContext) -> Iterator[Fault]:
    """A partly unknown birth date is written with the placeholder parts DatumGebruik asks."""
    for geboorte in _birth_dates(ctx, client_only=False):
        datum = child(geboorte, "Datum")
        born = date_of(datum)
        gebruik = text(child(geboorte, "DatumGebruik"))
        if datum is not None and born is not None and not _fits_datum_gebruik(born, gebruik):
            yield Fault(datum, detail(ctx, "value", "DatumGebruik", gebruik))


# TR134 (Gap): the snapshot names no elements; these are RULES.md's candidates.
_NOT_AFTER_MESSAGE_DATE: Mapping[str, tuple[str, ...]] = {
    "JW301": (
        "Client/Geboortedatum/Datum",
        "Client/Relaties/Relatie/Geboortedatum/Datum",
        "Client/ToegewezenProducten/ToegewezenProduct/Toewijzingsdatum",
    ),
    "JW305": ("Client/Geboortedatum/Datum", "Client/StartProducten/StartProduct/Begindatum"),
    "JW307": ("Client/Geboortedatum/Datum", "Client/StopProducten/StopProduct/Einddatum"),
    "JW315": ("Client/Geboortedatum/Datum",),
    "JW323": ("Declaratie/DeclaratieDagtekening",),
}


@rule("TR134")
def date_not_after_message_date(ctx: RuleContext) -> Iterator[Fault]:
    """Dates of things that already happened do not lie after the message's Dagtekening."""
    today = message_date(ctx.message.root)
    if today is None:
        return
    for path in _NOT_AFTER_MESSAGE_DATE.get(ctx.message.type, ()):
        for element in find_all(ctx.message.root, path):
            day = date_of(element)
            if day is not None and day > today:
                yield Fault(element, detail(ctx, "dagtekening", today.isoformat()))


# --- names -------------------------------------------------------------------------

_NAMES_301 = ("Client/Naam", "Client/Relaties/Relatie/Naam")


@rule("CS050")
def naamgebruik_fits_partner_name(ctx: RuleContext) -> Iterator[Fault]:
    """NaamGebruik only refers to a partner's name when a Partnernaam is given."""
    for path in _NAMES_301:
        for naam in find_all(ctx.message.root, path):
            gebruik = child(naam, "NaamGebruik")
            allowed = {"1", "2", "3", "4"} if child(naam, "Partnernaam") is not None else {"1", "6"}
            if gebruik is not None and text(gebruik) not in allowed:
                yield Fault(gebruik)


@rule("CS318")
def client_is_natural_person(ctx: RuleContext) -> Iterator[Fault]:
    """The client's NaamGebruik is never 6 (not a natural person)."""
    gebruik = find(ctx.message.root, "Client/Naam/NaamGebruik")
    if gebruik is not None and text(gebruik) == "6":
        yield Fault(gebruik)


# --- TR101: no duplicate classes -----------------------------------------------------

# (scope, class path below the scope, key paths below the class). Keys of parent classes
# are honoured by grouping per scope element: Prestaties are compared within one Client.
_KeySpec = tuple[str, str, tuple[str, ...]]
_PRODUCT = ("Product/Categorie", "Product/Code")
_PR_KEY = ("ProductReferentie/ReferentieNummer", "ProductReferentie/VorigReferentieNummer")
_CLASS_KEYS: Mapping[str, tuple[_KeySpec, ...]] = {
    "JW301": (
        ("Client", "Contactgegevens/Contact", ("Soort",)),
        ("Client", "Relaties/Relatie", ("Nummer",)),
        ("Client", "ToegewezenProducten/ToegewezenProduct", ("ToewijzingNummer",)),
    ),
    "JW305": (
        ("Client", "StartProducten/StartProduct", ("ToewijzingNummer", *_PRODUCT, "Begindatum")),
    ),
    "JW307": (
        (
            "Client",
            "StopProducten/StopProduct",
            ("ToewijzingNummer", *_PRODUCT, "Begindatum", "Einddatum", "RedenBeeindiging"),
        ),
    ),
    "JW315": (("Client", "AangevraagdeProducten/AangevraagdProduct", ("ReferentieAanbieder",)),),
    "JW317": (
        ("Client/Verzoek", "OngewijzigdeProducten/OngewijzigdProduct", ("ToewijzingNummer",)),
        ("Client/Verzoek", "TeWijzigenProducten/TeWijzigenProduct", ("ToewijzingNummer",)),
        ("Client/Verzoek", "NieuweProducten/NieuwProduct", (*_PRODUCT, "GewensteIngangsdatum")),
    ),
    "JW323": (
        ("Declaratie/Clienten", "Client", ("Bsn",)),
        ("Declaratie/Clienten/Client", "Prestaties/Prestatie", _PR_KEY),
    ),
    "JW325": (
        ("DeclaratieAntwoord/Clienten", "Client", ("Bsn",)),
        ("DeclaratieAntwoord/Clienten/Client", "Prestaties/Prestatie", _PR_KEY),
    ),
}


def _key_value(fields: Fields, path: str) -> str | None:
    value = fields.text(path)
    if value is not None and path.endswith("ToewijzingNummer") and value.strip().isdigit():
        return str(int(value))  # an integer: 0123 and 123 are the same allocation
    return value


def duplicate_keys(
    classes: list[Element], keys: tuple[str, ...]
) -> Iterator[tuple[Element, Element]]:
    """(duplicate, first) for every class whose key values repeat an earlier class's."""
    return repeats((_class_key(element, keys), element) for element in classes)


def _class_key(element: Element, keys: tuple[str, ...]) -> tuple[str | None, ...]:
    fields = Fields(element)  # every key path is a child or grandchild of the class
    return tuple(_key_value(fields, k) for k in keys)


@rule("TR101")
def no_duplicate_classes(ctx: RuleContext) -> Iterator[Fault]:
    """No class occurs twice with the same logical key under the same parent."""
    for scope_path, class_path, keys in _CLASS_KEYS.get(ctx.message.type, ()):
        for scope in find_all(ctx.message.root, scope_path):
            for dup, first in duplicate_keys(find_all(scope, class_path), keys):
                same = ctx.message.path(first)
                yield Fault(dup, detail(ctx, "same_key", same))
