"""TR347, TR374 (requests) and TR355, TR359, TR360, TR365 (answers)."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.cross_sequence import ANTWOORD, AP, OTHER_BSN, VERZOEK, Traffic, twp


def _rejection(identificatie: str = "T319-1", referentie: str = "REF-1") -> JsonObject:
    return b.jw319(identificatie, referentie=referentie, antwoord="1", reden="1")


def test_tr347_reference_used_before_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), _rejection())
    assert traffic.faults(b.jw315("T315-2")) == [("TR347", "9347", AP)]


def test_tr347_reference_of_a_vot_reused_by_a_vow_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(), b.jw315(), _rejection())
    vow = b.jw317(referentie="REF-1", te_wijzigen=[twp(1001, omvang=b.omvang(90, "01", "2"))])
    assert traffic.faults(vow) == [("TR347", "9347", VERZOEK)]


def test_tr347_new_reference_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(
        b.jw315(), _rejection(), b.jw315("T315-2", products=[b.aangevraagd_product("REF-2")])
    )


def test_tr374_second_request_while_the_first_is_open_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315())
    second = b.jw315("T315-2", products=[b.aangevraagd_product("REF-2")])
    assert traffic.faults(second) == [("TR374", "9374", "/Bericht/Client")]


def test_tr374_request_under_investigation_is_still_open() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), b.jw319(antwoord="2"))
    second = b.jw315("T315-2", products=[b.aangevraagd_product("REF-2")])
    assert traffic.faults(second) == [("TR374", "9374", "/Bericht/Client")]


def test_tr374_vot_stays_open_while_one_product_is_unanswered() -> None:
    traffic = Traffic()
    two = [b.aangevraagd_product("REF-1"), b.aangevraagd_product("REF-2", code="45A02")]
    traffic.ok(b.jw315(products=two), _rejection())
    third = b.jw315("T315-2", products=[b.aangevraagd_product("REF-3")])
    assert traffic.faults(third) == [("TR374", "9374", "/Bericht/Client")]
    traffic.ok(b.jw301(products=[b.toegewezen_product(code="45A02", referentie="REF-2")]))
    traffic.ok(third)


def test_tr374_request_for_another_client_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315())
    traffic.ok(b.jw315("T315-2", bsn=OTHER_BSN, products=[b.aangevraagd_product("REF-2")]))


def test_tr355_answer_without_request_is_refused() -> None:
    assert Traffic().faults(b.jw319()) == [("TR355", "9355", ANTWOORD)]


def test_tr355_answer_to_another_municipalitys_request_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(gemeente="0503"))
    assert traffic.faults(b.jw319()) == [("TR355", "9355", ANTWOORD)]


def test_tr359_answer_after_the_allocation_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), b.jw301(products=[b.toegewezen_product(referentie="REF-1")]))
    assert traffic.faults(_rejection()) == [("TR359", "9359", ANTWOORD)]


def test_tr360_second_under_investigation_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), b.jw319(antwoord="2"))
    assert traffic.faults(b.jw319("T319-2", antwoord="2")) == [("TR360", "9360", ANTWOORD)]


def test_tr360_tr365_decision_after_investigation_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), b.jw319(antwoord="2"), _rejection("T319-2"))


def test_tr365_answer_after_a_rejection_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), _rejection())
    assert traffic.faults(_rejection("T319-2")) == [("TR365", "9365", ANTWOORD)]
