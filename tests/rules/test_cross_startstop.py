"""Start and stop: TR019, TR326, TR063, TR071, TR074, TR382 (9069), TR413, TR414, TR415."""

from __future__ import annotations

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.cross_sequence import OTHER_BSN, SP, ST, Traffic


def _allocated() -> Traffic:
    traffic = Traffic()
    traffic.ok(b.jw301())
    return traffic


def test_tr019_start_for_another_product_is_refused() -> None:
    start = b.jw305(starts=[b.start_product(code="45A02")])
    assert _allocated().faults(start) == [("TR019", "9019", SP)]


def test_tr019_start_for_an_unknown_allocation_is_refused() -> None:
    assert _allocated().faults(b.jw305(starts=[b.start_product(9999)])) == [("TR019", "9019", SP)]


def test_tr019_start_for_another_clients_allocation_is_refused() -> None:
    assert _allocated().faults(b.jw305(bsn=OTHER_BSN)) == [("TR019", "9019", SP)]


def test_tr019_stop_without_number_needs_task_based_care() -> None:
    stop = b.jw307(stops=[b.stop_product(None, toewijzing_ingangsdatum=None)])
    assert ("TR019", "9019", ST) in Traffic().faults(stop)


def test_tr019_start_without_number_is_fine_for_task_based_care() -> None:
    asked: list[tuple[str, str, str | None, str | None]] = []

    def task_based(gemeente: str, agb: str, categorie: str | None, code: str | None) -> bool:
        asked.append((gemeente, agb, categorie, code))
        return True

    traffic = Traffic(task_based=task_based)
    traffic.ok(b.jw305(starts=[b.start_product(None, toewijzing_ingangsdatum=None)]))
    assert asked == [(b.GEMEENTE, b.AGB, "45", "45A01")]


def test_tr019_start_without_number_is_refused_when_not_task_based() -> None:
    traffic = Traffic(task_based=lambda gemeente, agb, categorie, code: False)
    start = b.jw305(starts=[b.start_product(None, toewijzing_ingangsdatum=None)])
    assert traffic.faults(start) == [("TR019", "9019", SP)]


def test_tr019_matching_start_is_fine() -> None:
    _allocated().ok(b.jw305())


def test_tr326_tr074_same_start_twice_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305())
    assert traffic.faults(b.jw305("T305-2")) == [("TR326", "9326", SP), ("TR074", "9074", SP)]


def test_tr326_second_start_while_the_first_runs_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305())
    later = b.jw305("T305-2", starts=[b.start_product(begindatum="2026-04-01")])
    assert traffic.faults(later) == [("TR326", "9326", SP)]


def test_tr326_restart_after_a_stop_is_fine() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), b.jw307())
    traffic.ok(b.jw305("T305-2", starts=[b.start_product(begindatum="2026-04-01")]))


def test_tr074_correction_by_removal_and_redelivery_is_fine() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305())
    fix = [b.start_product(status="3"), b.start_product(begindatum="2026-03-03")]
    traffic.ok(b.jw305("T305-2", starts=fix))


def test_tr063_removal_without_delivery_is_refused() -> None:
    traffic = _allocated()
    assert traffic.faults(b.jw305(starts=[b.start_product(status="3")])) == [("TR063", "9063", SP)]


def test_tr063_removing_a_stop_needs_its_exact_key() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), b.jw307())
    wrong = b.jw307("T307-2", stops=[b.stop_product(einddatum="2026-03-21", status="3")])
    assert traffic.faults(wrong) == [("TR063", "9063", ST)]
    traffic.ok(b.jw307("T307-3", stops=[b.stop_product(status="3")]))


def test_tr071_removing_a_stopped_start_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), b.jw307())
    assert traffic.faults(b.jw305("T305-2", starts=[b.start_product(status="3")])) == [
        ("TR071", "9071", SP)
    ]


def test_tr382_stop_without_start_is_refused_with_9069() -> None:
    assert _allocated().faults(b.jw307()) == [("TR382", "9069", ST)]


def test_tr382_stop_with_another_begindatum_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305())
    other = b.jw307(stops=[b.stop_product(begindatum="2026-03-03")])
    assert traffic.faults(other) == [("TR382", "9069", ST)]


def test_tr382_stop_after_a_removed_start_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), b.jw305("T305-2", starts=[b.start_product(status="3")]))
    assert traffic.faults(b.jw307()) == [("TR382", "9069", ST)]


def _stop(identificatie: str, reden: str, einddatum: str) -> JsonObject:
    return b.jw307(identificatie, stops=[b.stop_product(reden=reden, einddatum=einddatum)])


def test_tr413_second_temporary_stop_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), _stop("S-1", "20", "2026-03-10"))
    assert traffic.faults(_stop("S-2", "20", "2026-03-20")) == [("TR413", "9413", ST)]


def test_tr413_tr414_definitive_stop_after_a_temporary_one_is_fine() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), _stop("S-1", "20", "2026-03-10"), _stop("S-2", "31", "2026-03-20"))


def test_tr414_later_stop_ending_earlier_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), _stop("S-1", "20", "2026-03-20"))
    assert traffic.faults(_stop("S-2", "31", "2026-03-10")) == [("TR414", "9414", ST)]


def test_tr415_stop_after_a_definitive_stop_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), _stop("S-1", "31", "2026-03-20"))
    assert traffic.faults(_stop("S-2", "34", "2026-03-25")) == [("TR415", "9415", ST)]


def test_tr415_tr074_same_stop_twice_is_refused() -> None:
    traffic = _allocated()
    traffic.ok(b.jw305(), b.jw307())
    assert traffic.faults(b.jw307("T307-2")) == [("TR074", "9074", ST), ("TR415", "9415", ST)]
