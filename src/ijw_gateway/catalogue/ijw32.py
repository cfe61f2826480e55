"""Release 3.2 of iJw as data: the release the national exchange carries since 2023.

The project's own description of every 3.2 message (``model`` explains the notation):
datatypes with their facets, shared classes, and per message the classes in the order the
standard fixes. The XSDs in ``xsd/3.2/`` are generated from it (``ijw_gateway.xsdgen``),
and a differential test proves that they accept and reject exactly what the published
ones do.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ijw_gateway.catalogue.codelists import LISTS
from ijw_gateway.catalogue.model import (
    NON_BLANK,
    MessageSpec,
    Release,
    ReleaseSpec,
    SimpleType,
    XsdVersions,
    build_release,
    coded,
    integer,
    string,
)

NAME = "3.2"

SIMPLE_TYPES: Mapping[str, SimpleType] = MappingProxyType(
    {
        "LDT_AanduidingWoonadres": coded(LISTS, "NUM061", 2),
        "LDT_AdresSoort": coded(LISTS, "COD757", 2),
        "LDT_AgbCode": string(1, 8, "[0-9]{8}"),
        "LDT_Bedrag": integer(99_999_999),
        "LDT_BerichtCode": string(1, 3),
        "LDT_BerichtSubversie": integer(99),
        "LDT_BerichtVersie": integer(99),
        "LDT_Budget": integer(99_999_999),
        "LDT_BurgerServicenummer": string(1, 9, "[0-9]{9}"),
        "LDT_Commentaar": string(1, None, "([.\\s]*\\S+[.\\s]*)+"),
        "LDT_Communicatievorm": coded(LISTS, "COD747", 1),
        "LDT_Datum": SimpleType("date", pattern="[^:Z]*"),
        "LDT_DatumGebruik": coded(LISTS, "COD170", 1),
        "LDT_DebetCredit": coded(LISTS, "COD043", 1),
        "LDT_Eenheid": coded(LISTS, "WJ756", 2),
        "LDT_Emailadres": string(1, 80, NON_BLANK),
        "LDT_Frequentie": coded(LISTS, "WMO757", 1),
        "LDT_Gemeente": string(1, None, "[0-9]{4}"),
        "LDT_Geslacht": coded(LISTS, "COD046", 1),
        "LDT_Huisletter": string(1, 1, NON_BLANK),
        "LDT_Huisnummer": integer(99_999),
        "LDT_HuisnummerToevoeging": string(1, 4, NON_BLANK),
        "LDT_IdentificatieBericht": string(1, 12, NON_BLANK),
        "LDT_IdentificatieDeclaratie": string(1, 12),
        "LDT_JaNee": coded(LISTS, "COD260", 1),
        "LDT_JuridischeStatus": coded(LISTS, "WJ232", 2),
        "LDT_LandCode": coded(LISTS, "COD032", 2),
        "LDT_Landnummer": string(1, 4, NON_BLANK),
        "LDT_Naam": string(1, 200, NON_BLANK),
        "LDT_NaamGebruik": coded(LISTS, "COD700", 1),
        "LDT_NaamVerwijzer": string(1, 64, NON_BLANK),
        "LDT_Nummer": integer(999_999_999),
        "LDT_Organisatienaam": string(1, 35, NON_BLANK),
        "LDT_Persoonsid": string(1, 20, NON_BLANK),
        "LDT_Plaatsnaam": string(1, 80, NON_BLANK),
        "LDT_Postcode": string(1, 8, NON_BLANK),
        "LDT_ProductCategorie": coded(LISTS, "JZ020", 2),
        "LDT_ProductCode": string(1, 5, NON_BLANK),
        "LDT_RedenAfwijzingVerzoek": coded(LISTS, "WJ759", 2),
        "LDT_RedenBeeindiging": coded(LISTS, "JZ588", 2),
        "LDT_RedenVerzoek": coded(LISTS, "WJ758", 1),
        "LDT_RedenWijziging": coded(LISTS, "JZ002", 2),
        "LDT_Referentie": string(1, 36, NON_BLANK),
        "LDT_ReferentieNummer": string(1, 20),
        "LDT_RelatieVolgorde": integer(99),
        "LDT_RetourCode": coded(LISTS, "WJ001", 4),
        "LDT_SoortRelatie": coded(LISTS, "COD472", 2),
        "LDT_StatusAanlevering": coded(LISTS, "COD467", 1),
        "LDT_Straatnaam": string(1, 24, NON_BLANK),
        "LDT_Taal": string(1, 25, NON_BLANK),
        "LDT_Telefoonnummer": string(1, 15, "[0-9]*"),
        "LDT_Tijd": SimpleType("time", pattern="[^Z+-]+"),
        "LDT_TotaalBedrag": integer(999_999_999_999),
        "LDT_TypeVerwijzer": coded(LISTS, "COD327", 2),
        "LDT_Versie": string(1, None, "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"),
        "LDT_VerzoekAntwoord": coded(LISTS, "WJ760", 1),
        "LDT_Volume": integer(99_999_999),
        "LDT_Voorletters": string(1, 6, "([a-zA-ZÀ-ỳ])+"),
        "LDT_Voorvoegsel": string(1, 10, NON_BLANK),
        "LDT_WettelijkeVertegenwoordiging": coded(LISTS, "WJ003", 2),
    }
)

SHARED_CLASSES: Mapping[str, str] = {
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
    "CDT_Verwijzer": "Type:LDT_TypeVerwijzer Naam:LDT_NaamVerwijzer? ZorgverlenerCode:LDT_AgbCode?",
    "CDT_VolledigeNaam": "Geslachtsnaam:CDT_Achternaam Partnernaam:CDT_Achternaam? "
    "Voornamen:LDT_Naam? Voorletters:LDT_Voorletters? NaamGebruik:LDT_NaamGebruik",
    "CDT_XsdVersie": "BasisschemaXsdVersie:LDT_Versie BerichtXsdVersie:LDT_Versie",
}

_PERSON_301 = "Bsn:LDT_BurgerServicenummer Geboortedatum:CDT_Geboortedatum Geslacht:LDT_Geslacht "
_PERSON_SHORT = _PERSON_301 + "Naam:CDT_VerkorteNaam "

# Per heen message: the classes below the header, in document order.
BODIES: Mapping[str, Mapping[str, str]] = {
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

HEEN_HEADER_TAIL = "BerichtIdentificatie:CDT_BerichtIdentificatie XsdVersie:CDT_XsdVersie"
RETOUR_HEADER_TAIL = (
    " IdentificatieRetour:LDT_IdentificatieBericht DagtekeningRetour:LDT_Datum "
    "XsltVersie:LDT_Versie? XsdVersieRetour:CDT_XsdVersie RetourCodes?"
)
JW325_HEADER_TAIL = (
    " DeclaratieIdentificatie:CDT_BerichtIdentificatie XsltVersie:LDT_Versie? "
    "XsdVersieDeclaratie:CDT_XsdVersie RetourCodes"
)
JW325_BODY = {
    "Root": "Header DeclaratieAntwoord?",
    "DeclaratieAntwoord": "DeclaratieNummer:LDT_IdentificatieDeclaratie "
    "TotaalIngediendBedrag:CDT_TotaalBedragMetDC TotaalToegekendBedrag:CDT_TotaalBedragMetDC "
    "Clienten? RetourCodes",
    "Clienten": "Client+",
    "Client": "Bsn:LDT_BurgerServicenummer Prestaties RetourCodes",
    "Prestaties": "Prestatie+",
    "Prestatie": BODIES["JW323"]["Prestatie"] + " RetourCodes",
    "RetourCodes": "RetourCode:LDT_RetourCode+",
}

_GEMEENTE, _AGB = "LDT_Gemeente", "LDT_AgbCode"


def _heen(code: str, sender: str, receiver: str) -> MessageSpec:
    return MessageSpec((code,), sender, receiver)


def _retour(code: str, sender: str, receiver: str, answers: str) -> MessageSpec:
    return MessageSpec((code,), sender, receiver, answers)


MESSAGES: Mapping[str, MessageSpec] = {
    "JW301": _heen("436", _GEMEENTE, _AGB),
    "JW302": _retour("437", _GEMEENTE, _AGB, "JW301"),
    "JW305": _heen("438", _AGB, _GEMEENTE),
    "JW306": _retour("439", _AGB, _GEMEENTE, "JW305"),
    "JW307": _heen("440", _AGB, _GEMEENTE),
    "JW308": _retour("441", _AGB, _GEMEENTE, "JW307"),
    "JW315": _heen("446", _AGB, _GEMEENTE),
    "JW316": _retour("447", _AGB, _GEMEENTE, "JW315"),
    "JW317": _heen("486", _AGB, _GEMEENTE),
    "JW318": _retour("487", _AGB, _GEMEENTE, "JW317"),
    "JW319": _heen("488", _GEMEENTE, _AGB),
    "JW320": _retour("489", _GEMEENTE, _AGB, "JW319"),
    "JW323": MessageSpec(("490",), _AGB, _GEMEENTE, answered_by="JW325"),
    "JW325": MessageSpec(
        ("491",),
        _GEMEENTE,
        _AGB,
        header=f"Afzender:{_GEMEENTE} Ontvanger:{_AGB} {HEEN_HEADER_TAIL}{JW325_HEADER_TAIL}",
        body=JW325_BODY,
    ),
}

_VERSION = "0.1.0"  # what the published schemas' appinfo states for every schema

RELEASE: Release = build_release(
    ReleaseSpec(
        name=NAME,
        versie=3,
        subversie=2,
        simple_types=SIMPLE_TYPES,
        shared_classes=SHARED_CLASSES,
        heen_tail=HEEN_HEADER_TAIL,
        retour_tail=HEEN_HEADER_TAIL + RETOUR_HEADER_TAIL,
        bodies=BODIES,
        messages=MESSAGES,
        local={("JW323", "Declaratie", "DeclaratieNummer"): (("pattern", "([a-zA-Z0-9])+"),)},
        codelists=LISTS,
        exchanged=True,
        in_use="since April 2023",
        xsd=XsdVersions(
            appinfo=tuple(
                (f"{schema}Xsd{kind}Versie", _VERSION)
                for schema in ("Bericht", "Basisschema")
                for kind in ("", "Min", "Max")
            ),
            basis_appinfo=tuple(
                (f"BasisschemaXsd{kind}Versie", _VERSION) for kind in ("", "Min", "Max")
            ),
            # What the published example messages declare (the appinfo says 0.1.0; the
            # shared README's caveats): our answers state the same by default.
            retour=MappingProxyType({"BasisschemaXsdVersie": "1.0.0", "BerichtXsdVersie": "1.0.0"}),
        ),
        retourcodes_file="retourcodes.toml",
    )
)
