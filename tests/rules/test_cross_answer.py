"""JW325 against its JW323: TR337, TR376, TR371 (no retourcode), TR366, TR367, TR304."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.cross_sequence import HEADER, OTHER_BSN, PR325, Traffic, jw325, returned


def _declared() -> Traffic:
    traffic = Traffic()
    traffic.ok(b.jw301(), b.jw323())
    return traffic


def test_answer_to_the_declaration_is_fine() -> None:
    _declared().ok(jw325(clients={b.BSN: [returned(b.prestatie())]}))


def test_tr337_answer_to_an_unknown_declaration_has_no_retourcode() -> None:
    assert _declared().faults(jw325(declaratie=("T323-9", "2026-04-02"))) == [
        ("TR337", None, HEADER)
    ]


def test_tr337_dagtekening_must_match_too() -> None:
    assert _declared().faults(jw325(declaratie=("T323-1", "2026-04-01"))) == [
        ("TR337", None, HEADER)
    ]


def test_tr376_other_declaration_number() -> None:
    assert _declared().faults(jw325(nummer="DECL0009")) == [
        ("TR376", None, "/Bericht/DeclaratieAntwoord")
    ]


def test_tr371_other_xsd_version() -> None:
    xsd: JsonObject = {"BasisschemaXsdVersie": "1.0.1", "BerichtXsdVersie": "1.0.0"}
    assert _declared().faults(jw325(xsd=xsd)) == [("TR371", None, HEADER)]


def test_tr366_prestatie_not_in_the_declaration_is_refused() -> None:
    answer = jw325(clients={b.BSN: [returned(b.prestatie("P-9"))]})
    assert _declared().faults(answer) == [("TR366", "9366", PR325)]


def test_tr367_changed_prestatie_is_refused() -> None:
    answer = jw325(clients={b.BSN: [returned(b.prestatie(volume=241))]})
    assert _declared().faults(answer) == [("TR367", "9367", PR325)]


def test_tr304_prestatie_returned_under_another_client_is_refused() -> None:
    answer = jw325(clients={OTHER_BSN: [returned(b.prestatie())]})
    assert _declared().faults(answer) == [("TR304", "8187", PR325)]


def test_tr366_a_prestatie_the_gateway_refused_may_be_returned() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    refused = b.prestatie("P-2", code="45A02")
    assert traffic.faults(b.jw323(clients={b.BSN: [b.prestatie(), refused]}))
    traffic.ok(jw325(clients={b.BSN: [returned(refused)]}))


def test_prestatie_refused_by_a_jw325_no_longer_counts() -> None:
    traffic = _declared()
    traffic.ok(jw325(clients={b.BSN: [returned(b.prestatie())]}))
    credit = b.prestatie("P-2", debet_credit="C", vorig_referentie="P-1")
    credited = b.jw323("T323-2", nummer="DECL0002", clients={b.BSN: [credit]})
    assert traffic.faults(credited) == [
        ("TR323", "8017", "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie")
    ]
    traffic.ok(b.jw323("T323-3", nummer="DECL0003", clients={b.BSN: [b.prestatie("P-3")]}))


def test_declaration_refused_as_a_whole_frees_its_number() -> None:
    traffic = _declared()
    traffic.ok(jw325(header_codes=("0001",)))
    traffic.ok(b.jw323("T323-2", clients={b.BSN: [b.prestatie("P-2")]}))
