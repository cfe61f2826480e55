"""JW323 against allocations and earlier declarations (RULES.md §5.2), per Prestatie."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.cross_sequence import DECLARATIE, OTHER_BSN, PR, Traffic

APRIL = ("2026-04-01", "2026-04-30")


def _allocated(*products: JsonObject) -> Traffic:
    traffic = Traffic()
    traffic.ok(b.jw301(products=list(products) or None))
    return traffic


def _declare(
    *prestaties: JsonObject,
    ident: str = "T323-1",
    nummer: str = "DECL0001",
    periode: tuple[str, str] = ("2026-03-01", "2026-03-31"),
) -> JsonObject:
    return b.jw323(ident, nummer=nummer, periode=periode, clients={b.BSN: list(prestaties)})


def test_tr338_prestatie_without_allocation_is_refused() -> None:
    assert _allocated().faults(_declare(b.prestatie(nummer=9999))) == [("TR338", "9338", PR)]


def test_tr338_allocation_of_another_provider_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301(agb="87654321"))
    assert traffic.faults(_declare(b.prestatie())) == [("TR338", "9338", PR)]


def test_tr304_prestatie_of_another_client_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw301("T301-2", bsn=OTHER_BSN, products=[b.toegewezen_product(2001)]))
    claim = _declare(b.prestatie("P-1"), b.prestatie("P-2", nummer=2001))
    assert traffic.faults(claim) == [("TR304", "8187", f"{PR}[2]")]


def test_tr384_declaring_on_a_deleted_allocation_is_refused() -> None:
    traffic = _allocated()
    gone = b.toegewezen_product(
        einddatum="2026-03-01", reden_wijziging="13", toewijzingstijd="10:00:00"
    )
    traffic.ok(b.jw301("T301-2", products=[gone]))
    one_day = b.prestatie(einddatum="2026-03-01", volume=60)
    assert traffic.faults(_declare(one_day)) == [("TR384", "9384", PR)]


def test_tr339_other_category_is_refused() -> None:
    assert _allocated().faults(_declare(b.prestatie(categorie="46"))) == [("TR339", "9339", PR)]


def test_tr340_other_product_code_rejects_only_that_prestatie() -> None:
    claim = _declare(b.prestatie("P-1"), b.prestatie("P-2", code="45A02"))
    assert _allocated().faults(claim) == [("TR340", "9340", f"{PR}[2]")]


def test_tr339_tr340_aspecific_allocation_accepts_any_code() -> None:
    _allocated(b.toegewezen_product(code=None)).ok(_declare(b.prestatie(code="45X99")))


def test_tr341_other_unit_is_refused() -> None:
    claim = _declare(b.prestatie(eenheid="04", volume=4, tarief=9000))
    assert _allocated().faults(claim) == [("TR341", "9341", PR)]


def test_tr341_hours_declared_in_minutes_are_fine() -> None:
    hours = b.toegewezen_product(volume=b.omvang(2, "04", "2"))
    _allocated(hours).ok(_declare(b.prestatie(volume=240, eenheid="01")))


def test_tr307_prestatie_before_the_allocation_is_refused() -> None:
    traffic = _allocated(b.toegewezen_product(ingangsdatum="2026-03-10"))
    assert traffic.faults(_declare(b.prestatie())) == [("TR307", "9307", PR)]
    # The refused Prestatie's declaration was processed, so it used its number.
    traffic.ok(_declare(b.prestatie(begindatum="2026-03-10"), ident="T323-2", nummer="DECL0002"))


def test_tr308_prestatie_after_the_allocation_is_refused() -> None:
    traffic = _allocated(b.toegewezen_product(einddatum="2026-03-20"))
    assert traffic.faults(_declare(b.prestatie(volume=180))) == [("TR308", "9308", PR)]
    fixed = b.prestatie(einddatum="2026-03-20", volume=180)
    traffic.ok(_declare(fixed, ident="T323-2", nummer="DECL0002"))


def test_tr387_period_not_starting_on_the_first_is_refused() -> None:
    claim = _declare(b.prestatie(begindatum="2026-03-02"))
    assert _allocated().faults(claim) == [("TR387", "9387", PR)]


def test_tr388_period_not_ending_on_the_last_day_is_refused() -> None:
    claim = _declare(b.prestatie(einddatum="2026-03-30"))
    assert _allocated().faults(claim) == [("TR388", "9388", PR)]


def test_tr319_prestatie_after_the_declaration_period_is_refused() -> None:
    claim = _declare(
        b.prestatie("P-1"), b.prestatie("P-2", begindatum=APRIL[0], einddatum=APRIL[1])
    )
    assert _allocated().faults(claim) == [("TR319", "9319", f"{PR}[2]")]


def test_tr318_declaration_period_before_the_last_one_is_refused() -> None:
    traffic = _allocated()
    april = b.prestatie("P-1", begindatum=APRIL[0], einddatum=APRIL[1])
    traffic.ok(_declare(april, periode=APRIL))
    march = _declare(b.prestatie("P-2"), ident="T323-2", nummer="DECL0002")
    assert traffic.faults(march) == [("TR318", "8214", DECLARATIE)]


def test_tr318_same_period_again_and_the_next_are_fine() -> None:
    traffic = _allocated()
    traffic.ok(_declare(b.prestatie("P-1")))
    traffic.ok(_declare(_credit("P-2", "P-1"), ident="T323-2", nummer="DECL0002"))
    april = b.prestatie("P-3", begindatum=APRIL[0], einddatum=APRIL[1])
    traffic.ok(_declare(april, ident="T323-3", nummer="DECL0003", periode=APRIL))


def test_tr314_reference_number_used_before_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(_declare(b.prestatie("P-1")))
    april = b.prestatie("P-1", begindatum=APRIL[0], einddatum=APRIL[1])
    again = _declare(april, ident="T323-2", nummer="DECL0002", periode=APRIL)
    assert traffic.faults(again) == [("TR314", "8021", PR)]


def test_tr314_reference_number_twice_in_one_message_is_refused() -> None:
    april = b.prestatie("P-1", begindatum=APRIL[0], einddatum=APRIL[1])
    claim = _declare(b.prestatie("P-1"), april, periode=APRIL)
    assert _allocated().faults(claim) == [("TR314", "8021", f"{PR}[2]")]


def test_tr333_declaration_number_used_before_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(_declare(b.prestatie("P-1")))
    april = b.prestatie("P-2", begindatum=APRIL[0], einddatum=APRIL[1])
    again = _declare(april, ident="T323-2", periode=APRIL)
    assert traffic.faults(again) == [("TR333", "9333", DECLARATIE)]


def _credit(ref: str, vorig: str) -> JsonObject:
    return b.prestatie(ref, debet_credit="C", vorig_referentie=vorig)


def test_tr323_credit_without_debit_is_refused() -> None:
    assert _allocated().faults(_declare(_credit("P-2", "P-1"))) == [("TR323", "8017", PR)]


def test_tr323_credit_of_a_granted_debit_is_fine() -> None:
    traffic = _allocated()
    traffic.ok(
        _declare(b.prestatie("P-1")),
        _declare(_credit("P-2", "P-1"), ident="T323-2", nummer="DECL0002"),
    )


def test_tr390_second_credit_for_a_debit_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(
        _declare(b.prestatie("P-1")),
        _declare(_credit("P-2", "P-1"), ident="T323-2", nummer="DECL0002"),
    )
    again = _declare(_credit("P-3", "P-1"), ident="T323-3", nummer="DECL0003")
    assert traffic.faults(again) == [("TR390", "9390", PR)]


def test_tr389_second_debit_for_the_same_period_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(_declare(b.prestatie("P-1")))
    again = _declare(b.prestatie("P-2"), ident="T323-2", nummer="DECL0002")
    assert traffic.faults(again) == [("TR389", "9389", PR)]


def test_tr389_credit_and_new_debit_in_one_message_are_fine() -> None:
    traffic = _allocated()
    traffic.ok(_declare(b.prestatie("P-1")))
    fix = _declare(
        _credit("P-2", "P-1"), b.prestatie("P-3", volume=200), ident="T323-2", nummer="DECL0002"
    )
    traffic.ok(fix)


def test_refused_prestatie_counts_as_never_declared() -> None:
    traffic = _allocated()
    first = _declare(b.prestatie("P-1", code="45A02"))
    assert traffic.faults(first) == [("TR340", "9340", PR)]
    april = b.prestatie("P-2", begindatum=APRIL[0], einddatum=APRIL[1])
    # The refused P-1 frees its reference and its period; the declaration number is used.
    traffic.ok(
        _declare(b.prestatie("P-1"), april, ident="T323-2", nummer="DECL0002", periode=APRIL)
    )
