"""Which message answers which, and on which class a finding's code lands."""

from __future__ import annotations

import pytest

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.retour import HEADER, answer_types, class_path, is_answer, verdict
from ijw_gateway.retour.placing import has_retourcodes, parse_path
from tests.support.retour_support import finding

PAIRS = {
    "JW301": "JW302",
    "JW305": "JW306",
    "JW307": "JW308",
    "JW315": "JW316",
    "JW317": "JW318",
    "JW319": "JW320",
    "JW323": "JW325",
}


def test_every_heen_message_has_exactly_the_answer_the_standard_names() -> None:
    assert dict(answer_types()) == PAIRS
    assert {m for m in MESSAGES if is_answer(m)} == set(PAIRS.values())


def test_the_classes_that_carry_codes_come_from_the_catalogue() -> None:
    jw302 = MESSAGES["JW302"]
    coded = {name for name in jw302.classes if has_retourcodes(jw302, name)}
    assert coded == {"Header", "Client", "Relatie", "Contact", "ToegewezenProduct"}
    jw318 = MESSAGES["JW318"]
    assert has_retourcodes(jw318, "OngewijzigdProduct")
    assert not has_retourcodes(jw318, "OngewijzigdeProducten")
    assert has_retourcodes(MESSAGES["JW320"], "Woonplaatsbeginsel")
    jw325 = MESSAGES["JW325"]
    coded = {name for name in jw325.classes if has_retourcodes(jw325, name)}
    assert coded == {"Header", "DeclaratieAntwoord", "Client", "Prestatie"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/Bericht/Client", (("Client", 1),)),
        ("/jw301:Bericht/jw301:Client/jw301:Bsn", (("Client", 1), ("Bsn", 1))),
        ("/Bericht/Client/X[12]/Y", (("Client", 1), ("X", 12), ("Y", 1))),
        ("/Bericht", ()),
        ("/", None),
        ("/Other/Client", None),
        ("/Bericht/Client/bad step", None),
    ],
)
def test_paths_parse_into_steps(path: str, expected: object) -> None:
    assert parse_path(path) == expected


@pytest.mark.parametrize(
    ("heen", "path", "expected"),
    [
        (
            "JW301",
            "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Omvang/Volume",
            "Client/ToegewezenProducten/ToegewezenProduct[2]",
        ),
        ("JW301", "/Bericht/Client/ToegewezenProducten", "Client"),
        ("JW301", "/Bericht/Client/Bsn", "Client"),
        (
            "JW301",
            "/Bericht/Client/Relaties/Relatie[3]/Contact/Adres/Postcode",
            "Client/Relaties/Relatie[3]/Contact",
        ),
        ("JW301", "/Bericht/Header/BerichtIdentificatie/Identificatie", "Header"),
        ("JW301", "/Bericht", "Header"),
        ("JW301", "/", "Header"),
        ("JW301", "/Bericht/Nonsense/Deeper", "Header"),
        (
            "JW317",
            "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[2]",
            "Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[2]",
        ),
        ("JW319", "/Bericht/Antwoord/Woonplaatsbeginsel/Gemeente", "Antwoord/Woonplaatsbeginsel"),
        ("JW323", "/Bericht/Declaratie/DeclaratieNummer", "DeclaratieAntwoord"),
        ("JW323", "/Bericht/Declaratie/DeclaratiePeriode/Einddatum", "DeclaratieAntwoord"),
        (
            "JW323",
            "/Bericht/Declaratie/Clienten/Client[2]/Bsn",
            "DeclaratieAntwoord/Clienten/Client[2]",
        ),
        (
            "JW323",
            "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/ProductCode",
            "DeclaratieAntwoord/Clienten/Client[2]/Prestaties/Prestatie[3]",
        ),
    ],
)
def test_a_finding_lands_on_the_nearest_enclosing_coded_class(
    heen: str, path: str, expected: str
) -> None:
    assert class_path(heen, path) == parse_path("/Bericht/" + expected)


def test_verdict_keeps_only_what_an_answer_can_express() -> None:
    tp = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
    found = verdict(
        "JW301",
        [
            finding(tp + "/Einddatum", "9332"),
            finding(tp, "9332"),  # the same code on the same class once
            finding(tp, "9385", level="contract"),
            finding(tp, None),  # no code: stays in the report only
            finding(tp, None, level="policy"),
            finding("/Bericht/Client", "0001", level="schema"),
        ],
    )
    assert not found.refused
    assert dict(found.placed) == {class_path("JW301", tp): ("9332", "9385")}
    assert found.below((("Client", 1),)) and not found.below(HEADER)


def test_a_level_two_finding_refuses_the_message() -> None:
    found = verdict("JW305", [finding("/Bericht/Client/Bsn", "0001", level="message")])
    assert found.refused and not found.placed
