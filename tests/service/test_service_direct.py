"""``store.direct``: statements on the driver's cursor, on SQLite and on PostgreSQL.

What the intake writes there must read back through the ORM exactly (dates, times, bytes,
booleans, defaults), driver errors must become the store's own exceptions, and a lost
connection must not stay in the pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import bindparam, select, text
from sqlmodel import col

from ijw_gateway.errors import StoreUnavailable
from ijw_gateway.history.model import Allocation, Omvang
from ijw_gateway.routing import Key
from ijw_gateway.store import Collision, NewMessage, Store, engine, history_rows
from ijw_gateway.store.direct import (
    MAX_PARAMETERS,
    Direct,
    Statement,
    _one_statement,
    _prepared,
    batches,
)
from ijw_gateway.store.history import StoreHistory
from ijw_gateway.store.tables import Event, FindingRow, Receipt
from ijw_gateway.store.tables_history import HistAllocation, HistPrestatie
from ijw_gateway.store.unit import Seen, table_of

RAW = b"<Bericht>\x00\xff bytes kept exactly</Bericht>"


def _message(message_id: str, sha: str = "a" * 64) -> NewMessage:
    return NewMessage(
        id=message_id,
        origin="party",
        poster="0505",
        file="one.xml",
        type="JW301",
        afzender="0505",
        ontvanger="12345678",
        identificatie="B1",
        from_party="0505",
        to_party="12345678",
        answers_id=None,
        conversation_id=message_id,
        accepted=True,
        sha256=sha,
        raw=RAW,
        verdict='{"accepted": true}',
        trace_id="trace-1",
    )


def test_rows_written_directly_read_back_through_the_orm(store: Store) -> None:
    with store.unit() as unit:
        unit.add_message(_message("m" * 32))
        unit.add_receipt("0505", "a" * 64, "m" * 32)
        unit.enqueue("m" * 32, "12345678", timedelta(hours=72))
        unit.event("m" * 32, "received", "0505", "JW301", "trace-1")
    view = store.message("m" * 32)
    assert view is not None
    assert (view.type, view.accepted, view.size, view.trace_id) == (
        "JW301",
        True,
        len(RAW),
        "trace-1",
    )
    assert store.raw("m" * 32) == RAW
    received = view.received_at.replace(tzinfo=view.received_at.tzinfo or UTC)
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=1)
    assert [e.kind for e in store.events("m" * 32)] == ["received"]
    assert store.delivery_state("m" * 32) == "queued"
    receipt = Statement(
        select(col(Receipt.message_id)).where(col(Receipt.sha256) == bindparam("sha"))
    )
    with store.session() as session:
        assert Direct(session.connection()).scalar(receipt, sha="a" * 64) == "m" * 32


def test_history_rows_keep_dates_times_and_defaults(store: Store) -> None:
    allocation = Allocation(
        gemeente="0505",
        nummer=42,
        agb="12345678",
        bsn="999900006",
        categorie="45",
        code="45A01",
        ingangsdatum=date(2026, 3, 1),
        einddatum=date(2026, 12, 31),
        reden_wijziging=None,
        omvang=Omvang(60, "01", "2"),
        budget=None,
        toegewezen_op=datetime(2026, 3, 2, 9, 0, 5),
        referentie_aanbieder=None,
    )
    with store.session() as session:
        StoreHistory(session).write(
            HistPrestatie,
            [
                {
                    "gemeente": "0505",
                    "agb": "12345678",
                    "bsn": "999900006",
                    "declaratie": "D1",
                    "referentie": "R1",
                    "nummer": 42,
                    "categorie": "45",
                    "code": "45A01",
                    "begindatum": date(2026, 3, 1),
                    "einddatum": date(2026, 3, 31),
                    "volume": 4,
                    "eenheid": "04",
                    "bedrag": 4000,
                    "debet_credit": "D",
                }
            ],
        )
        StoreHistory(session).write(HistAllocation, [history_rows.allocation_values(allocation)])
    with store.session() as session:
        history = StoreHistory(session)
        assert history.allocation("0505", 42) == allocation
        assert history.allocations_of("0505", "12345678", "999900006") == [allocation]
        found = history.prestatie("12345678", "R1")
        assert found is not None and found.rejected is False  # the column's default
        assert found.begindatum == date(2026, 3, 1)
        stored = session.execute(select(HistPrestatie)).scalar_one()
        assert stored.message_id == "" and stored.rejected is False


def test_a_taken_key_is_a_collision_and_nothing_of_the_unit_stays(store: Store) -> None:
    with store.unit() as unit:
        unit.add_message(_message("a" * 32))
        unit.add_receipt("0505", "b" * 64, "a" * 32)
    with pytest.raises(Collision), store.unit() as unit:
        unit.add_message(_message("c" * 32))
        unit.event("c" * 32, "received", "0505", "", "t")
        unit.add_receipt("0505", "b" * 64, "c" * 32)  # the same poster and bytes again
    assert store.message("c" * 32) is None
    assert store.events("c" * 32) == []
    assert store.message("a" * 32) is not None


def test_open_locks_and_says_what_the_store_holds(store: Store) -> None:
    key = Key("0505", "JW301", "B1")
    with store.unit() as unit:
        unit.add_message(_message("a" * 32))
        unit.add_receipt("0505", "b" * 64, "a" * 32)
        unit.add_identification(key, "a" * 32)
    with store.unit() as unit:
        seen = unit.open(["bsn:1", "ref:2", "bsn:1"], "0505", "b" * 64, key)
        assert (seen.receipt, seen.owner) == ("a" * 32, "a" * 32)
        assert unit.owner_of(key) == "a" * 32  # answered from what open asked
        held = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        if store.postgres:  # SQLite's transactions take its one write lock instead
            assert unit.connection.execute(text(held)).scalar_one() == 2
    with store.unit() as unit:
        seen = unit.open([], "0506", "b" * 64, Key("0505", "JW301", "B2"))
        assert (seen.receipt, seen.owner) == (None, None)
        assert unit.open([], "0505", "c" * 64, None) == Seen(None, None)


def test_any_number_of_rows_is_written_in_one_unit(store: Store) -> None:
    """More rows than one PostgreSQL statement has parameters for (65,535): the insert is
    cut into pieces, still inside the unit's one transaction."""
    findings = [
        {"message_id": "m" * 32, "seq": n, "level": "policy", "path": "/", "line": n, "text": ""}
        for n in range(9_000)  # eight parameters each: 72,000
    ]
    events = [{"message_id": "m" * 32, "at": datetime.now(UTC), "kind": "x"}] * 3
    with store.unit() as unit:
        unit.add_message(_message("m" * 32))
        unit.add_rows(FindingRow, findings)
        unit.add_rows(Event, events)
    with store.session() as session:
        seqs = (
            session.execute(select(col(FindingRow.seq)).order_by(col(FindingRow.seq)))
            .scalars()
            .all()
        )
    assert seqs == list(range(9_000))
    assert len(store.events("m" * 32)) == 3


def test_pieces_keep_every_row_in_order_under_the_limit() -> None:
    finding, receipt = table_of(FindingRow), table_of(Receipt)
    rows = [{"seq": n} for n in range(10)]
    pieces = list(batches([(receipt, rows[:3]), (finding, rows), (receipt, rows[3:4])], 20))
    widths = {receipt.name: 3, finding.name: 8}
    for piece in pieces:
        assert sum(widths[t.name] * len(r) for t, r in piece) <= 20
    flat = [(t.name, row["seq"]) for piece in pieces for t, rs in piece for row in rs]
    assert flat == [("receipt", n) for n in range(3)] + [("finding", n) for n in range(10)] + [
        ("receipt", 3)
    ]
    assert len(list(batches([(receipt, rows[:2])], MAX_PARAMETERS))) == 1


def test_several_tables_are_one_statement_on_postgresql() -> None:
    receipt, event = _prepared(table_of(Receipt)), _prepared(table_of(Event))
    sql = _one_statement((("receipt", receipt.keys, 1), ("event", event.keys, 2)))
    assert sql.startswith('WITH w0 AS (INSERT INTO "receipt"')
    assert sql.count("INSERT INTO") == 2 and ";" not in sql
    # receipt has three columns; event every column but its generated id (eight)
    second, third = (", ".join(f"${n}" for n in range(s, s + 8)) for s in (4, 12))
    assert sql.endswith(f"VALUES ({second}), ({third})")


@pytest.fixture
def pg_store(pg_session_url: str) -> Iterator[Store]:
    store = Store.open(pg_session_url)
    yield store
    store.dispose()


def _kill_pooled_connection(store: Store) -> None:
    with store.session() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = Store.open(str(store.engine.url.render_as_string(hide_password=False)))
    try:
        with killer.session() as session:
            session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        killer.dispose()


def test_a_lost_connection_is_unavailable_and_not_handed_out_again(pg_store: Store) -> None:
    """PostgreSQL only: SQLite has no server connection to lose. A connection in steady
    use is not tested at checkout, so the statement fails; only the invalidation after
    it keeps the dead connection out of the pool."""
    _kill_pooled_connection(pg_store)
    with pytest.raises(StoreUnavailable), pg_store.unit() as unit:
        unit.open((), "0505", "f" * 64, None)
    with pg_store.unit() as unit:  # the next transaction gets a working connection
        assert unit.open((), "0505", "f" * 64, None).receipt is None


def test_a_connection_that_sat_idle_is_tested_before_use(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an idle while, a dead pooled connection is replaced before any request sees
    it (a restarted database, a dropped idle connection)."""
    _kill_pooled_connection(pg_store)
    monkeypatch.setattr(engine, "IDLE_PING_SECONDS", 0.0)
    with pg_store.unit() as unit:
        assert unit.open((), "0505", "f" * 64, None).receipt is None
