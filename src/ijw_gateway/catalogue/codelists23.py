"""The code lists of iJw release 2.3 where they differ from release 3.2's, and its own.

Release 2.3 shares most lists with 3.2 (``codelists``); these are the ones it had in
another form (units, frequencies, referrers, reasons, retourcodes) and the ones 3.2 no
longer has (the limitations of a Beschikking, VAT and payment fields of a JW303). The
standard's list ids are not known for the lists 3.2 dropped, so those are named after
their datatypes. Labels are our own short wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ijw_gateway.catalogue.codelists import LISTS as LISTS_32
from ijw_gateway.catalogue.model import Label

_RETOURCODES = [
    "0001",
    "0013",
    "0030",
    "0200",
    "0233",
    "0551",
    "0611",
    "1112",
    "1142",
    "8001",
    "8004",
    "8017",
    "8021",
    "8187",
    "8214",
    "8847",
    "8848",
    "8849",
    "8853",
    "8854",
    "8855",
    "8856",
    "9019",
    "9056",
    "9063",
    "9069",
    "9071",
    "9074",
    "9300",
    "9307",
    "9308",
    "9309",
    "9311",
    "9319",
    "9321",
    "9322",
    "9326",
    "S300",
    "S329",
]

_QUESTIONS = [f"{area:02d}{n:02d}" for area, top in enumerate((14, 14, 9, 11, 6, 11), 1)
              for n in range(1, top + 1)]  # fmt: skip


def _same(list_name: str, codes: str) -> dict[str, Label]:
    """Codes of a 3.2 list that 2.3 had with the same meaning."""
    return {code: LISTS_32[list_name][code] for code in codes.split()}


_OWN: Mapping[str, Mapping[str, Label]] = {
    "WJ756": {
        **_same("WJ756", "01 04 14 16"),
        "21": ("week", "week"),
        "81": ("benodigde tijd of tijdsonafhankelijk", "time needed, or not time-based"),
        "82": ("stuks", "pieces"),
        "83": ("euro's", "euros"),
    },
    "WMO757": {
        **_same("WMO757", "1 2"),
        "3": ("per vier weken", "per four weeks"),
        "4": ("per maand", "per month"),
        "5": ("per jaar", "per year"),
        "6": LISTS_32["WMO757"]["6"],
    },
    "COD327": {
        **_same("COD327", "01 02 03 04 05 06"),
        "07": ("onbekend", "unknown"),
        "08": ("rechter, Raad voor de Kinderbescherming of OvJ", "court, board or prosecutor"),
    },
    "JZ002": {
        "01": ("administratieve correctie", "administrative correction"),
        **_same("JZ002", "02 03 04 05 06 07 08 09 10 11"),
    },
    "JZ588": _same("JZ588", "02 20 31 32 33 34 35"),
    "WJ001": {code: (code, code) for code in _RETOURCODES},
    "BeperkingCategorie": {
        "1": ("sociale redzaamheid", "social self-reliance"),
        "2": ("mobiliteit", "mobility"),
        "3": ("persoonlijke zorg", "personal care"),
        "4": ("huishouden", "household"),
        "5": ("relaties en maatschappelijk leven", "relationships and social life"),
        "6": ("leren en werken", "learning and work"),
    },
    "BeperkingScore": {
        "0": ("zelfstandig", "on one's own"),
        "1": ("met toezicht of aansporing", "with supervision or prompting"),
        "2": ("met veel moeite of hulp", "with much effort or help"),
        "3": ("niet zelfstandig", "not on one's own"),
        "9": ("niet beoordeeld", "not assessed"),
    },
    "BeperkingVraag": {code: (code, code) for code in _QUESTIONS},
    "BetalingAanID": {"01": ("servicebureau", "service bureau"), "02": ("aanbieder", "provider")},
    "BtwVrijstellingIndicatie": {"1": ("vrijgesteld", "exempt"), "2": ("belast", "taxed")},
    "Duur": {
        "1": ("korter dan 3 maanden", "under 3 months"),
        "2": ("3 tot 6 maanden", "3 to 6 months"),
        "3": ("6 tot 12 maanden", "6 to 12 months"),
        "4": ("langer dan een jaar", "over a year"),
    },
    "Grondslag": {
        "01": ("somatische aandoening", "somatic condition"),
        "02": ("psychogeriatrische aandoening", "psychogeriatric condition"),
        "03": ("psychiatrische aandoening", "psychiatric condition"),
        "04": ("lichamelijke beperking", "physical disability"),
        "05": ("verstandelijke beperking", "intellectual disability"),
        "06": ("zintuiglijke beperking", "sensory impairment"),
        "07": ("psychosociale problemen", "psychosocial problems"),
    },
    "ValutaCode": {"EUR": ("euro", "euro")},
}

_SHARED = [
    "COD032",
    "COD043",
    "COD046",
    "COD170",
    "COD260",
    "COD467",
    "COD472",
    "COD700",
    "COD747",
    "COD757",
    "JZ020",
    "NUM061",
    "WJ003",
    "WJ232",
]

LISTS: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {
        **{name: LISTS_32[name] for name in _SHARED},
        **{name: MappingProxyType(dict(codes)) for name, codes in _OWN.items()},
    }
)
