"""What the store hands out: plain frozen values, never live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PartyView:
    code: str
    kind: str
    name: str
    endpoint: str | None
    key_ids: tuple[str, ...] = ()
    channel: str = "mailbox"
    channel_settings: tuple[tuple[str, str], ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (message type, answer mode): party answers


@dataclass(frozen=True)
class MessageView:
    id: str
    received_at: datetime
    origin: str
    poster: str | None
    type: str | None
    from_party: str | None
    to_party: str | None
    answers_id: str | None
    conversation_id: str
    accepted: bool
    sha256: str
    size: int  # of the bytes as received
    verdict: str | None
    trace_id: str
    kept: int  # bytes of them kept: all, or a prefix of a large rejected message


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    party: str | None
    detail: str
    trace_id: str
    id: int = 0  # the order it was recorded in; the cursor of a page
    count: int = 1  # how often it happened (refused reads and re-posts are counted)
    last_at: datetime | None = None  # the last time, when more than once


@dataclass(frozen=True)
class MailboxItem:
    message_id: str
    type: str | None
    from_party: str | None
    received_at: datetime
    state: str
    attempts: int
    raw: bytes
    verdict: str | None = None  # the gateway's verdict (JSON), when the receiver answers
    advice: bytes | None = None  # the answer the gateway would have composed, as advice
    cursor: int = 0  # its place in the mailbox (the outbox row), for the next page


@dataclass(frozen=True)
class Claimed:
    """An outbox row a worker holds a lease on, with what it needs to deliver it."""

    outbox_id: int
    message_id: str
    receiver: str
    endpoint: str
    attempts: int
    deadline_at: datetime
    type: str | None
    from_party: str | None
    trace_id: str
    raw: bytes
    channel: str = "push"
    channel_settings: tuple[tuple[str, str], ...] = ()
    conversation_id: str | None = None
    answers_id: str | None = None
    trace_ref: str | None = None  # the exchange's ids, when the message came in over one
    conversation_ref: str | None = None
    answers_ref: str | None = None
    verdict: str | None = None  # with ``advice``: the receiver answers (answer mode party)
    advice: bytes | None = None


@dataclass(frozen=True)
class Listed:
    """A mailbox message as an exchange lists it (the local VECOZO's pull)."""

    message_id: str
    type: str | None
    from_party: str | None
    to_party: str | None
    received_at: datetime
    size: int
    sha256: str
    conversation_id: str
    answers_id: str | None
    trace_ref: str | None
    conversation_ref: str | None
    answers_ref: str | None
