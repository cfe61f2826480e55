"""TR056 (Identificatie reused), TR135 (Dagtekening after today), TR378 (CBS codes)."""

from __future__ import annotations

from datetime import date

from ijw_gateway.fixtures import builders as b
from tests.support.cross_sequence import ANTWOORD, HEADER, Traffic


def test_tr056_reused_identificatie_is_refused() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301("ID-1"))
    assert traffic.faults(b.jw301("ID-1", products=[b.toegewezen_product(1002)])) == [
        ("TR056", "9056", HEADER)
    ]


def test_tr056_same_identificatie_for_another_type_or_sender_is_fine() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301("ID-1"), b.jw305("ID-1"), b.jw301("ID-1", gemeente="0503"))


def test_tr056_a_refused_message_does_not_use_up_its_identificatie() -> None:
    traffic = Traffic()
    traffic.ok(b.jw301())
    assert traffic.faults(b.jw305("ID-5", starts=[b.start_product(9999)]))  # refused
    traffic.ok(b.jw305("ID-5"))


def test_tr135_dagtekening_tomorrow_is_refused() -> None:
    traffic = Traffic(today=date(2026, 3, 1))
    assert traffic.faults(b.jw301(dagtekening="2026-03-02")) == [("TR135", "8848", HEADER)]


def test_tr135_dagtekening_today_is_fine() -> None:
    Traffic(today=date(2026, 3, 2)).ok(b.jw301(dagtekening="2026-03-02"))


def test_tr378_unknown_municipality_code_is_refused() -> None:
    assert Traffic().faults(b.jw301(gemeente="9999")) == [("TR378", "S300", HEADER)]


def test_tr378_retired_code_is_tolerated_for_an_allocation_made_before_the_merger() -> None:
    before = b.toegewezen_product(ingangsdatum="2022-06-01", einddatum="2026-12-31")
    Traffic().ok(b.jw301(gemeente="0501", products=[before]))


def test_tr378_retired_code_is_refused_for_an_allocation_after_the_merger() -> None:
    after = b.toegewezen_product(ingangsdatum="2023-01-01")
    assert Traffic().faults(b.jw301(gemeente="0501", products=[after])) == [
        ("TR378", "S300", HEADER)
    ]


def test_tr378_retired_code_in_a_message_without_reference_date_is_refused() -> None:
    traffic = Traffic()
    old = b.toegewezen_product(ingangsdatum="2022-06-01", einddatum="2026-12-31")
    traffic.ok(b.jw301(gemeente="0501", products=[old]))
    assert ("TR378", "S300", HEADER) in traffic.faults(b.jw305(gemeente="0501"))


def test_tr378_woonplaatsbeginsel_code_is_checked() -> None:
    traffic = Traffic()
    traffic.ok(b.jw315())
    answer = b.jw319(antwoord="1", reden="8", woonplaats_gemeente="9999")
    assert traffic.faults(answer) == [("TR378", "S300", f"{ANTWOORD}/Woonplaatsbeginsel")]
    traffic.ok(b.jw319("T319-2", antwoord="1", reden="8", woonplaats_gemeente="0363"))
