"""The operators' queries: pages of messages, dead letters and what waits in the outbox,
and the actions on dead letters (redeliver, discard).

Every page is read through an index in its own order, so a page costs the same however
large the store grows (``bench/bench_operations.py``): messages newest first by
(``received_at``, ``id``), led by the index of the filter that selects them; outbox rows
by ``id`` within their state (``ix_outbox_state``, ``ix_outbox_receiver_state``). A
filter that no index leads (a state, a period) narrows the rows the leading index gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ijw_gateway.errors import Conflict, NotFound, Unprocessable
from ijw_gateway.store import Store, directory
from ijw_gateway.store.outbox import (
    ACKED,
    DEAD,
    DELIVERED,
    DISCARDED,
    IN_MAILBOX,
    QUEUED,
    ROW_MAX,
    add_event,
)

__all__ = [
    "DEAD",
    "STATES",
    "WAITING",
    "DeadFilter",
    "Listed",
    "MessageFilter",
    "Operations",
    "Waiting",
]
from ijw_gateway.store.tables import Message, Outbox
from ijw_gateway.store.views import MessageView, PartyView

WAITING = IN_MAILBOX
"""What waits in the outbox: queued for delivery (or a pull), or dead-lettered."""
STATES = ("accepted", "rejected", QUEUED, DELIVERED, DEAD, ACKED, DISCARDED)
"""A message's state in a listing: rejected, or accepted and then its delivery's state
(``accepted`` alone: accepted, whatever became of its delivery)."""
BATCH_MAX = 500
"""Dead letters one redelivery or discard of a filtered batch takes at most."""


@dataclass(frozen=True)
class MessageFilter:
    """What ``GET /v1/messages`` selects; ``party`` is a sender or a receiver."""

    type: str | None = None
    party: str | None = None
    state: str | None = None
    since: datetime | None = None  # received at or after
    until: datetime | None = None  # received before
    identification: str | None = None
    trace_id: str | None = None


@dataclass(frozen=True)
class Listed:
    """A message in a listing, with the state of its delivery (None: none queued)."""

    message: MessageView
    delivery: str | None
    outbox_id: int | None = None  # the place in a page by delivery state (``by_delivery``)

    @property
    def state(self) -> str:
        if not self.message.accepted:
            return "rejected"
        return self.delivery or "accepted"


@dataclass(frozen=True)
class Waiting:
    """An outbox row that waits (queued or dead), with what its message is."""

    outbox_id: int
    message_id: str
    receiver: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    deadline_at: datetime
    last_error: str | None
    type: str | None
    from_party: str | None
    received_at: datetime


@dataclass(frozen=True)
class DeadFilter:
    """Which waiting rows a listing or a batch action takes."""

    receiver: str | None = None
    type: str | None = None
    sender: str | None = None
    since: datetime | None = None
    until: datetime | None = None


_NAMES = (
    "id",
    "received_at",
    "origin",
    "poster",
    "type",
    "from_party",
    "to_party",
    "answers_id",
    "conversation_id",
    "accepted",
    "sha256",
    "size",
    "trace_id",
)
"""The columns of a listed message: not its bytes (only their length) nor its verdict
(``GET /v1/messages/{id}?format=meta`` has it), which can be large."""


def _view(row: Sequence[object]) -> Listed:
    values = dict(zip(_NAMES, row[: len(_NAMES)], strict=True))
    kept, delivery, outbox_id = row[len(_NAMES) :]
    view = MessageView(**values, verdict=None, kept=int(str(kept)))  # type: ignore[arg-type]
    place = None if outbox_id is None else int(str(outbox_id))
    return Listed(view, None if delivery is None else str(delivery), place)


def _conditions(where: MessageFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.type is not None:
        found.append(col(Message.type) == where.type)
    if where.identification is not None:
        found.append(col(Message.identificatie) == where.identification)
    if where.trace_id is not None:
        found.append(col(Message.trace_id) == where.trace_id)
    if where.since is not None:
        found.append(col(Message.received_at) >= where.since)
    if where.until is not None:
        found.append(col(Message.received_at) < where.until)
    if where.state == "accepted" or where.state == "rejected":
        found.append(col(Message.accepted).is_(where.state == "accepted"))
    elif where.state is not None:
        found.extend([col(Message.accepted).is_(True), col(Outbox.state) == where.state])
    return found


Place = tuple[datetime, str] | int
"""Where a page of messages ended: (received at, id) of its last message, or, in a page
by delivery state, the last one's outbox row."""
DELIVERY_STATES = (QUEUED, DELIVERED, DEAD, ACKED, DISCARDED)


def by_delivery(where: MessageFilter) -> bool:
    """Whether a page is read in the order of the deliveries (the outbox's ``(state, id)``
    index): a delivery state is the outbox's, so no index of the messages leads it."""
    return where.state in DELIVERY_STATES


def _before(where: MessageFilter, cursor: Place | None) -> list[ColumnElement[bool]]:
    """Rows after ``cursor`` in the page order (newest first). By time of receipt, the
    first condition lets an index range serve the page; the second breaks ties of the same
    moment by id."""
    if cursor is None:
        return []
    if isinstance(cursor, int) != by_delivery(where):
        raise Unprocessable("`after` is the cursor of a page with other filters.", "bad_cursor")
    if isinstance(cursor, int):
        return [col(Outbox.id) < cursor] if cursor <= ROW_MAX else []
    at, last = cursor
    received = col(Message.received_at)
    return [received <= at, or_(received < at, col(Message.id) < last)]


def messages(
    session: Session,
    where: MessageFilter,
    cursor: Place | None,
    limit: int,
    sides: Sequence[ColumnElement[bool]] = (),
) -> list[Listed]:
    """At most ``limit`` messages after ``cursor``, newest first (``by_delivery``: in the
    order they were queued). ``sides``: conditions of which one must hold (a party as
    poster, sender or receiver), each read as a page of its own and merged, so that each
    side's own index serves its page."""
    found: dict[str, Listed] = {}
    for side in sides or [and_(True)]:
        for row in session.execute(page_query(where, cursor, limit, side)):
            listed = _view(tuple(row))
            found[listed.message.id] = listed
    return sorted(found.values(), key=partial(_place, by_delivery(where)), reverse=True)[:limit]


def page_query(
    where: MessageFilter, cursor: Place | None, limit: int, side: ColumnElement[bool]
) -> Select[Any]:
    """One side's page: what ``messages`` reads (and the tests explain: an index leads it)."""
    columns = [col(getattr(Message, n)) for n in _NAMES]
    order = (
        [col(Outbox.id).desc()]
        if by_delivery(where)
        else [col(Message.received_at).desc(), col(Message.id).desc()]
    )
    return (
        sa_select(*columns, func.length(col(Message.raw)), col(Outbox.state), col(Outbox.id))
        .join(Outbox, col(Outbox.message_id) == col(Message.id), isouter=not by_delivery(where))
        .where(*_conditions(where), *_before(where, cursor), side)
        .order_by(*order)
        .limit(limit)
    )


def _place(delivery: bool, listed: Listed) -> tuple[datetime | int, str]:
    if delivery:
        return listed.outbox_id or 0, ""
    return listed.message.received_at, listed.message.id


def party_sides(party: str) -> list[ColumnElement[bool]]:
    """A party's messages: those it posted, those sent in its name (the gateway's return
    messages), those addressed to it."""
    return [
        col(Message.poster) == party,
        col(Message.from_party) == party,
        col(Message.to_party) == party,
    ]


def _waiting_query(
    where: DeadFilter, states: Sequence[str]
) -> Select[Outbox, str | None, str | None, datetime]:
    columns = (col(Message.type), col(Message.from_party), col(Message.received_at))
    query = sa_select(Outbox, *columns).join(Message, col(Message.id) == col(Outbox.message_id))
    conditions: list[ColumnElement[bool]] = [col(Outbox.state).in_(list(states))]
    if where.receiver is not None:
        conditions.append(col(Outbox.receiver) == where.receiver)
    if where.type is not None:
        conditions.append(col(Message.type) == where.type)
    if where.sender is not None:
        conditions.append(col(Message.from_party) == where.sender)
    if where.since is not None:
        conditions.append(col(Message.received_at) >= where.since)
    if where.until is not None:
        conditions.append(col(Message.received_at) < where.until)
    return query.where(*conditions)


def waiting(
    session: Session, where: DeadFilter, states: Sequence[str], after: int | None, limit: int
) -> list[Waiting]:
    """Outbox rows in ``states`` after the row ``after``, oldest first."""
    if after is not None and after >= ROW_MAX:
        return []
    query = _waiting_query(where, states)
    if after is not None:
        query = query.where(col(Outbox.id) > after)
    query = query.order_by(col(Outbox.id)).limit(limit)
    return [_waiting(*row) for row in session.execute(query)]


def _waiting(o: Outbox, type_: str | None, sender: str | None, at: datetime) -> Waiting:
    return Waiting(
        o.id or 0,
        o.message_id,
        o.receiver,
        o.state,
        o.attempts,
        o.created_at,
        o.next_attempt_at,
        o.deadline_at,
        o.last_error,
        type_,
        sender,
        at,
    )


def waiting_counts(session: Session, receiver: str | None) -> list[tuple[str, str, int]]:
    """(receiver, state, rows) of what waits: read from the waiting rows only."""
    query = sa_select(col(Outbox.receiver), col(Outbox.state), func.count()).where(
        col(Outbox.state).in_(list(WAITING))
    )
    if receiver is not None:
        query = query.where(col(Outbox.receiver) == receiver)
    query = query.group_by(col(Outbox.receiver), col(Outbox.state))
    rows = session.execute(query.order_by(col(Outbox.receiver), col(Outbox.state)))
    return [(str(r), str(s), int(n)) for r, s, n in rows]


def undelivered(session: Session, receiver: str) -> int:
    """How many messages for ``receiver`` are not delivered (queued or dead-lettered)."""
    query = sa_select(func.count()).where(
        col(Outbox.receiver) == receiver, col(Outbox.state).in_(list(WAITING))
    )
    return int(session.execute(query).scalar_one())


def dead_ids(
    session: Session, ids: Sequence[str] | None, where: DeadFilter, limit: int
) -> list[str]:
    """The dead letters an action takes: those of ``ids`` that are dead, or the first
    ``limit`` that ``where`` selects."""
    query = _waiting_query(where, [DEAD])
    if ids is not None:
        query = query.where(col(Outbox.message_id).in_(list(ids)))
    rows = session.execute(query.order_by(col(Outbox.id)).limit(limit))
    return [row[0].message_id for row in rows]


def redeliver(session: Session, ids: Sequence[str], who: str, trace: str, now: datetime) -> int:
    """Queue dead letters again, due now, with a fresh delivery window as long as their
    first; an event on each. Rows no longer dead (a concurrent action) are left alone."""

    def requeue(row: Outbox) -> None:
        row.deadline_at = now + (row.deadline_at - row.created_at)
        row.state, row.attempts, row.next_attempt_at = QUEUED, 0, now

    return _act(session, ids, requeue, ("requeued", f"by {who}"), trace, now)


def discard(
    session: Session, ids: Sequence[str], who: str, reason: str, trace: str, now: datetime
) -> int:
    """Take dead letters out of the mailbox for good, saying who and why on each."""

    def drop(row: Outbox) -> None:
        row.state = DISCARDED

    return _act(session, ids, drop, ("discarded", f"by {who}: {reason}"), trace, now)


def _act(
    session: Session,
    ids: Sequence[str],
    change: Callable[[Outbox], None],
    event: tuple[str, str],
    trace: str,
    now: datetime,
) -> int:
    """``change`` each of ``ids`` that is still dead (locked while it changes), with
    ``event`` (kind, detail) on its message; how many changed."""
    query = select(Outbox).where(col(Outbox.message_id).in_(list(ids)), Outbox.state == DEAD)
    done = 0
    for row in session.exec(query.order_by(col(Outbox.id)).with_for_update()):
        change(row)
        row.lease_owner, row.lease_until = None, None
        session.add(row)
        add_event(session, row.message_id, event[0], row.receiver, event[1], trace, now)
        done += 1
    return done


class Operations:
    """The operators' actions and pages on a store, each in a transaction of its own."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def messages(
        self,
        where: MessageFilter,
        cursor: Place | None,
        limit: int,
        viewer: str | None = None,
    ) -> list[Listed]:
        """A page of messages; ``viewer``: the party that asks (only its own messages, and
        of those only the ones with ``where.party`` on the other side), None for an
        operator."""
        own = viewer or where.party
        sides = party_sides(own) if own else []
        if viewer is not None and where.party not in (None, viewer):
            other = where.party
            narrowed = or_(col(Message.from_party) == other, col(Message.to_party) == other)
            sides = [and_(side, narrowed) for side in sides]
        with self.store.session() as session:
            return messages(session, where, cursor, limit, sides)

    def waiting(
        self, where: DeadFilter, states: Sequence[str], after: int | None, limit: int
    ) -> list[Waiting]:
        with self.store.session() as session:
            return waiting(session, where, states, after, limit)

    def counts(self, receiver: str | None) -> list[tuple[str, str, int]]:
        with self.store.session() as session:
            return waiting_counts(session, receiver)

    def redeliver(
        self, ids: Sequence[str] | None, where: DeadFilter, who: str, trace: str
    ) -> tuple[int, bool]:
        """Redeliver dead letters (``ids``, or a batch that ``where`` selects): how many,
        and whether more dead letters match ``where``."""
        with self.store.session() as session:
            taken = dead_ids(session, ids, where, BATCH_MAX + 1)
            done = redeliver(session, taken[:BATCH_MAX], who, trace, self.store.clock())
        return done, len(taken) > BATCH_MAX

    def discard(
        self, ids: Sequence[str] | None, where: DeadFilter, who: str, reason: str, trace: str
    ) -> tuple[int, bool]:
        with self.store.session() as session:
            taken = dead_ids(session, ids, where, BATCH_MAX + 1)
            now = self.store.clock()
            done = discard(session, taken[:BATCH_MAX], who, reason, trace, now)
        return done, len(taken) > BATCH_MAX

    def parties(self) -> tuple[list[PartyView], list[directory.KeyState]]:
        """The parties (not removed) and every party key, active and revoked."""
        with self.store.session() as session:
            return directory.parties(session), directory.keys(session)

    def remove_party(self, code: str) -> None:
        """Remove a party: refused while messages for it are not delivered; its keys are
        revoked, its row stays (``Party.removed_at``)."""
        with self.store.session() as session:
            left = undelivered(session, code)
            if left:
                raise Conflict(
                    f"party {code} has {left} undelivered message(s) (queued or "
                    "dead-lettered); deliver, redeliver or discard them first",
                    "party_has_undelivered",
                )
            if not directory.remove(session, code, self.store.clock()):
                raise NotFound(f"no party {code}")
