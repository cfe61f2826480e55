"""What the store keeps of exchanges: statuses an exchange reported for messages the
gateway sent over it (as events), and which of those messages still await a final one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from ijw_gateway.store.tables import Event, Outbox, Party

Reported = tuple[str, str, datetime]
"""(event kind, detail, when the exchange says it happened)."""


def record(session: Session, message_id: str, party: str, reported: Iterable[Reported]) -> int:
    """Add the reported statuses not recorded before (the same kind and detail); how many."""
    seen = {
        (e.kind, e.detail)
        for e in session.exec(select(Event).where(Event.message_id == message_id))
    }
    added = 0
    for kind, detail, at in reported:
        if (kind, detail[:500]) in seen:
            continue
        seen.add((kind, detail[:500]))
        session.add(
            Event(message_id=message_id, at=at, kind=kind, party=party, detail=detail[:500])
        )
        added += 1
    return added


def awaiting(
    session: Session, channel: str, final: Sequence[str], since: datetime, limit: int
) -> list[str]:
    """Messages delivered over ``channel`` since ``since`` whose exchange has not reported
    a final status yet, oldest first."""
    finished = select(Event.message_id).where(col(Event.kind).in_(list(final)))
    query = (
        select(Outbox.message_id)
        .join(Party, col(Party.code) == col(Outbox.receiver))
        .where(
            col(Outbox.state) == "delivered",
            col(Party.channel) == channel,
            col(Outbox.delivered_at) >= since,
            col(Outbox.message_id).not_in(finished),
        )
        .order_by(col(Outbox.delivered_at))
        .limit(limit)
    )
    return list(session.exec(query))
