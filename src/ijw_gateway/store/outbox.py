"""The outbox: workers claim due deliveries with a lease; receivers pull and acknowledge.

A claim is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``: on PostgreSQL
concurrent workers skip each other's rows, on SQLite the single writer makes the same
statement atomic. The lease (``lease_until``) is what keeps a claimed row away from other
workers after the claim commits; a worker killed mid-delivery loses its lease when it
expires and the row is delivered again (at least once). A row that is ``acked`` or
``delivered`` is never claimed again, nor is one an operator ``discarded``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ijw_gateway.parties import CHANNELS
from ijw_gateway.store.directory import settings_of
from ijw_gateway.store.refs import REFS, with_refs
from ijw_gateway.store.tables import Event, Message, Outbox, Party
from ijw_gateway.store.views import Claimed, MailboxItem

QUEUED, DELIVERED, DEAD, ACKED = "queued", "delivered", "dead", "acked"
DISCARDED = "discarded"  # a dead letter an operator discarded (``store.operations``)
ROW_MAX = 2**31 - 1
"""The largest outbox row id (a 32-bit INTEGER on PostgreSQL): a page cursor beyond it
has no rows after it, and is never sent to the database, which refuses it."""
IN_MAILBOX = (QUEUED, DEAD)
SENDING = tuple(c for c in CHANNELS if c != "mailbox")
"""Channels whose messages a worker claims; the mailbox's wait for their receiver."""


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now)


def claim(
    session: Session,
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    postgres: bool,
    channels: Sequence[str] = SENDING,
) -> list[Claimed]:
    """Take a lease on up to ``limit`` due rows whose receiver's channel is one of
    ``channels`` (decided at claim time: a party that changes channel takes its queue along)."""
    due = (
        select(Outbox.id)
        .join(Party, col(Party.code) == col(Outbox.receiver))
        .where(
            Outbox.state == QUEUED,
            col(Party.channel).in_([c for c in channels if c != "mailbox"]),
            col(Outbox.next_attempt_at) <= now,
            _free(now),
        )
        .order_by(col(Outbox.next_attempt_at), col(Outbox.id))
        .limit(limit)
    )
    if postgres:
        due = due.with_for_update(skip_locked=True, of=Outbox)
    statement = (
        update(Outbox)
        .where(col(Outbox.id).in_(due.scalar_subquery()), _free(now))
        .values(lease_owner=owner, lease_until=now + lease)
    )
    session.execute(statement, execution_options={"synchronize_session": False})
    return _claimed(session, owner, now)


def _claimed(session: Session, owner: str, now: datetime) -> list[Claimed]:
    """The rows this owner holds, with what their channel needs: the route, and the ids an
    exchange gave the message (``refs.REFS``), so a channel quotes them without
    reading the store."""
    query = with_refs(
        sa_select(Outbox, Message, Party, *REFS)
        .join(Message, col(Message.id) == col(Outbox.message_id))
        .join(Party, col(Party.code) == col(Outbox.receiver))
        .where(
            col(Outbox.lease_owner) == owner,
            col(Outbox.lease_until) > now,
            col(Outbox.state) == QUEUED,
        )
        .order_by(col(Outbox.id))
    )
    return [_item(*row) for row in session.execute(query)]


def _item(
    o: Outbox,
    m: Message,
    p: Party,
    trace_ref: str | None,
    conversation_ref: str | None,
    answers_ref: str | None,
) -> Claimed:
    return Claimed(
        outbox_id=o.id or 0,
        message_id=o.message_id,
        receiver=o.receiver,
        endpoint=p.endpoint or "",
        attempts=o.attempts,
        deadline_at=o.deadline_at,
        type=m.type,
        from_party=m.from_party,
        trace_id=m.trace_id,
        raw=m.raw,
        channel=p.channel,
        channel_settings=settings_of(p.channel_settings),
        conversation_id=m.conversation_id,
        answers_id=m.answers_id,
        trace_ref=trace_ref,
        conversation_ref=conversation_ref,
        answers_ref=answers_ref,
        verdict=m.verdict if m.advice is not None else None,
        advice=m.advice,
    )


def _settle(session: Session, outbox_id: int, owner: str, **values: object) -> bool:
    statement = (
        update(Outbox)
        .where(
            and_(
                col(Outbox.id) == outbox_id,
                col(Outbox.lease_owner) == owner,
                col(Outbox.state) == QUEUED,
            )
        )
        .values(lease_owner=None, lease_until=None, **values)
    )
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return bool(getattr(result, "rowcount", 0))


def delivered(session: Session, item: Claimed, owner: str, now: datetime) -> bool:
    return _settle(
        session,
        item.outbox_id,
        owner,
        state=DELIVERED,
        delivered_at=now,
        attempts=item.attempts + 1,
        last_error=None,
    )


def retry_later(session: Session, item: Claimed, owner: str, error: str, at: datetime) -> bool:
    return _settle(
        session,
        item.outbox_id,
        owner,
        attempts=item.attempts + 1,
        last_error=error[:500],
        next_attempt_at=at,
    )


def release(session: Session, item: Claimed, owner: str) -> bool:
    """Give a claimed row back untouched (its channel left it in the mailbox)."""
    return _settle(session, item.outbox_id, owner)


def dead_letter(session: Session, item: Claimed, owner: str, error: str) -> bool:
    return _settle(
        session,
        item.outbox_id,
        owner,
        state=DEAD,
        attempts=item.attempts + 1,
        last_error=error[:500],
    )


def mailbox(
    session: Session, receiver: str, limit: int, after: int | None = None
) -> list[MailboxItem]:
    """The receiver's waiting messages after the outbox row ``after``, oldest first."""
    if after is not None and after >= ROW_MAX:
        return []
    query = (
        select(Outbox, Message)
        .join(Message, col(Message.id) == col(Outbox.message_id))
        .where(Outbox.receiver == receiver, col(Outbox.state).in_(IN_MAILBOX))
    )
    if after is not None:
        query = query.where(col(Outbox.id) > after)
    return [
        MailboxItem(
            m.id,
            m.type,
            m.from_party,
            m.received_at,
            o.state,
            o.attempts,
            m.raw,
            m.verdict if m.advice is not None else None,
            m.advice,
            o.id or 0,
        )
        for o, m in session.exec(query.order_by(col(Outbox.id)).limit(limit))
    ]


def outbox_row(session: Session, message_id: str) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.message_id == message_id)).first()


def acknowledge(session: Session, row: Outbox, now: datetime) -> bool:
    """Mark a mailbox item acknowledged; False when it already was."""
    if row.state == ACKED:
        return False
    row.state, row.acked_at, row.lease_owner, row.lease_until = ACKED, now, None, None
    session.add(row)
    return True


def add_event(
    session: Session,
    message_id: str,
    kind: str,
    party: str | None,
    detail: str,
    trace: str,
    now: datetime,
) -> None:
    session.add(
        Event(
            message_id=message_id,
            at=now,
            kind=kind,
            party=party,
            detail=detail[:500],
            trace_id=trace,
        )
    )


def counts(session: Session) -> dict[str, int]:
    """Outbox rows per state (for the metrics)."""
    query = select(Outbox.state, func.count()).group_by(col(Outbox.state))
    return {state: int(n) for state, n in session.exec(query)}


def oldest_waiting(session: Session) -> datetime | None:
    """When the oldest row still waiting for delivery was queued."""
    query = select(func.min(Outbox.created_at)).where(Outbox.state == QUEUED)
    return session.exec(query).first()
