"""TR321 (volume per period), TR322 (total volume), TR369 (budget), and the week counts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.history.model import Allocation, Omvang
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.cross_volume import periods_in
from tests.support.cross_sequence import PR, Traffic

APRIL = ("2026-04-01", "2026-04-30")


def _declare(
    *prestaties: JsonObject,
    ident: str = "T323-1",
    nummer: str = "DECL0001",
    periode: tuple[str, str] = ("2026-03-01", "2026-03-31"),
) -> JsonObject:
    return b.jw323(ident, nummer=nummer, periode=periode, clients={b.BSN: list(prestaties)})


def _allocated(product: JsonObject) -> Traffic:
    traffic = Traffic()
    traffic.ok(b.jw301(products=[product]))
    return traffic


def test_tr321_more_than_allocated_for_the_month_is_refused() -> None:
    # 60 minutes a week; March 2026 touches six ISO weeks: at most 360 minutes.
    traffic = _allocated(b.toegewezen_product())
    assert traffic.faults(_declare(b.prestatie(volume=361))) == [("TR321", "9321", PR)]
    traffic.ok(_declare(b.prestatie(volume=360), ident="T323-2", nummer="DECL0002"))


def test_tr321_hours_allocated_minutes_declared() -> None:
    traffic = _allocated(b.toegewezen_product(volume=b.omvang(1, "04", "2")))
    assert traffic.faults(_declare(b.prestatie(volume=361))) == [("TR321", "9321", PR)]


def test_tr322_total_volume_exceeded_over_two_declarations_is_refused() -> None:
    traffic = _allocated(b.toegewezen_product(volume=b.omvang(300, "01", "6")))
    traffic.ok(_declare(b.prestatie("P-1", volume=200)))
    april = b.prestatie("P-2", volume=200, begindatum=APRIL[0], einddatum=APRIL[1])
    second = _declare(april, ident="T323-2", nummer="DECL0002", periode=APRIL)
    assert traffic.faults(second) == [("TR322", "9322", PR)]


def test_tr322_credited_volume_no_longer_counts() -> None:
    traffic = _allocated(b.toegewezen_product(volume=b.omvang(300, "01", "6")))
    traffic.ok(_declare(b.prestatie("P-1", volume=200)))
    credit = b.prestatie("P-2", volume=200, debet_credit="C", vorig_referentie="P-1")
    april = b.prestatie("P-3", volume=250, begindatum=APRIL[0], einddatum=APRIL[1])
    traffic.ok(_declare(credit, april, ident="T323-2", nummer="DECL0002", periode=APRIL))


def _budget() -> Traffic:
    return _allocated(b.toegewezen_product(code=None, budget=50_000))


def test_tr369_budget_exceeded_is_refused() -> None:
    traffic = _budget()
    traffic.ok(_declare(b.prestatie("P-1")))  # 240 x 150 = 36000 cents
    april = b.prestatie("P-2", begindatum=APRIL[0], einddatum=APRIL[1])
    second = _declare(april, ident="T323-2", nummer="DECL0002", periode=APRIL)
    assert traffic.faults(second) == [("TR369", "9369", PR)]


def test_tr369_within_budget_is_fine() -> None:
    traffic = _budget()
    traffic.ok(_declare(b.prestatie("P-1")))
    april = b.prestatie("P-2", volume=90, begindatum=APRIL[0], einddatum=APRIL[1])
    traffic.ok(_declare(april, ident="T323-2", nummer="DECL0002", periode=APRIL))


def _allocation(eenheid: str, frequentie: str, start: date, end: date | None) -> Allocation:
    return Allocation(
        gemeente="0505",
        nummer=1,
        agb="12345678",
        bsn=b.BSN,
        categorie="45",
        code="45A01",
        ingangsdatum=start,
        einddatum=end,
        reden_wijziging=None,
        omvang=Omvang(10, eenheid, frequentie),
        budget=None,
        toegewezen_op=datetime(2026, 3, 1),
        referentie_aanbieder=None,
    )


@pytest.mark.parametrize(
    ("eenheid", "begin", "end", "expected"),
    [
        ("01", date(2026, 3, 4), date(2026, 3, 31), 5),  # effort: ISO weeks touched
        ("82", date(2026, 3, 4), date(2026, 3, 31), 5),  # output: 4 Sundays + the tail
        ("82", date(2026, 4, 1), date(2026, 4, 1), 0),  # tail counted in March
        ("82", date(2026, 3, 4), date(2026, 4, 1), 5),  # whole allocation
        ("01", date(2026, 4, 1), date(2026, 4, 1), 1),
    ],
)
def test_weeks_per_period(eenheid: str, begin: date, end: date, expected: int) -> None:
    allocation = _allocation(eenheid, "2", date(2026, 3, 4), date(2026, 4, 1))
    assert periods_in(allocation, begin, end) == expected


def test_days_and_months_per_period() -> None:
    per_day = _allocation("14", "1", date(2026, 3, 1), None)
    per_month = _allocation("01", "4", date(2026, 3, 1), None)
    assert periods_in(per_day, date(2026, 3, 1), date(2026, 3, 31)) == 31
    assert periods_in(per_month, date(2026, 3, 15), date(2026, 5, 1)) == 3
