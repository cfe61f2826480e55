"""The store: migrations, the history on SQL (differential against memory), refusals."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from ijw_gateway.config import Settings
from ijw_gateway.contracts.refusals import Refusal
from ijw_gateway.fixtures.suite import build
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.history import History, HistoryStore, InMemoryHistory, Recorder
from ijw_gateway.intake import APART_BYTES
from ijw_gateway.rules.stages import cross_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.store import Store
from ijw_gateway.store.history import StoreHistory
from ijw_gateway.store.migrate import current, head, upgrade
from ijw_gateway.store.refusals import StoreRefusalLog
from ijw_gateway.validation import Validator
from tests.support.service import AGB, PARTIES, declaration

REGISTRY = SchemaRegistry()
TODAY = date(2026, 7, 1)


def test_migrations_reach_head_idempotently_and_match_the_tables(store: Store) -> None:
    assert current(store.engine) == head() == "0007"
    upgrade(store.engine)  # a second run changes nothing
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_the_store_history_implements_both_protocols(store: Store) -> None:
    with store.session() as session:
        history: HistoryStore = StoreHistory(session)
        assert isinstance(history, History) and isinstance(history, Recorder)


def _judge(history: History, data: bytes) -> tuple[list[str | None], object]:
    outcome = Validator(REGISTRY, [cross_message(history, lambda: TODAY)]).run(data)
    return [f.rule for f in outcome.report.findings], outcome


def test_store_history_gives_the_rules_the_same_answers_as_memory(store: Store) -> None:
    """Every sequence of the fixture suite, replayed into both: identical verdicts."""
    memory = InMemoryHistory()
    for case in build().sequences:
        for step in case.steps:
            expected, outcome = _judge(memory, step.data)
            if outcome.message is not None:  # type: ignore[attr-defined]
                memory.record(outcome.message, outcome.report)  # type: ignore[attr-defined]
            with store.session() as session:
                history = StoreHistory(session)
                found, stored = _judge(history, step.data)
                if stored.message is not None:  # type: ignore[attr-defined]
                    history.record(stored.message, stored.report)  # type: ignore[attr-defined]
            assert found == expected, f"{case.key}: {step.what}"


def test_refusal_log_round_trip_and_period_filter(store: Store) -> None:
    log = StoreRefusalLog(store.session)
    march = Refusal(
        "contract",
        "0505",
        "12345678",
        date(2026, 3, 5),
        "contract X",
        "extra",
        "NO-EXTRA-DATA",
        "why",
    )
    may = Refusal(
        "message", "0512", None, date(2026, 5, 1), "JW301 T-1", "ns", "NO-EXTRA-DATA", "why"
    )
    undated = Refusal("message", None, None, None, "x", "y", "R", "z")
    for refusal in (march, may, undated):
        log.record(refusal)
    everything = log.refusals()
    assert [r.subject for r in everything] == ["contract X", "JW301 T-1", "x"]
    assert all(r.recorded_at is not None for r in everything)
    april_on = log.refusals(start=date(2026, 4, 1))
    assert [r.subject for r in april_on] == ["JW301 T-1", "x"]
    assert "999900006" not in repr(everything)


@pytest.mark.parametrize("bad", ["postgres://u@127.0.0.1:1/x", "sqlite:////nonexistent/dir/x.db"])
def test_an_unreachable_database_is_store_unavailable(bad: str) -> None:
    from ijw_gateway.errors import StoreUnavailable

    store = Store.open(bad)
    with pytest.raises(StoreUnavailable):
        store.upgrade()
    store.dispose()


def test_a_database_at_0003_upgrades_and_takes_a_large_message_in(empty_url: str) -> None:
    """0004 (``intake_key``) comes after main's 0002 and 0003: a database migrated to 0003
    reaches it as ``serve`` prepares it, matches the tables, and a large message (judged
    against a snapshot on SQLite, which notes its keys) is taken in."""
    store = Store.open(empty_url)
    upgrade(store.engine, "0003")
    assert current(store.engine) == "0003"
    settings = Settings(database_url=empty_url, parties=PARTIES)
    prepare(settings, store)
    assert current(store.engine) == head()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    data = declaration(100, "U")
    assert len(data) > APART_BYTES
    (result,) = Gateway(settings, store).intake.submit(AGB, data, "upgraded")
    assert result.delivery == "queued"
    with store.engine.connect() as connection:
        noted = connection.execute(text("SELECT count(*) FROM intake_key")).scalar_one()
    assert (noted > 0) == (not store.postgres)  # PostgreSQL locks the keys instead
    store.dispose()
