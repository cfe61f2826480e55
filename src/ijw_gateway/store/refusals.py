"""The contracts' ``RefusalLog`` on the store: refusals under the no-extra-data rule.

A refusal names codes, a date, an element or contract term and the rule; never a person.
Each ``record`` is its own short transaction, because refusals are logged while a contract
file is loaded or a message is judged, and must survive whatever happens next.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from sqlmodel import Session, col, or_, select

from ijw_gateway.contracts.refusals import Refusal, within
from ijw_gateway.store.clock import Clock, utcnow
from ijw_gateway.store.tables_history import RefusalRow

SessionFactory = Callable[[], AbstractContextManager[Session]]


def _row(refusal: Refusal, now: Clock) -> RefusalRow:
    return RefusalRow(
        recorded_at=refusal.recorded_at or now(),
        source=refusal.source,
        municipality=refusal.municipality,
        provider=refusal.provider,
        on=refusal.on,
        subject=refusal.subject[:200],
        what=refusal.what,
        rule=refusal.rule[:64],
        why=refusal.why,
    )


def _refusal(row: RefusalRow) -> Refusal:
    return Refusal(
        source="contract" if row.source == "contract" else "message",
        municipality=row.municipality,
        provider=row.provider,
        on=row.on,
        subject=row.subject,
        what=row.what,
        rule=row.rule,
        why=row.why,
        recorded_at=row.recorded_at,
    )


class StoreRefusalLog:
    """A ``RefusalLog`` in the ``refusal`` table."""

    def __init__(self, session_factory: SessionFactory, clock: Clock = utcnow) -> None:
        self.sessions = session_factory
        self.clock = clock

    def record(self, refusal: Refusal) -> None:
        with self.sessions() as session:
            session.add(_row(refusal, self.clock))

    def refusals(self, start: date | None = None, end: date | None = None) -> list[Refusal]:
        query = select(RefusalRow).order_by(col(RefusalRow.id))
        if start is not None:
            query = query.where(or_(col(RefusalRow.on).is_(None), col(RefusalRow.on) >= start))
        if end is not None:
            query = query.where(or_(col(RefusalRow.on).is_(None), col(RefusalRow.on) <= end))
        with self.sessions() as session:
            found = [_refusal(row) for row in session.exec(query)]
        # Undated refusals fall back to the day they were recorded, as ``within`` says.
        return [r for r in found if within(r, start, end)]
