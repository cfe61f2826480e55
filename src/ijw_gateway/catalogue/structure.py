"""The structure of every iJw 3.2 message, as data.

This is the project's own message catalogue: datatypes with their facets, shared
classes, and per message the classes in the order the standard fixes. The XSDs in
``xsd/`` are generated from it (``ijw_gateway.xsdgen``), the JSON translation walks it,
and the fixture builders fill it. A differential test proves that the generated schemas
accept and reject exactly what the published ones do.

Notation of a class: a space-separated sequence of ``Name[:Type][?|+]`` tokens. ``?`` is
optional, ``+`` is one or more. A type that starts with ``LDT_``/``CDT_`` lives in the
shared (basisschema) namespace; without a type, the element's type is the message's own
class of the same name. Return messages are *derived* from the message they answer,
because that is how the standard builds them: the original header plus the return
fields, and a ``RetourCodes`` list closing every class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ijw_gateway.catalogue import codelists


@dataclass(frozen=True)
class SimpleType:
    """A restricted XSD datatype (all iJw datatypes are restrictions of one base)."""

    base: str  # "string", "integer", "date" or "time"
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    enumeration: tuple[str, ...] = ()


@dataclass(frozen=True)
class Element:
    """One element in a class's sequence."""

    name: str
    type: str  # a SimpleType or class name; see ``is_shared``
    optional: bool = False
    repeated: bool = False
    pattern: str | None = None  # an anonymous restriction of ``type`` by one pattern

    @property
    def is_shared(self) -> bool:
        return self.type.startswith(("LDT_", "CDT_"))


Classes = Mapping[str, tuple[Element, ...]]


def parse_sequence(spec: str) -> tuple[Element, ...]:
    """Parse the compact class notation described in the module docstring."""
    elements = []
    for token in spec.split():
        optional = token.endswith("?")
        repeated = token.endswith("+")
        token = token.rstrip("?+")
        name, _, type_ = token.partition(":")
        elements.append(Element(name, type_ or name, optional, repeated))
    return tuple(elements)


def _string(lo: int | None = None, hi: int | None = None, pattern: str | None = None) -> SimpleType:
    return SimpleType("string", min_length=lo, max_length=hi, pattern=pattern)


def _integer(hi: int) -> SimpleType:
    return SimpleType("integer", min_inclusive=0, max_inclusive=hi)


def _codes(list_name: str, max_length: int) -> SimpleType:
    return SimpleType(
        "string", max_length=max_length, enumeration=tuple(codelists.codes(list_name))
    )


_NON_BLANK = ".*[^\\s].*"

SIMPLE_TYPES: Mapping[str, SimpleType] = MappingProxyType(
    {
        "LDT_AanduidingWoonadres": _codes("NUM061", 2),
        "LDT_AdresSoort": _codes("COD757", 2),
        "LDT_AgbCode": _string(1, 8, "[0-9]{8}"),
        "LDT_Bedrag": _integer(99_999_999),
        "LDT_BerichtCode": _string(1, 3),
        "LDT_BerichtSubversie": _integer(99),
        "LDT_BerichtVersie": _integer(99),
        "LDT_Budget": _integer(99_999_999),
        "LDT_BurgerServicenummer": _string(1, 9, "[0-9]{9}"),
        "LDT_Commentaar": _string(1, None, "([.\\s]*\\S+[.\\s]*)+"),
        "LDT_Communicatievorm": _codes("COD747", 1),
        "LDT_Datum": SimpleType("date", pattern="[^:Z]*"),
        "LDT_DatumGebruik": _codes("COD170", 1),
        "LDT_DebetCredit": _codes("COD043", 1),
        "LDT_Eenheid": _codes("WJ756", 2),
        "LDT_Emailadres": _string(1, 80, _NON_BLANK),
        "LDT_Frequentie": _codes("WMO757", 1),
        "LDT_Gemeente": _string(1, None, "[0-9]{4}"),
        "LDT_Geslacht": _codes("COD046", 1),
        "LDT_Huisletter": _string(1, 1, _NON_BLANK),
        "LDT_Huisnummer": _integer(99_999),
        "LDT_HuisnummerToevoeging": _string(1, 4, _NON_BLANK),
        "LDT_IdentificatieBericht": _string(1, 12, _NON_BLANK),
        "LDT_IdentificatieDeclaratie": _string(1, 12),
        "LDT_JaNee": _codes("COD260", 1),
        "LDT_JuridischeStatus": _codes("WJ232", 2),
        "LDT_LandCode": _codes("COD032", 2),
        "LDT_Landnummer": _string(1, 4, _NON_BLANK),
        "LDT_Naam": _string(1, 200, _NON_BLANK),
        "LDT_NaamGebruik": _codes("COD700", 1),
        "LDT_NaamVerwijzer": _string(1, 64, _NON_BLANK),
        "LDT_Nummer": _integer(999_999_999),
        "LDT_Organisatienaam": _string(1, 35, _NON_BLANK),
        "LDT_Persoonsid": _string(1, 20, _NON_BLANK),
        "LDT_Plaatsnaam": _string(1, 80, _NON_BLANK),
        "LDT_Postcode": _string(1, 8, _NON_BLANK),
        "LDT_ProductCategorie": _codes("JZ020", 2),
        "LDT_ProductCode": _string(1, 5, _NON_BLANK),
        "LDT_RedenAfwijzingVerzoek": _codes("WJ759", 2),
        "LDT_RedenBeeindiging": _codes("JZ588", 2),
        "LDT_RedenVerzoek": _codes("WJ758", 1),
        "LDT_RedenWijziging": _codes("JZ002", 2),
        "LDT_Referentie": _string(1, 36, _NON_BLANK),
        "LDT_ReferentieNummer": _string(1, 20),
        "LDT_RelatieVolgorde": _integer(99),
        "LDT_RetourCode": _codes("WJ001", 4),
        "LDT_SoortRelatie": _codes("COD472", 2),
        "LDT_StatusAanlevering": _codes("COD467", 1),
        "LDT_Straatnaam": _string(1, 24, _NON_BLANK),
        "LDT_Taal": _string(1, 25, _NON_BLANK),
        "LDT_Telefoonnummer": _string(1, 15, "[0-9]*"),
        "LDT_Tijd": SimpleType("time", pattern="[^Z+-]+"),
        "LDT_TotaalBedrag": _integer(999_999_999_999),
        "LDT_TypeVerwijzer": _codes("COD327", 2),
        "LDT_Versie": _string(1, None, "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"),
        "LDT_VerzoekAntwoord": _codes("WJ760", 1),
        "LDT_Volume": _integer(99_999_999),
        "LDT_Voorletters": _string(1, 6, "([a-zA-ZÀ-ỳ])+"),
        "LDT_Voorvoegsel": _string(1, 10, _NON_BLANK),
        "LDT_WettelijkeVertegenwoordiging": _codes("WJ003", 2),
    }
)


def _classes(specs: Mapping[str, str]) -> Classes:
    return MappingProxyType({name: parse_sequence(spec) for name, spec in specs.items()})


SHARED_CLASSES: Classes = _classes(
    {
        "CDT_Achternaam": "Achternaam:LDT_Naam Voorvoegsel:LDT_Voorvoegsel?",
        "CDT_Adres": "Huis:CDT_Huis? Postcode:LDT_Postcode? Straatnaam:LDT_Straatnaam? "
        "Plaatsnaam:LDT_Plaatsnaam? LandCode:LDT_LandCode?",
        "CDT_BedragMetDC": "Bedrag:LDT_Bedrag DebetCredit:LDT_DebetCredit",
        "CDT_BerichtIdentificatie": "Identificatie:LDT_IdentificatieBericht Dagtekening:LDT_Datum",
        "CDT_Communicatie": "Vorm:LDT_Communicatievorm Taal:LDT_Taal?",
        "CDT_Geboortedatum": "Datum:LDT_Datum DatumGebruik:LDT_DatumGebruik?",
        "CDT_GeslotenPeriode": "Begindatum:LDT_Datum Einddatum:LDT_Datum",
        "CDT_Huis": "Huisnummer:LDT_Huisnummer Huisletter:LDT_Huisletter? "
        "HuisnummerToevoeging:LDT_HuisnummerToevoeging? "
        "AanduidingWoonadres:LDT_AanduidingWoonadres?",
        "CDT_Omvang": "Volume:LDT_Volume Eenheid:LDT_Eenheid Frequentie:LDT_Frequentie",
        "CDT_OpenPeriode": "Begindatum:LDT_Datum? Einddatum:LDT_Datum?",
        "CDT_Product": "Categorie:LDT_ProductCategorie Code:LDT_ProductCode?",
        "CDT_Referentie": "ReferentieNummer:LDT_ReferentieNummer "
        "VorigReferentieNummer:LDT_ReferentieNummer?",
        "CDT_Telefoon": "Telefoonnummer:LDT_Telefoonnummer Landnummer:LDT_Landnummer",
        "CDT_Telefoonnummers": "Telefoon01:CDT_Telefoon Telefoon02:CDT_Telefoon?",
        "CDT_TotaalBedragMetDC": "TotaalBedrag:LDT_TotaalBedrag DebetCredit:LDT_DebetCredit",
        "CDT_VerkorteNaam": "Geslachtsnaam:CDT_Achternaam Voornamen:LDT_Naam? "
        "Voorletters:LDT_Voorletters?",
        "CDT_Verwijzer": "Type:LDT_TypeVerwijzer Naam:LDT_NaamVerwijzer? "
        "ZorgverlenerCode:LDT_AgbCode?",
        "CDT_VolledigeNaam": "Geslachtsnaam:CDT_Achternaam Partnernaam:CDT_Achternaam? "
        "Voornamen:LDT_Naam? Voorletters:LDT_Voorletters? NaamGebruik:LDT_NaamGebruik",
        "CDT_XsdVersie": "BasisschemaXsdVersie:LDT_Versie BerichtXsdVersie:LDT_Versie",
    }
)

_PERSON_301 = "Bsn:LDT_BurgerServicenummer Geboortedatum:CDT_Geboortedatum Geslacht:LDT_Geslacht "
_PERSON_SHORT = _PERSON_301 + "Naam:CDT_VerkorteNaam "

# Per heen message: the classes below the header, in document order.
_HEEN_BODIES: Mapping[str, Mapping[str, str]] = {
    "JW301": {
        "Root": "Header Client",
        "Client": _PERSON_301 + "Naam:CDT_VolledigeNaam Communicatie:CDT_Communicatie? "
        "JuridischeStatus:LDT_JuridischeStatus? "
        "WettelijkeVertegenwoordiging:LDT_WettelijkeVertegenwoordiging? "
        "Commentaar:LDT_Commentaar? Relaties? Contactgegevens ToegewezenProducten",
        "Relaties": "Relatie+",
        "Relatie": "Nummer:LDT_Persoonsid Volgorde:LDT_RelatieVolgorde? Soort:LDT_SoortRelatie "
        "Geboortedatum:CDT_Geboortedatum? Geslacht:LDT_Geslacht? Naam:CDT_VolledigeNaam Contact",
        "Contact": "Soort:LDT_AdresSoort Adres:CDT_Adres? Organisatie:LDT_Organisatienaam? "
        "Telefoon:CDT_Telefoonnummers? Emailadres:LDT_Emailadres? Periode:CDT_OpenPeriode?",
        "Contactgegevens": "Contact+",
        "ToegewezenProducten": "ToegewezenProduct+",
        "ToegewezenProduct": "ToewijzingNummer:LDT_Nummer ReferentieAanbieder:LDT_Referentie? "
        "Product:CDT_Product? Toewijzingsdatum:LDT_Datum Toewijzingstijd:LDT_Tijd "
        "Ingangsdatum:LDT_Datum Einddatum:LDT_Datum? RedenWijziging:LDT_RedenWijziging? "
        "Omvang:CDT_Omvang? Budget:LDT_Budget? Commentaar:LDT_Commentaar?",
    },
    "JW305": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "StartProducten",
        "StartProducten": "StartProduct+",
        "StartProduct": "ToewijzingNummer:LDT_Nummer? Product:CDT_Product? "
        "ToewijzingIngangsdatum:LDT_Datum? Begindatum:LDT_Datum "
        "StatusAanlevering:LDT_StatusAanlevering",
    },
    "JW307": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "StopProducten",
        "StopProducten": "StopProduct+",
        "StopProduct": "ToewijzingNummer:LDT_Nummer? Product:CDT_Product? "
        "ToewijzingIngangsdatum:LDT_Datum? Begindatum:LDT_Datum "
        "RedenBeeindiging:LDT_RedenBeeindiging Einddatum:LDT_Datum "
        "StatusAanlevering:LDT_StatusAanlevering",
    },
    "JW315": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "GezagsdragerBekend:LDT_JaNee? Commentaar:LDT_Commentaar? "
        "AangevraagdeProducten",
        "AangevraagdeProducten": "AangevraagdProduct+",
        "AangevraagdProduct": "ReferentieAanbieder:LDT_Referentie BeschikkingNummer:LDT_Nummer? "
        "Product:CDT_Product? BeschikkingIngangsdatum:LDT_Datum? "
        "ToewijzingIngangsdatum:LDT_Datum ToewijzingEinddatum:LDT_Datum? Omvang:CDT_Omvang? "
        "Budget:LDT_Budget? Verwijzer:CDT_Verwijzer Raamcontract:LDT_JaNee? "
        "Commentaar:LDT_Commentaar?",
    },
    "JW317": {
        "Root": "Header Client",
        "Client": "Bsn:LDT_BurgerServicenummer Verzoek",
        "Verzoek": "ReferentieAanbieder:LDT_Referentie RedenVerzoek:LDT_RedenVerzoek "
        "OngewijzigdeProducten? TeWijzigenProducten? NieuweProducten?",
        "OngewijzigdeProducten": "OngewijzigdProduct+",
        "OngewijzigdProduct": "ToewijzingNummer:LDT_Nummer",
        "TeWijzigenProducten": "TeWijzigenProduct+",
        "TeWijzigenProduct": "ToewijzingNummer:LDT_Nummer GewensteIngangsdatum:LDT_Datum "
        "Einddatum:LDT_Datum? Omvang:CDT_Omvang? Budget:LDT_Budget?",
        "NieuweProducten": "NieuwProduct+",
        "NieuwProduct": "Product:CDT_Product? GewensteIngangsdatum:LDT_Datum "
        "Einddatum:LDT_Datum? Omvang:CDT_Omvang? Budget:LDT_Budget?",
    },
    "JW319": {
        "Root": "Header Antwoord",
        "Antwoord": "ReferentieAanbieder:LDT_Referentie VerzoekAntwoord:LDT_VerzoekAntwoord "
        "RedenAfwijzingVerzoek:LDT_RedenAfwijzingVerzoek? Woonplaatsbeginsel?",
        "Woonplaatsbeginsel": "Gemeente:LDT_Gemeente",
    },
    "JW323": {
        "Root": "Header Declaratie",
        "Declaratie": "DeclaratieNummer:LDT_IdentificatieDeclaratie "
        "DeclaratiePeriode:CDT_GeslotenPeriode DeclaratieDagtekening:LDT_Datum "
        "TotaalIngediendBedrag:CDT_TotaalBedragMetDC Clienten",
        "Clienten": "Client+",
        "Client": "Bsn:LDT_BurgerServicenummer Prestaties",
        "Prestaties": "Prestatie+",
        "Prestatie": "ProductReferentie:CDT_Referentie ToewijzingNummer:LDT_Nummer "
        "ProductCategorie:LDT_ProductCategorie ProductCode:LDT_ProductCode "
        "ProductPeriode:CDT_GeslotenPeriode GeleverdVolume:LDT_Volume Eenheid:LDT_Eenheid "
        "ProductTarief:LDT_Bedrag? IngediendBedrag:CDT_BedragMetDC",
    },
}

# Anonymous one-pattern restrictions inside message classes: (message, class, element).
_LOCAL_PATTERNS: Mapping[tuple[str, str, str], str] = {
    ("JW323", "Declaratie", "DeclaratieNummer"): "([a-zA-Z0-9])+",
}

_HEEN_HEADER_TAIL = "BerichtIdentificatie:CDT_BerichtIdentificatie XsdVersie:CDT_XsdVersie"
_RETOUR_HEADER_TAIL = (
    " IdentificatieRetour:LDT_IdentificatieBericht DagtekeningRetour:LDT_Datum "
    "XsltVersie:LDT_Versie? XsdVersieRetour:CDT_XsdVersie RetourCodes?"
)
_JW325_HEADER_TAIL = (
    " DeclaratieIdentificatie:CDT_BerichtIdentificatie XsltVersie:LDT_Versie? "
    "XsdVersieDeclaratie:CDT_XsdVersie RetourCodes"
)
_JW325_BODY = {
    "Root": "Header DeclaratieAntwoord?",
    "DeclaratieAntwoord": "DeclaratieNummer:LDT_IdentificatieDeclaratie "
    "TotaalIngediendBedrag:CDT_TotaalBedragMetDC TotaalToegekendBedrag:CDT_TotaalBedragMetDC "
    "Clienten? RetourCodes",
    "Clienten": "Client+",
    "Client": "Bsn:LDT_BurgerServicenummer Prestaties RetourCodes",
    "Prestaties": "Prestatie+",
    "Prestatie": _HEEN_BODIES["JW323"]["Prestatie"] + " RetourCodes",
    "RetourCodes": "RetourCode:LDT_RetourCode+",
}


@dataclass(frozen=True)
class MessageStructure:
    """Everything the schema generator and the JSON translation need for one message."""

    message: str  # "JW301"
    berichtcode: str
    sender_type: str  # "LDT_Gemeente" or "LDT_AgbCode"
    receiver_type: str
    classes: Classes  # includes "Root" and "Header"
    local_patterns: Mapping[tuple[str, str], str]  # (class, element) -> pattern

    def element_pattern(self, class_name: str, element: Element) -> str | None:
        return self.local_patterns.get((class_name, element.name))

    def leaves(self) -> Iterator[Element]:
        """Every declaration of a simple-typed element the message can hold, depth first."""

        def walk(sequence: tuple[Element, ...]) -> Iterator[Element]:
            for element in sequence:
                if element.type in SIMPLE_TYPES:
                    yield element
                elif element.is_shared:
                    yield from walk(SHARED_CLASSES[element.type])
                else:
                    yield from walk(self.classes[element.type])

        return walk(self.classes["Root"])


def _is_wrapper(sequence: tuple[Element, ...]) -> bool:
    """A list wrapper such as ``ToegewezenProducten`` holds one repeated class."""
    return len(sequence) == 1 and sequence[0].repeated


def _header(berichtcode: str, sender: str, receiver: str, tail: str) -> tuple[Element, ...]:
    fixed = (
        Element("BerichtCode", "LDT_BerichtCode", pattern=berichtcode),
        Element("BerichtVersie", "LDT_BerichtVersie", pattern="3"),
        Element("BerichtSubversie", "LDT_BerichtSubversie", pattern="2"),
    )
    return fixed + parse_sequence(f"Afzender:{sender} Ontvanger:{receiver} {tail}")


def _retour_body(body: Mapping[str, str]) -> dict[str, str]:
    """Derive a return message's classes: the body becomes optional, classes get codes."""
    derived: dict[str, str] = {}
    for name, spec in body.items():
        if name == "Root":
            derived[name] = " ".join(t if t == "Header" else t + "?" for t in spec.split())
        elif _is_wrapper(parse_sequence(spec)):
            derived[name] = spec
        else:
            derived[name] = spec + " RetourCodes"
    derived["RetourCodes"] = "RetourCode:LDT_RetourCode+"
    return derived


def _structure(
    message: str, code: str, sender: str, receiver: str, header_tail: str, body: Mapping[str, str]
) -> MessageStructure:
    classes = dict(_classes(body))
    classes["Header"] = _header(code, sender, receiver, header_tail)
    patterns = {(c, e): p for (m, c, e), p in _LOCAL_PATTERNS.items() if m == message}
    return MessageStructure(
        message, code, sender, receiver, MappingProxyType(classes), MappingProxyType(patterns)
    )


_GEMEENTE, _AGB = "LDT_Gemeente", "LDT_AgbCode"

# message -> (BerichtCode, Afzender type, Ontvanger type, answered heen message or None)
_MESSAGES: Mapping[str, tuple[str, str, str, str | None]] = {
    "JW301": ("436", _GEMEENTE, _AGB, None),
    "JW302": ("437", _GEMEENTE, _AGB, "JW301"),
    "JW305": ("438", _AGB, _GEMEENTE, None),
    "JW306": ("439", _AGB, _GEMEENTE, "JW305"),
    "JW307": ("440", _AGB, _GEMEENTE, None),
    "JW308": ("441", _AGB, _GEMEENTE, "JW307"),
    "JW315": ("446", _AGB, _GEMEENTE, None),
    "JW316": ("447", _AGB, _GEMEENTE, "JW315"),
    "JW317": ("486", _AGB, _GEMEENTE, None),
    "JW318": ("487", _AGB, _GEMEENTE, "JW317"),
    "JW319": ("488", _GEMEENTE, _AGB, None),
    "JW320": ("489", _GEMEENTE, _AGB, "JW319"),
    "JW323": ("490", _AGB, _GEMEENTE, None),
    "JW325": ("491", _GEMEENTE, _AGB, None),
}


def _build_all() -> Mapping[str, MessageStructure]:
    built: dict[str, MessageStructure] = {}
    body: Mapping[str, str]
    for message, (code, sender, receiver, answers) in _MESSAGES.items():
        if message == "JW325":
            tail, body = _HEEN_HEADER_TAIL + _JW325_HEADER_TAIL, _JW325_BODY
        elif answers is not None:
            tail, body = (
                _HEEN_HEADER_TAIL + _RETOUR_HEADER_TAIL,
                _retour_body(_HEEN_BODIES[answers]),
            )
        else:
            tail, body = _HEEN_HEADER_TAIL, _HEEN_BODIES[message]
        built[message] = _structure(message, code, sender, receiver, tail, body)
    return MappingProxyType(built)


MESSAGES: Mapping[str, MessageStructure] = _build_all()

ORIGINAL_OF: Mapping[str, str] = MappingProxyType(
    {message: answers for message, (*_, answers) in _MESSAGES.items() if answers is not None}
)
"""Return message -> the heen message it answers and copies the header of (JW302 -> JW301)."""

ANSWERED_BY: Mapping[str, str] = MappingProxyType(
    {**{heen: retour for retour, heen in ORIGINAL_OF.items()}, "JW323": "JW325"}
)
"""Heen message -> the message that answers it: its return message, or JW325 for a JW323."""

ELEMENT_NAMES: frozenset[str] = frozenset(
    {"Bericht"}
    | {e.name for s in MESSAGES.values() for seq in s.classes.values() for e in seq}
    | {e.name for seq in SHARED_CLASSES.values() for e in seq}
)
"""Every element name of iJw 3.2: the names a finding may repeat. Any other name in a
document is the sender's text (it may be a BSN or a client's name), so findings say that
an element is unknown without repeating its name."""
