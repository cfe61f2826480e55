"""Monitoring on a generated history (tests/support/monitoring_history.py), on SQLite and
PostgreSQL: trajectories, deadlines, chain and contract figures with real numbers, worked
out by hand from the dates (holidays, weekends, a corrected and a withdrawn allocation, a
rejected message, a credit and a Prestatie refused on its own)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ijw_gateway import reporting
from ijw_gateway.delivery import MailboxChannel
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.monitoring.access import EVERYONE, Viewer
from ijw_gateway.monitoring.reports import Filters
from ijw_gateway.runtime import contract_book
from ijw_gateway.store import monitoring_reads as reads
from ijw_gateway.worker import Worker
from tests.support.monitoring_history import CLIENT, PRODUCT, History
from tests.support.service import AGB, GEMEENTE

APRIL, MAY, JUNE = "2026-04", "2026-05", "2026-06"


def _report(history: History, name: str, viewer: Viewer = EVERYONE) -> list[dict[str, Any]]:
    wanted = Filters(date(2026, 4, 1), date(2026, 6, 1))
    book = contract_book(history.gateway.settings, record=False)
    return reporting.report(history.gateway.store, viewer, name, wanted, book).rows


def _by_month(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["month"]: row for row in rows}


def test_every_accepted_message_is_linked_to_its_trajectory(history: History) -> None:
    with history.gateway.store.reading() as connection:
        found = reads.search(connection, EVERYONE, reads.Search(), 50, None)
        states = {t.nummer or t.referentie: t.state for t in found}
        one = next(t for t in found if t.nummer == 2001)
        steps = reads.timeline(connection, one.id)
    assert states == {2001: "stopped", "REF-B": "rejected", 2002: "allocated", 2003: "withdrawn"}
    assert [(s.type, s.role) for s in steps] == [
        ("JW315", "request"),
        ("JW301", "answer"),
        ("JW305", "start"),
        ("JW323", "declaration"),
        ("JW323", "declaration"),
        ("JW307", "stop"),
    ]
    assert [s.answer_type for s in steps] == ["JW316", "JW302", "JW306", "JW325", "JW325", "JW308"]
    rejected = history.sent["305-X"]
    assert rejected.report["accepted"] is False
    with history.gateway.store.reading() as connection:
        assert reads.search(connection, EVERYONE, reads.Search(state="requested"), 50, None) == []


def test_deadlines_count_working_days_around_easter_and_kings_day(history: History) -> None:
    with history.gateway.store.reading() as connection:
        answered = reads.deadlines(connection, EVERYONE, "answered", date(2026, 6, 10), 50, None)
        cancelled = reads.deadlines(connection, EVERYONE, "cancelled", date(2026, 6, 10), 50, None)
        overdue = reads.deadlines(connection, EVERYONE, "overdue", date(2026, 6, 10), 50, None)
    got = sorted((d.kind, d.due.isoformat(), d.late) for d in answered)
    assert got == [
        ("decision", "2026-04-13", 1),  # 2 April + 5 working days (Good Friday, Easter Monday)
        ("decision", "2026-05-28", 0),  # in onderzoek: 8 weeks after the Dagtekening
        ("start", "2026-04-28", 0),  # 20 April + 5 working days (King's Day)
        ("stop", "2026-06-05", 3),  # 31 May + 5 working days; reported 10 June
    ]
    assert [(d.kind, d.due.isoformat()) for d in cancelled] == [("start", "2026-04-28")]
    assert [(d.kind, d.owed_type, d.owed_by) for d in overdue] == [("start", "JW305", AGB)]
    assert history.gateway.store.overdue_counts() == [("JW305", AGB, 1)]


def test_the_worker_notes_an_overdue_answer_once_and_folds_the_figures(history: History) -> None:
    store = history.gateway.store
    worker = Worker(store, MailboxChannel())
    try:
        worker.note_overdue()
        worker.note_overdue()  # within the minute: nothing again
    finally:
        worker.close()
    assert store.note_overdue() == 0 and store.fold_figures() == 0
    opener = history.sent["301-C"].id
    assert opener is not None
    events = [(e.kind, e.party, e.detail) for e in store.events(opener)]
    assert events[-1] == ("answer_overdue", AGB, "JW305 was due by 2026-04-28")


def test_chain_figures(history: History) -> None:
    rows = {(r["month"], r["measure"]): r for r in _report(history, "chain")}
    decision = rows[(APRIL, "lead:request_to_decision")]
    assert (decision["count"], decision["average_days"], decision["average_workdays"]) == (1, 12, 6)
    assert decision["on_time_share"] == 0
    assert rows[(MAY, "lead:request_to_decision")]["average_days"] == 29
    start = rows[(APRIL, "lead:allocation_to_start")]
    assert (start["average_days"], start["average_workdays"], start["on_time_share"]) == (14, 9, 1)
    stop = rows[(JUNE, "report:stop")]
    assert (stop["average_workdays"], stop["on_time_share"]) == (8, 0)
    assert (APRIL, "response:JW302") not in rows  # the gateway answered them at once
    assert rows[(APRIL, "wait:JW301>JW301")]["average_days"] == 1.5  # the two corrections


def test_contract_figures(history: History) -> None:
    rows = _by_month(_report(history, "contracts"))
    april, may, june = rows[APRIL], rows[MAY], rows[JUNE]
    assert (april["segment"], april["variant"], april["code"]) == ("4B", "effort", PRODUCT)
    # 2001 and 2002 allow 7 hours a day from 20 April; 2003 was withdrawn; 2002 was
    # corrected to end on 31 May, 2001 ends on 30 June.
    assert (april["allocated_volume"], may["allocated_volume"], june["allocated_volume"]) == (
        154,
        434,
        210,
    )
    # April: 70 hours, credited, declared again as 56; May: 150 granted, 10 refused (TR384).
    assert (april["declared_volume"], april["granted_volume"], april["granted_cents"]) == (
        56,
        56,
        403_200,
    )
    assert (may["declared_volume"], may["granted_volume"]) == (160, 150)
    assert (may["declared_cents"], may["granted_cents"]) == (1_152_000, 1_080_000)
    assert (april["clients"], may["clients"], may["cents_per_client"]) == (1, 1, 1_080_000)
    assert (may["ended"], may["average_duration_days"]) == (1, 42)  # 20 April to 31 May


def test_trajectory_flows(history: History) -> None:
    rows = _by_month(_report(history, "trajectories"))
    april, may = rows[APRIL], rows[MAY]
    assert [april[k] for k in ("requested", "allocated", "withdrawn", "started")] == [2, 3, 1, 1]
    assert [may[k] for k in ("rejected", "stopped", "ended")] == [1, 1, 1]


def test_a_party_sees_its_own_figures_only(history: History) -> None:
    assert _report(history, "contracts", Viewer(GEMEENTE))
    assert _report(history, "contracts", Viewer(AGB))
    for stranger in ("0482", "98761001"):
        assert _report(history, "contracts", Viewer(stranger)) == []
        assert _report(history, "chain", Viewer(stranger)) == []
        with history.gateway.store.reading() as connection:
            assert reads.search(connection, Viewer(stranger), reads.Search(), 50, None) == []


def test_the_export_pseudonymises_and_refuses_without_a_key(history: History) -> None:
    store, wanted = history.gateway.store, Filters(date(2026, 4, 1), date(2026, 6, 1))
    records = list(reporting.export(store, EVERYONE, wanted, "k" * 32))
    # 13 linked messages, the JW323 with the refused Prestatie twice (two trajectories);
    # the rejected start is none of them.
    assert len(records) == 14
    text = repr(records)
    assert not any(bsn in text for bsn in CLIENT)
    allocations = {r["allocation"] for r in records}
    assert None in allocations and not allocations & {"2001", "2002", "2003", 2001}
    assert len(allocations - {None}) == 3 and all(len(a) == 32 for a in allocations - {None})
    clients = {r["client"] for r in records}
    assert len(clients) == 4 and all(len(c) == 32 for c in clients)
    other = {r["client"] for r in reporting.export(store, EVERYONE, wanted, "x" * 32)}
    assert clients.isdisjoint(other)
    with pytest.raises(reporting.ExportKeyMissing):
        reporting.export(store, EVERYONE, wanted, None)


def test_folding_the_deltas_changes_no_figure(history: History) -> None:
    before = {name: _report(history, name) for name in ("contracts", "chain", "trajectories")}
    store = history.gateway.store
    moved = store.fold_figures()
    assert moved > 0 and store.fold_figures() == 0
    after = {name: _report(history, name) for name in ("contracts", "chain", "trajectories")}
    assert after == before
    result = history.send("305-again", "2026-06-11", AGB, _restart())  # after the fold
    assert result.report["accepted"], result.report
    rows = _by_month(_report(history, "trajectories"))
    assert rows[APRIL]["started"] == 1 and rows[JUNE]["started"] == 1


def _restart() -> JsonObject:
    start = b.start_product(
        2001, code=PRODUCT, begindatum="2026-06-08", toewijzing_ingangsdatum="2026-04-20"
    )
    return b.jw305("M305R", bsn=CLIENT[0], starts=[start], dagtekening="2026-06-11")
