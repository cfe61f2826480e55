"""Release 2.3 of iJw as data: in production from April 2019 until release 3.0 in 2021.

It still had the declaration pair JW303 (Declaratie of factuur, BerichtCode 432 or 450)
and JW304 (its retour, 433 or 451), which 3.0 replaced by JW323 and JW325; its allocation
carried a Beschikking with limitations, and its headers no XsdVersie. The schemas in
``xsd/2.3/`` are generated from this description like 3.2's, and the same differential
test proves them equal to the published 2.3 schemas. Where 2.3 had what 3.2 still has,
this module says so by taking 3.2's datatype or class; the test judges both.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ijw_gateway.catalogue import ijw32
from ijw_gateway.catalogue.codelists23 import LISTS
from ijw_gateway.catalogue.model import (
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

NAME = "2.3"

_DROPPED_BY_32 = {
    "LDT_Budget",
    "LDT_IdentificatieDeclaratie",
    "LDT_RedenAfwijzingVerzoek",
    "LDT_RedenVerzoek",
    "LDT_VerzoekAntwoord",
}

SIMPLE_TYPES: Mapping[str, SimpleType] = MappingProxyType(
    {
        **{n: t for n, t in ijw32.SIMPLE_TYPES.items() if n not in _DROPPED_BY_32},
        "LDT_BeperkingCategorie": coded(LISTS, "BeperkingCategorie", 1),
        "LDT_BeperkingScore": coded(LISTS, "BeperkingScore", 1),
        "LDT_BeperkingVraag": coded(LISTS, "BeperkingVraag", 4),
        "LDT_BetalingAanID": coded(LISTS, "BetalingAanID", 2),
        "LDT_BtwIDNummer": string(1, 14, "NL[0-9]{9}B[0-9]{2}"),
        "LDT_BtwVrijstellingIndicatie": coded(LISTS, "BtwVrijstellingIndicatie", 1),
        "LDT_Duur": coded(LISTS, "Duur", 1),
        "LDT_Eenheid": coded(LISTS, "WJ756", 2),
        "LDT_Frequentie": coded(LISTS, "WMO757", 1),
        "LDT_GemeenteReferentieNummer": string(1, 24),
        "LDT_Grondslag": coded(LISTS, "Grondslag", 2),
        "LDT_Percentage": integer(99_999),
        "LDT_RedenBeeindiging": coded(LISTS, "JZ588", 2),
        "LDT_RedenWijziging": coded(LISTS, "JZ002", 2),
        "LDT_RetourCode": coded(LISTS, "WJ001", 4),
        "LDT_TypeVerwijzer": coded(LISTS, "COD327", 2),
        "LDT_ValutaCode": coded(LISTS, "ValutaCode", 3),
    }
)

SHARED_CLASSES: Mapping[str, str] = {
    **{n: c for n, c in ijw32.SHARED_CLASSES.items() if n != "CDT_XsdVersie"},
    "CDT_DeclaratieFactuurBedragen": "DeclaratieFactuurTotaalBedrag:CDT_TotaalBedragMetDC "
    "BtwTotaalBedrag:CDT_TotaalBedragMetDC?",
    "CDT_DeclaratieFactuurIdentificatie": "DeclaratiePeriode:CDT_GeslotenPeriode "
    "DeclarantFactuurNummer:LDT_IdentificatieBericht FactuurDagtekening:LDT_Datum "
    "BtwIDNummer:LDT_BtwIDNummer? ValutaCode:LDT_ValutaCode",
    "CDT_Grondslagen": "Grondslag01:LDT_Grondslag Grondslag02:LDT_Grondslag?",
    "CDT_IngediendeBedragPrestatie": "GeleverdVolume:LDT_Volume Eenheid:LDT_Eenheid "
    "Verrekenpercentage:LDT_Percentage? ProductTarief:LDT_Bedrag? BerekendBedrag:CDT_BedragMetDC? "
    "BtwVrijstellingIndicatie:LDT_BtwVrijstellingIndicatie? BtwPercentage:LDT_Percentage? "
    "BtwBedrag:CDT_BedragMetDC? DeclaratieFactuurBedrag:CDT_BedragMetDC",
    "CDT_RetourBedragen": "IngediendTotaalBedrag:CDT_TotaalBedragMetDC "
    "ToegekendTotaalBedrag:CDT_TotaalBedragMetDC",
    "CDT_RetourHeader": "GemeenteReferentieNummer:LDT_GemeenteReferentieNummer "
    "RetourDagtekening:LDT_Datum",
    "CDT_ToegekendeBedragPrestatie": "GemeenteBerekendBedrag:CDT_BedragMetDC "
    "ToegekendBedrag:CDT_BedragMetDC",
    "CDT_Verwijzer": "Type:LDT_TypeVerwijzer Naam:LDT_NaamVerwijzer?",
}

_PERSON = "Bsn:LDT_BurgerServicenummer Geboortedatum:CDT_Geboortedatum Geslacht:LDT_Geslacht "
_PERSON_SHORT = _PERSON + "Naam:CDT_VerkorteNaam "
_CONTACTS = {name: ijw32.BODIES["JW301"][name] for name in ("Relaties", "Relatie", "Contact")}
_PRODUCT_REF = "BeschikkingNummer:LDT_Nummer? ToewijzingNummer:LDT_Nummer? Product:CDT_Product "

# Per heen message: the classes below the header, in document order.
BODIES: Mapping[str, Mapping[str, str]] = {
    "JW301": {
        "Root": "Header Client",
        "Client": _PERSON + "Naam:CDT_VolledigeNaam Communicatie:CDT_Communicatie? "
        "JuridischeStatus:LDT_JuridischeStatus? "
        "WettelijkeVertegenwoordiging:LDT_WettelijkeVertegenwoordiging? "
        "Commentaar:LDT_Commentaar? Relaties? Contactgegevens Beschikking",
        **_CONTACTS,
        "Contactgegevens": "Contact+",
        "Beschikking": "BeschikkingNummer:LDT_Nummer Grondslagen:CDT_Grondslagen? "
        "Afgiftedatum:LDT_Datum Ingangsdatum:LDT_Datum Einddatum:LDT_Datum? "
        "Commentaar:LDT_Commentaar? Beperkingen? ToegewezenProducten",
        "Beperkingen": "Beperking+",
        "Beperking": "Categorie:LDT_BeperkingCategorie Duur:LDT_Duur? "
        "Commentaar:LDT_Commentaar? BeperkingScores?",
        "BeperkingScores": "BeperkingScore+",
        "BeperkingScore": "Vraag:LDT_BeperkingVraag Score:LDT_BeperkingScore "
        "Commentaar:LDT_Commentaar?",
        "ToegewezenProducten": "ToegewezenProduct+",
        "ToegewezenProduct": "ToewijzingNummer:LDT_Nummer? ReferentieAanbieder:LDT_Referentie? "
        "Product:CDT_Product Toewijzingsdatum:LDT_Datum Toewijzingstijd:LDT_Tijd "
        "Ingangsdatum:LDT_Datum Einddatum:LDT_Datum? RedenWijziging:LDT_RedenWijziging? "
        "Omvang:CDT_Omvang? Commentaar:LDT_Commentaar?",
    },
    "JW305": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "StatusAanlevering:LDT_StatusAanlevering StartProducten",
        "StartProducten": "StartProduct+",
        "StartProduct": _PRODUCT_REF + "ToewijzingIngangsdatum:LDT_Datum? "
        "Begindatum:LDT_Datum StatusAanlevering:LDT_StatusAanlevering",
    },
    "JW307": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "StatusAanlevering:LDT_StatusAanlevering StopProducten",
        "StopProducten": "StopProduct+",
        "StopProduct": _PRODUCT_REF + "ToewijzingIngangsdatum:LDT_Datum? "
        "Begindatum:LDT_Datum RedenBeeindiging:LDT_RedenBeeindiging Einddatum:LDT_Datum "
        "StatusAanlevering:LDT_StatusAanlevering",
    },
    "JW315": {
        "Root": "Header Client",
        "Client": _PERSON_SHORT + "GezagsdragerBekend:LDT_JaNee? Commentaar:LDT_Commentaar? "
        "AangevraagdeProducten",
        "AangevraagdeProducten": "AangevraagdProduct+",
        "AangevraagdProduct": "ReferentieAanbieder:LDT_Referentie BeschikkingNummer:LDT_Nummer? "
        "Product:CDT_Product BeschikkingIngangsdatum:LDT_Datum? "
        "ToewijzingIngangsdatum:LDT_Datum ToewijzingEinddatum:LDT_Datum? Omvang:CDT_Omvang? "
        "Verwijzer:CDT_Verwijzer Raamcontract:LDT_JaNee? Commentaar:LDT_Commentaar?",
    },
}

# The declaration pair travels under a header of its own: no Afzender and Ontvanger, but
# the municipality, the provider and the declaration's or invoice's identification.
_DECLARATION_PARTIES = (
    "Gemeente:LDT_Gemeente Servicebureau:LDT_AgbCode? Aanbieder:LDT_AgbCode "
    "BetalingAanID:LDT_BetalingAanID DeclaratieFactuurIdentificatie:CDT_DeclaratieFactuurIdentificatie"
)
_PRESTATIE = (
    "BeschikkingNummer:LDT_Nummer? ToewijzingNummer:LDT_Nummer? "
    "ProductCategorie:LDT_ProductCategorie ProductCode:LDT_ProductCode "
    "ProductPeriode:CDT_GeslotenPeriode IngediendeBedragPrestatie:CDT_IngediendeBedragPrestatie "
    "ProductReferentie:CDT_Referentie"
)
_CLIENT = _PERSON_SHORT + "Commentaar:LDT_Commentaar? Prestaties"
_JW303 = {
    "Root": "Header Clienten",
    "Clienten": "Client+",
    "Client": _CLIENT,
    "Prestaties": "Prestatie+",
    "Prestatie": _PRESTATIE + " Commentaar:LDT_Commentaar?",
}
_JW304 = {
    "Root": "Header Clienten?",
    "RetourCodes": "RetourCode:LDT_RetourCode+",
    "Clienten": "Client+",
    "Client": _CLIENT + " RetourCodes?",
    "Prestaties": "Prestatie+",
    "Prestatie": _PRESTATIE + " ToegekendeBedragPrestatie:CDT_ToegekendeBedragPrestatie "
    "Commentaar:LDT_Commentaar? RetourCodes?",
}
_SERVICEBUREAU = (
    "(0{8})|98((00000[1-9])|(0000[1-9][0-9])|(000[1-9][0-9]{2})|(00[1-9][0-9]{3})|"
    "(0[1-9][0-9]{4})|([1-9][0-9]{5}))"
)

_GEMEENTE, _AGB = "LDT_Gemeente", "LDT_AgbCode"
HEEN_HEADER_TAIL = "BerichtIdentificatie:CDT_BerichtIdentificatie"
RETOUR_HEADER_TAIL = (
    f"{HEEN_HEADER_TAIL} IdentificatieRetour:LDT_IdentificatieBericht "
    "DagtekeningRetour:LDT_Datum XsltVersie:LDT_Versie? RetourCodes?"
)

MESSAGES: Mapping[str, MessageSpec] = {
    "JW301": MessageSpec(("436",), _GEMEENTE, _AGB),
    "JW302": MessageSpec(("437",), _GEMEENTE, _AGB, "JW301"),
    "JW303": MessageSpec(
        ("432", "450"),
        _AGB,
        _GEMEENTE,
        header=f"{_DECLARATION_PARTIES} DeclaratieFactuurBedragen:CDT_DeclaratieFactuurBedragen",
        body=_JW303,
    ),
    "JW304": MessageSpec(
        ("433", "451"),
        _GEMEENTE,
        _AGB,
        "JW303",
        header=f"{_DECLARATION_PARTIES} RetourHeader:CDT_RetourHeader "
        "RetourBedragen:CDT_RetourBedragen XsltVersie:LDT_Versie? RetourCodes",
        body=_JW304,
    ),
    "JW305": MessageSpec(("438",), _AGB, _GEMEENTE),
    "JW306": MessageSpec(("439",), _AGB, _GEMEENTE, "JW305"),
    "JW307": MessageSpec(("440",), _AGB, _GEMEENTE),
    "JW308": MessageSpec(("441",), _AGB, _GEMEENTE, "JW307"),
    "JW315": MessageSpec(("446",), _AGB, _GEMEENTE),
    "JW316": MessageSpec(("447",), _AGB, _GEMEENTE, "JW315"),
}

RELEASE: Release = build_release(
    ReleaseSpec(
        name=NAME,
        versie=2,
        subversie=3,
        simple_types=SIMPLE_TYPES,
        shared_classes=SHARED_CLASSES,
        heen_tail=HEEN_HEADER_TAIL,
        retour_tail=RETOUR_HEADER_TAIL,
        bodies=BODIES,
        messages=MESSAGES,
        local={
            ("JW303", "Header", "Servicebureau"): (("pattern", _SERVICEBUREAU),),
            ("JW304", "Header", "Servicebureau"): (("pattern", _SERVICEBUREAU),),
            ("basis", "CDT_DeclaratieFactuurIdentificatie", "DeclarantFactuurNummer"): (
                ("pattern", "([a-zA-Z0-9])+"),
            ),
            ("basis", "CDT_IngediendeBedragPrestatie", "BtwPercentage"): (
                ("maxInclusive", "9999"),
            ),
        },
        codelists=LISTS,
        exchanged=False,
        in_use="from April 2019 until release 3.0 in 2021",
        xsd=XsdVersions(appinfo=(("versie", "1.0"),), basis_appinfo=(("versie", "1.0"),)),
        replaced_by={"JW303": "JW323", "JW304": "JW325"},
        retourcodes_file="retourcodes_2_3.toml",
    )
)
