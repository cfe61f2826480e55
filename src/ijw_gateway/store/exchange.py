"""What the store keeps of exchanges: statuses an exchange reported for messages the
gateway sent over it (as events), and which of those messages still await a final one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ijw_gateway.store.outbox import IN_MAILBOX
from ijw_gateway.store.refs import REFS, with_refs
from ijw_gateway.store.tables import Event, Message, Outbox, Party, WireRef
from ijw_gateway.store.views import Listed
from ijw_gateway.wire import WireRefs

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


def message_of(session: Session, channel: str, trace_ref: str, ours: str | None) -> str | None:
    """The message an exchange's id names: one that came in with it, or one of ours."""
    found = session.exec(
        select(WireRef.message_id).where(WireRef.channel == channel, WireRef.trace_ref == trace_ref)
    ).first()
    if found is None and ours is not None and session.get(Message, ours) is not None:
        found = ours
    return found


def conversation_of(session: Session, conversation_ref: str, ours: str | None) -> str | None:
    """Our conversation an exchange's ``conversatieId`` names."""
    query = (
        select(Message.conversation_id)
        .join(WireRef, col(WireRef.message_id) == col(Message.id))
        .where(WireRef.conversation_ref == conversation_ref)
        .limit(1)
    )
    found = session.exec(query).first()
    if found is None and ours is not None:
        found = ours
    return found


def listed(
    session: Session, receiver: str, limit: int, where: Sequence[ColumnElement[bool]] = ()
) -> list[Listed]:
    """The receiver's mailbox as an exchange lists it: metadata and ids, no bytes."""
    query = with_refs(
        sa_select(Message, *REFS)
        .join(Outbox, col(Outbox.message_id) == col(Message.id))
        .where(col(Outbox.receiver) == receiver, col(Outbox.state).in_(IN_MAILBOX), *where)
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    return [
        Listed(m.id, m.type, m.from_party, m.to_party, m.received_at, m.size, m.sha256,
               m.conversation_id, m.answers_id, trace, conversation, answers)
        for m, trace, conversation, answers in session.execute(query)
    ]  # fmt: skip


def refs_of(session: Session, message_id: str) -> WireRefs:
    query = with_refs(sa_select(*REFS).select_from(Message).where(col(Message.id) == message_id))
    row = session.execute(query).first()
    return WireRefs(*row) if row is not None else WireRefs()


def stored(session: Session, channel: str, trace_refs: Sequence[str]) -> set[str]:
    query = select(WireRef.trace_ref).where(
        WireRef.channel == channel, col(WireRef.trace_ref).in_(list(trace_refs))
    )
    return set(session.exec(query))
