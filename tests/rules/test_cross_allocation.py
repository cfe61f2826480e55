"""TR332 (number reused for another allocation), TR379 (ReferentieAanbieder), TR385."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.cross_sequence import OTHER_BSN, TP, Traffic


def test_tr332_number_reused_for_another_client_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    assert traffic.faults(b.jw301("T301-2", bsn=OTHER_BSN)) == [("TR332", "9332", TP)]


def test_tr332_number_reused_for_another_product_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    other = b.toegewezen_product(code="45A02", toewijzingstijd="10:00:00")
    assert traffic.faults(b.jw301("T301-2", products=[other])) == [("TR332", "9332", TP)]


def test_tr332_resending_the_same_allocation_changed_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    shorter = b.toegewezen_product(
        einddatum="2026-06-30", reden_wijziging="05", toewijzingstijd="10:00:00"
    )
    traffic.ok(b.jw301("T301-2", products=[shorter]))


def test_tr379_reference_without_request_is_refused() -> None:
    product = b.toegewezen_product(referentie="REF-1")
    assert Traffic().faults(b.jw301(products=[product])) == [("TR379", "9379", TP)]


def test_tr379_reference_only_in_the_first_allocation_that_honours_the_request() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(), b.jw301(products=[b.toegewezen_product(referentie="REF-1")]))
    again = b.toegewezen_product(referentie="REF-1", toewijzingstijd="10:00:00")
    assert traffic.faults(b.jw301("T301-2", products=[again])) == [("TR379", "9379", TP)]


def test_tr379_reference_of_another_clients_request_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315(bsn=OTHER_BSN))
    product = b.toegewezen_product(referentie="REF-1")
    assert traffic.faults(b.jw301(products=[product])) == [("TR379", "9379", TP)]


def _deletion(identificatie: str = "T301-2") -> JsonObject:
    gone = b.toegewezen_product(
        einddatum="2026-03-01", reden_wijziging="13", toewijzingstijd="10:00:00"
    )
    return b.jw301(identificatie, products=[gone])


def test_tr385_deleting_an_allocation_with_granted_prestaties_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(), b.jw323())
    assert traffic.faults(_deletion()) == [("TR385", "9385", TP)]


def test_tr385_deleting_after_the_prestaties_were_credited_is_fine() -> None:
    traffic = Traffic()
    credit = b.prestatie("P-2", debet_credit="C", vorig_referentie="P-1")
    traffic.ok(
        b.jw301(), b.jw323(), b.jw323("T323-2", nummer="DECL0002", clients={b.BSN: [credit]})
    )
    traffic.ok(_deletion())
