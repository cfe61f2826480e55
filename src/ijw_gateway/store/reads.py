"""Read queries for the API: a message, its raw bytes, its events, its conversation."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ijw_gateway.store.tables import Event, Message, Outbox
from ijw_gateway.store.views import EventView, MessageView


def view(row: Message) -> MessageView:
    return MessageView(
        id=row.id,
        received_at=row.received_at,
        origin=row.origin,
        poster=row.poster,
        type=row.type,
        from_party=row.from_party,
        to_party=row.to_party,
        answers_id=row.answers_id,
        conversation_id=row.conversation_id,
        accepted=row.accepted,
        sha256=row.sha256,
        size=row.size,
        verdict=row.verdict,
        trace_id=row.trace_id,
        kept=len(row.raw),
    )


def message(session: Session, message_id: str) -> MessageView | None:
    row = session.get(Message, message_id)
    return view(row) if row else None


def raw(session: Session, message_id: str) -> bytes | None:
    query = select(Message.raw).where(Message.id == message_id)
    return session.exec(query).first()


def advice(session: Session, message_id: str) -> bytes | None:
    """The answer the gateway would have composed for a message its receiver answers."""
    query = select(Message.advice).where(Message.id == message_id)
    return session.exec(query).first()


def answer(session: Session, message_id: str) -> MessageView | None:
    row = session.exec(select(Message).where(Message.answers_id == message_id)).first()
    return view(row) if row else None


def delivery_state(session: Session, message_id: str) -> str | None:
    return session.exec(select(Outbox.state).where(Outbox.message_id == message_id)).first()


def events(
    session: Session, message_id: str, after: int | None = None, limit: int | None = None
) -> list[EventView]:
    """A message's events in the order recorded: those after the event ``after``, at
    most ``limit`` of them."""
    query = select(Event).where(Event.message_id == message_id)
    if after is not None:
        query = query.where(col(Event.id) > after)
    query = query.order_by(col(Event.id)).limit(limit)
    return [
        EventView(e.at, e.kind, e.party, e.detail, e.trace_id, e.id or 0, e.count, e.last_at)
        for e in session.exec(query)
    ]


def conversation(session: Session, conversation_id: str, limit: int) -> list[MessageView]:
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.received_at), col(Message.id))
        .limit(limit)
    )
    return [view(row) for row in session.exec(query)]
