"""The gateway's tables. Times are aware UTC; ids of messages are random hex (not guessable).

Personal data lives only in ``message.raw`` (the bytes exactly as received) and in the
history tables the cross-message rules read; every other column holds codes, ids, times.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, text
from sqlmodel import Field, SQLModel


class Party(SQLModel, table=True):
    """A municipality (gemeentecode) or provider (AGB code) that may use the gateway."""

    __tablename__ = "party"
    code: str = Field(primary_key=True, max_length=8)
    kind: str = Field(max_length=16)  # "gemeente" | "aanbieder"
    name: str = Field(default="", max_length=200)
    endpoint: str | None = Field(default=None, max_length=2000)
    # When an operator removed it (``parties remove``): it keeps its row, so its revoked
    # keys keep their ids and a parties file that still names it does not bring it back.
    removed_at: datetime | None = None
    # The endpoint the parties file stated when it was last loaded: a later load changes
    # ``endpoint`` only when the file changed, so an operator's change survives restarts.
    file_endpoint: str | None = Field(default=None, max_length=2000)
    created_at: datetime
    # How messages reach it: push | mailbox | vecozo | stuf (``parties.CHANNELS``), and the
    # channel's settings as a JSON object of strings.
    channel: str = Field(default="mailbox", max_length=16)
    channel_settings: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The channel (None: the file named none) and settings the parties file stated when it
    # was last loaded: as with ``file_endpoint``, a channel set by hand survives restarts.
    file_channel: str | None = Field(default=None, max_length=16)
    file_channel_settings: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Who answers which message type it receives (``parties.ANSWER_MODES``), as a JSON
    # object; none: the gateway answers all. ``file_answers``: what the file last stated.
    answers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    file_answers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ApiKey(SQLModel, table=True):
    """An API key of a party; only a salted hash of its secret is kept."""

    __tablename__ = "api_key"
    key_id: str = Field(primary_key=True, max_length=64)
    party_code: str = Field(foreign_key="party.code", index=True, max_length=8)
    salt: str = Field(max_length=64)
    digest: str = Field(max_length=128)
    created_at: datetime
    revoked_at: datetime | None = None
    # When it was last verified: the slow check runs once per key cache period, so this
    # is exact to within that period (``gateway.KeyCache``).
    last_used_at: datetime | None = None


MESSAGE_PAGES = ("received_at", "id")
"""The order of ``GET /v1/messages`` (newest first); each filter's index ends with it."""


class Message(SQLModel, table=True):
    """One message as received (or composed by the gateway), with its verdict."""

    __tablename__ = "message"
    # One answer per original: a retour per heen message (IV028), a JW325 per JW323 (IV087).
    # By key: an answer to an original that was rejected (its identification is not used
    # up, so the ``identification`` table does not hold it) is found through the message.
    __table_args__ = (
        Index("ux_message_answers", "answers_id", unique=True),
        Index("ix_message_key", "afzender", "type", "identificatie"),
        # The pages of ``GET /v1/messages``: one index per filter that can lead a page.
        Index("ix_message_page", *MESSAGE_PAGES),
        Index("ix_message_type_page", "type", *MESSAGE_PAGES),
        Index("ix_message_poster_page", "poster", *MESSAGE_PAGES),
        Index("ix_message_from_page", "from_party", *MESSAGE_PAGES),
        Index("ix_message_to_page", "to_party", *MESSAGE_PAGES),
        Index("ix_message_identificatie", "identificatie"),
        Index("ix_message_trace", "trace_id"),
    )
    id: str = Field(primary_key=True, max_length=32)
    received_at: datetime
    origin: str = Field(max_length=16)  # "party" | "gateway"
    poster: str | None = Field(default=None, max_length=8)
    file: str = Field(default="", max_length=500)
    type: str | None = Field(default=None, max_length=8)
    afzender: str | None = Field(default=None, max_length=16)
    ontvanger: str | None = Field(default=None, max_length=16)
    identificatie: str | None = Field(default=None, max_length=40)
    from_party: str | None = Field(default=None, max_length=16)
    to_party: str | None = Field(default=None, max_length=16)
    answers_id: str | None = Field(default=None, max_length=32)
    conversation_id: str = Field(index=True, max_length=32)
    accepted: bool = False
    sha256: str = Field(max_length=64)
    size: int
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    verdict: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    trace_id: str = Field(default="", max_length=64)
    # The return message the gateway would have composed, when the receiver answers itself
    # (answer mode ``party``): handed over as advice with the message, never sent.
    advice: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class FindingRow(SQLModel, table=True):
    """One finding of a message's verdict, queryable (the verdict JSON holds them too)."""

    __tablename__ = "finding"
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(index=True, max_length=32)
    seq: int
    level: str = Field(max_length=16)
    rule: str | None = Field(default=None, max_length=16)
    retourcode: str | None = Field(default=None, max_length=8)
    path: str = Field(default="", sa_column=Column(Text, nullable=False))
    line: int = 0
    text: str = Field(default="", sa_column=Column(Text, nullable=False))


REPEATED_KINDS = ("forbidden", "duplicate_received")
"""Events anyone may cause on a message again and again (a refused read, a re-post):
one row per message, kind and party, counted, so they cannot grow a message's events."""
REPEATED_WHERE = text("kind IN ('forbidden', 'duplicate_received')")


class Event(SQLModel, table=True):
    """Something that happened to a message (or a refused request): never personal data."""

    __tablename__ = "event"
    __table_args__ = (
        Index(
            "ux_event_repeated",
            "message_id",
            "kind",
            "party",
            unique=True,
            postgresql_where=REPEATED_WHERE,
            sqlite_where=REPEATED_WHERE,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    message_id: str | None = Field(default=None, index=True, max_length=32)
    at: datetime  # the first time
    kind: str = Field(max_length=32)
    party: str | None = Field(default=None, max_length=16)
    detail: str = Field(default="", max_length=500)
    trace_id: str = Field(default="", max_length=64)  # of the first time
    count: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    last_at: datetime | None = None  # the last time, when it happened more than once


class Outbox(SQLModel, table=True):
    """Delivery of one accepted message to its receiver: push via the worker, or pull."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_receiver_state", "receiver", "state", "id"),
        Index("ix_outbox_state", "state", "id"),  # dead letters and what waits, a page
    )
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, max_length=32)
    receiver: str = Field(max_length=16)
    state: str = Field(max_length=16)  # queued | delivered | dead | acked | discarded
    attempts: int = 0
    created_at: datetime
    next_attempt_at: datetime
    deadline_at: datetime
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = None
    acked_at: datetime | None = None


class Receipt(SQLModel, table=True):
    """Idempotency: the same bytes from the same party are the same submission."""

    __tablename__ = "receipt"
    poster: str = Field(primary_key=True, max_length=16)
    sha256: str = Field(primary_key=True, max_length=64)
    message_id: str = Field(max_length=32)


class Identification(SQLModel, table=True):
    """Used ``BerichtIdentificatie`` per (Afzender, message type): TR056 and linking.

    Only messages that carry their own identification (heen messages and JW325) are kept
    here; a return message copies the identification of the message it answers.
    """

    __tablename__ = "identification"
    afzender: str = Field(primary_key=True, max_length=16)
    type: str = Field(primary_key=True, max_length=8)
    identificatie: str = Field(primary_key=True, max_length=40)
    message_id: str = Field(max_length=32)


class IntakeKey(SQLModel, table=True):
    """SQLite's stand-in for PostgreSQL's advisory locks (``store.unit``): per lock key of
    the intake (``routing._locks``), the sequence number of the last intake that used it.

    On SQLite a message is judged outside the write lock, against a snapshot; its
    judgement is kept only when no intake committed since with one of its keys."""

    __tablename__ = "intake_key"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the row: one B-tree to write
    key: str = Field(primary_key=True, max_length=200)
    seq: int


class ConversationRef(SQLModel, table=True):
    """A reference in a message body that links conversations (ReferentieAanbieder)."""

    __tablename__ = "conversation_ref"
    ref: str = Field(primary_key=True, max_length=120)
    message_id: str = Field(primary_key=True, max_length=32)


class WireRef(SQLModel, table=True):
    """The ids an exchange (VECOZO, StUF-GGk) gave a message that came in through it.

    A message that came in over a wire keeps the sender's ids: its answers must quote them
    (``alsAntwoordOp``, ``conversatieId``), and a message fetched twice (a crash between
    storing it and acknowledging it) is recognised by them. Messages the gateway sends out
    need no row: their wire ids are our own ids written as UUIDs.
    """

    __tablename__ = "wire_ref"
    __table_args__ = (Index("ux_wire_ref_trace", "channel", "trace_ref", unique=True),)
    message_id: str = Field(primary_key=True, max_length=32)
    channel: str = Field(max_length=16)
    trace_ref: str = Field(max_length=64)  # traceerId, referentienummer
    conversation_ref: str | None = Field(default=None, max_length=64)  # conversatieId
    answers_ref: str | None = Field(default=None, max_length=64)  # alsAntwoordOp, crossRef
    created_at: datetime
