"""JW317 against its allocations: TR349, TR350, TR351, TR304, TR357, TR373, TR361, TR411,
TR412, TR375."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from tests.support.cross_sequence import OTHER_BSN, VERZOEK, Traffic, nieuw, twp

UNCHANGED = f"{VERZOEK}/OngewijzigdeProducten/OngewijzigdProduct"
TO_CHANGE = f"{VERZOEK}/TeWijzigenProducten/TeWijzigenProduct"
NEW = f"{VERZOEK}/NieuweProducten/NieuwProduct"
MORE = b.omvang(90, "01", "2")


def _two_allocations() -> Traffic:
    traffic = Traffic()
    products = [b.toegewezen_product(1001), b.toegewezen_product(1002, code="45A02")]
    traffic.ok(b.jw301(products=products))
    return traffic


def test_tr349_vow_missing_a_current_allocation_is_refused() -> None:
    traffic = _two_allocations()
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR349", "9349", VERZOEK)]


def test_tr349_complete_package_is_fine() -> None:
    _two_allocations().ok(b.jw317(ongewijzigd=[1002], te_wijzigen=[twp(1001, omvang=MORE)]))


def test_tr349_ended_and_deleted_allocations_need_not_be_named() -> None:
    traffic = Traffic()
    ended = b.toegewezen_product(
        1002, code="45A02", einddatum="2026-02-28", ingangsdatum="2026-01-01"
    )
    traffic.ok(b.jw301(products=[b.toegewezen_product(1001), ended]))
    gone = b.toegewezen_product(1003, code="45A03", einddatum="2026-03-01", reden_wijziging="13")
    traffic.ok(b.jw301("T301-2", products=[gone]))
    traffic.ok(b.jw317(te_wijzigen=[twp(1001, omvang=MORE)]))


def test_tr350_unchanged_product_without_current_allocation_is_refused() -> None:
    traffic = _two_allocations()
    vow = b.jw317(ongewijzigd=[1002, 9999], te_wijzigen=[twp(1001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR350", "9350", f"{UNCHANGED}[2]")]


def test_tr351_product_to_change_without_current_allocation_is_refused() -> None:
    traffic = Traffic()
    ended = b.toegewezen_product(1001, ingangsdatum="2026-01-01", einddatum="2026-02-28")
    traffic.ok(b.jw301(products=[ended]))
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR351", "9351", TO_CHANGE)]


def test_tr304_vow_naming_another_clients_allocation_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(), b.jw301("T301-2", bsn=OTHER_BSN, products=[b.toegewezen_product(2001)]))
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=MORE), twp(2001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR304", "8187", f"{TO_CHANGE}[2]")]


def test_tr357_change_from_a_past_date_other_than_the_start_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    vow = b.jw317(te_wijzigen=[twp(1001, gewenst="2026-03-02", omvang=MORE)])
    assert traffic.faults(vow) == [("TR357", "9357", TO_CHANGE)]


def test_tr357_change_from_the_allocations_start_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    traffic.ok(b.jw317(te_wijzigen=[twp(1001, gewenst="2026-03-01", omvang=MORE)]))


def _total_volume() -> Traffic:
    traffic = Traffic()
    total = b.toegewezen_product(volume=b.omvang(1000, "01", "6"))
    traffic.ok(b.jw301(products=[total]))
    return traffic


def test_tr373_total_volume_changed_from_another_date_is_refused() -> None:
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=b.omvang(1200, "01", "6"))])
    assert _total_volume().faults(vow) == [("TR373", "9373", TO_CHANGE)]


def test_tr373_total_volume_changed_from_the_start_is_fine() -> None:
    change = twp(1001, gewenst="2026-03-01", omvang=b.omvang(1200, "01", "6"))
    _total_volume().ok(b.jw317(te_wijzigen=[change]))


def test_tr373_budget_changed_from_another_date_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(products=[b.toegewezen_product(code=None, budget=50_000)]))
    vow = b.jw317(te_wijzigen=[twp(1001, budget=60_000)])
    assert traffic.faults(vow) == [("TR373", "9373", TO_CHANGE)]


def test_tr361_new_product_overlapping_an_unchanged_one_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    vow = b.jw317(ongewijzigd=[1001], nieuw=[nieuw("45A01")])
    assert traffic.faults(vow) == [("TR361", "9361", NEW)]


def test_tr361_new_product_after_the_unchanged_one_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    later = nieuw("45A01", gewenst="2027-01-01", einddatum="2027-06-30")
    traffic.ok(b.jw317(ongewijzigd=[1001], nieuw=[later, nieuw("45A02")]))


def test_tr361_shortened_product_makes_room_for_a_new_one() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    shorter = twp(1001, gewenst="2026-04-01", einddatum="2026-05-31", omvang=MORE)
    traffic.ok(b.jw317(te_wijzigen=[shorter], nieuw=[nieuw("45A01", gewenst="2026-06-01")]))


def test_tr411_specific_allocation_changed_without_omvang_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    assert traffic.faults(b.jw317(te_wijzigen=[twp(1001)])) == [("TR411", "9411", TO_CHANGE)]


def test_tr412_aspecific_allocation_changed_with_omvang_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(products=[b.toegewezen_product(code=None)]))
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR412", "9412", TO_CHANGE)]
    traffic.ok(
        b.jw317("T317-2", referentie="VOW-2", te_wijzigen=[twp(1001, einddatum="2026-10-31")])
    )


def test_tr375_generic_allocation_changed_with_omvang_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(products=[b.toegewezen_product(categorie=None, code=None, budget=50_000)]))
    vow = b.jw317(te_wijzigen=[twp(1001, omvang=MORE)])
    assert traffic.faults(vow) == [("TR375", "9375", TO_CHANGE)]
    traffic.ok(b.jw317("T317-2", referentie="VOW-2", te_wijzigen=[twp(1001, budget=50_000)]))
