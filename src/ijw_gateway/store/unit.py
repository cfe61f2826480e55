"""One intake transaction: look up what the decision needs, then write it all at once.

Storing a message, its findings, its events, the identification it uses up and its
outbox row happen in one transaction (STYLE.md "One intake transaction"), so a crash
leaves either all of it or none of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Integer, Table, bindparam, column, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, SQLModel, col, select

from ijw_gateway.errors import Conflict, IjwGatewayError
from ijw_gateway.findings import Finding
from ijw_gateway.parties import answer_mode
from ijw_gateway.routing import Key
from ijw_gateway.store import reads
from ijw_gateway.store.clock import Clock
from ijw_gateway.store.direct import Direct, Statement
from ijw_gateway.store.held import HELD
from ijw_gateway.store.tables import (
    REPEATED_KINDS,
    REPEATED_WHERE,
    ConversationRef,
    Event,
    FindingRow,
    Identification,
    IntakeKey,
    Message,
    Outbox,
    Party,
    Receipt,
    WireRef,
)
from ijw_gateway.store.views import MessageView
from ijw_gateway.wire import Arrival


class Stale(Conflict):
    """SQLite: an intake committed since a message was judged, with one of its lock keys;
    the judgement may not hold and is made again."""

    code = "stale"


@dataclass(frozen=True)
class Stored:
    """A stored message with its answer and delivery state (to replay a verdict)."""

    message: MessageView
    answer: MessageView | None
    answer_raw: bytes | None
    delivery: str | None


@dataclass(frozen=True)
class Seen:
    """What the store already holds when an intake begins (``Unit.open``)."""

    receipt: str | None  # the message stored for the same poster and bytes
    owner: str | None  # the message that used the same identification
    held: str | None = None  # a message under it that waits for its receiver (``store.held``)
    wire: str | None = None  # the message stored under the same exchange id (``open``)


@dataclass(frozen=True)
class NewMessage:
    """Everything the gateway decided about one message, ready to be written."""

    id: str
    origin: str
    poster: str | None
    file: str
    type: str | None
    afzender: str | None
    ontvanger: str | None
    identificatie: str | None
    from_party: str | None
    to_party: str | None
    answers_id: str | None
    conversation_id: str
    accepted: bool
    sha256: str
    raw: bytes
    verdict: str | None
    trace_id: str
    findings: tuple[Finding, ...] = ()
    size: int | None = None  # of the bytes as received, when ``raw`` keeps only a prefix
    advice: bytes | None = None  # the answer the gateway would compose (answer mode party)

    @property
    def received_size(self) -> int:
        return len(self.raw) if self.size is None else self.size


class Unit:
    """The lookups and writes of one intake transaction (see ``Store.unit``).

    Writes are collected and sent at the end (``flush``): one statement for all of them on
    PostgreSQL, one bulk insert per table on SQLite. An intake writes a dozen rows, and
    round trips, not rows, are what cost. Lookups and writes run on the driver's cursor
    (``store.direct``); ``session`` serves the rare rest (replaying a verdict, recording a
    refusal) in the same transaction.
    """

    def __init__(self, connection: Connection, clock: Clock, postgres: bool) -> None:
        self.connection = connection
        self.sql = Direct(connection)
        self.clock = clock
        self.postgres = postgres
        self._pending: dict[type[SQLModel], list[dict[str, Any]]] = {t: [] for t in _ORDER}
        self._session: Session | None = None
        self.identifications: dict[Key, str | None] = {}
        """Identifications asked about in this transaction (``open``), and their owner."""
        self.numbers: dict[tuple[str, int], bool] = {}
        """Allocation numbers the cross-message rules asked about (TR332), and whether one
        was stored (``store.history``): monitoring need not ask again (``store.monitoring``)."""
        self.modes: dict[str, str | None] = {}
        """Answer modes (JSON) of the receivers ``open`` read them for."""

    @property
    def session(self) -> Session:
        """An ORM session inside the unit's transaction, opened on first use. Its writes
        go out with ``flush``; it never commits or rolls back the transaction itself."""
        if self._session is None:
            self._session = Session(
                bind=self.connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def lock(self, keys: Iterable[str]) -> None:
        """Serialise intake on these keys (PostgreSQL; SQLite already has one writer).

        Taken in one statement, in hash order, so two transactions never wait on each
        other crosswise."""
        keys = sorted(set(keys))
        if self.postgres and keys:
            self.sql.execute(_LOCK, keys=keys)

    def flush(self) -> None:
        self.sql.insert_all([(table_of(t), rows) for t, rows in self._pending.items()])
        for rows in self._pending.values():
            rows.clear()
        if self._session is not None:
            self._session.flush()

    def add_rows(self, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        """Rows for any table (the history's), written at ``flush`` with the unit's own."""
        self._pending.setdefault(table, []).extend(rows)

    def open(
        self,
        keys: Iterable[str],
        poster: str,
        sha256: str,
        own: Key | None,
        receiver: str | None = None,
        wire: Arrival | None = None,
    ) -> Seen:
        """Lock ``keys`` (as ``lock``) and ask what the store already holds of these bytes,
        of this identification (used, or held) and of this exchange id (``wire``: an
        arrival, whose own lock is taken with the others), in one statement; and the answer
        modes of the message's ``receiver`` (``answer_mode``), saving the intake a round
        trip.

        The questions read the state from before the lock was granted. That is safe for
        bytes, identification and exchange id, guarded by a unique key as well: when a
        concurrent intake commits the same while this one waits, this intake's insert
        collides, and the retry (``Collision``) asks again and sees it. A held message has
        no such guard: two posted at once under one identification may both be held
        (``held``). Questions without a guard (the cross-message rules') are asked after
        this statement."""
        keys = sorted(set(keys) | ({wire.lock} if wire else set()))
        values: dict[str, Any] = {
            "poster": poster,
            "sha256": sha256,
            "afzender": own.afzender if own else None,
            "type": own.type if own else None,
            "identificatie": own.identificatie if own else None,
            "receiver": receiver,
            "channel": wire.channel if wire else None,
            "trace_ref": wire.trace_ref if wire else None,
        }
        locked = self.postgres and bool(keys)
        if locked:
            values["keys"] = keys
        row = self.sql.first(_OPEN_LOCKED if locked else _OPEN, **values)
        assert row is not None  # the statement always answers one row
        seen = Seen(row["receipt"], row["owner"], row["held"], row["wire"])
        if own is not None:
            self.identifications[own] = seen.owner
        if receiver is not None:
            self.modes[receiver] = row["answers"]
        return seen

    # -- SQLite: judging outside the write lock (``IntakeKey``) ---------------------

    def sequence(self) -> int:
        """The number of the last intake that committed lock keys (SQLite; 0 on PostgreSQL,
        whose intakes lock their keys instead). Asked first in a snapshot, it dates it."""
        if self.postgres:
            return 0
        return int(self.sql.scalar(_SEQUENCE) or 0)

    def stale(self, keys: Iterable[str], since: int) -> bool:
        """Whether an intake that committed after ``since`` used one of ``keys``: then a
        judgement made against the snapshot of ``since`` may no longer hold."""
        keys = set(keys)
        if self.postgres or not keys:
            return False
        changed = {row["key"] for row in self.sql.rows(_CHANGED, since=since)}
        return not changed.isdisjoint(keys)

    def claim(self, keys: Iterable[str]) -> None:
        """Note that this intake used ``keys``: each gets the next number (SQLite, under its
        write lock, so the numbers follow the order of the commits)."""
        keys = sorted(set(keys))
        if not self.postgres and keys:
            self.sql.execute_many(_CLAIM, [(key,) for key in keys])

    def owner_of(self, key: Key) -> str | None:
        if key in self.identifications:
            return self.identifications[key]
        found: str | None = self.sql.scalar(
            OWNER, afzender=key.afzender, type=key.type, identificatie=key.identificatie
        )
        return found

    def conversation_of(self, message_id: str) -> str | None:
        found: str | None = self.sql.scalar(_CONVERSATION, id=message_id)
        return found

    def answer_mode(self, party: str, message_type: str | None) -> str:
        """Who answers a ``message_type`` that ``party`` receives: ``gateway`` or ``party``."""
        if party in self.modes:
            found = self.modes[party]
        else:
            found = self.sql.scalar(_ANSWER_MODES, code=party)
        modes = tuple(json.loads(found).items()) if found else ()
        return answer_mode(modes, message_type)

    def answer_to(self, message_id: str) -> str | None:
        found: str | None = self.sql.scalar(_ANSWER, id=message_id)
        return found

    def raw_of(self, message_id: str) -> bytes | None:
        """The bytes of a stored message (to check an answer against its original)."""
        found = self.sql.scalar(_RAW, id=message_id)
        return bytes(found) if found is not None else None

    def answered_original(self, key: Key) -> tuple[str, str] | None:
        """(original, its answer) for a message stored under ``key`` that was not received
        (a rejected one does not use up its identification) and was answered all the same:
        by the gateway, or by its receiver when it was held (``held``)."""
        row = self.sql.first(
            _ANSWERED, afzender=key.afzender, type=key.type, identificatie=key.identificatie
        )
        return (row["original"], row["answer"]) if row else None

    def parties_of(self, message_id: str) -> tuple[str | None, str | None]:
        """(from, to) of a stored message."""
        row = self.sql.first(_PARTIES, id=message_id)
        return (row["from_party"], row["to_party"]) if row else (None, None)

    def conversation_by_refs(self, refs: Iterable[str]) -> str | None:
        """The conversation of the earliest message that used one of these references."""
        found = [r for ref in set(refs) if (r := self.sql.first(_BY_REF, ref=ref))]
        if not found:
            return None
        earliest = min(found, key=lambda r: (r["received_at"], r["conversation_id"]))
        conversation: str = earliest["conversation_id"]
        return conversation

    def add_message(self, new: NewMessage) -> None:
        self._pending[Message].append(
            {
                "id": new.id,
                "received_at": self.clock(),
                "origin": new.origin,
                "poster": new.poster,
                "file": new.file[:500],
                "type": new.type,
                "afzender": new.afzender,
                "ontvanger": new.ontvanger,
                "identificatie": new.identificatie,
                "from_party": new.from_party,
                "to_party": new.to_party,
                "answers_id": new.answers_id,
                "conversation_id": new.conversation_id,
                "accepted": new.accepted,
                "sha256": new.sha256,
                "size": new.received_size,
                "raw": new.raw,
                "verdict": new.verdict,
                "trace_id": new.trace_id,
                "advice": new.advice,
            }
        )
        self._pending[FindingRow] += _finding_rows(new.id, new.findings)

    def add_receipt(self, poster: str, sha256: str, message_id: str) -> None:
        self._pending[Receipt].append(
            {"poster": poster, "sha256": sha256, "message_id": message_id}
        )

    def add_identification(self, key: Key, message_id: str) -> None:
        self._pending[Identification].append(
            {
                "afzender": key.afzender,
                "type": key.type,
                "identificatie": key.identificatie,
                "message_id": message_id,
            }
        )

    def wire_message(self, channel: str, trace_ref: str) -> str | None:
        """The message an exchange's id was stored as, if it was."""
        found: str | None = self.sql.scalar(_WIRE, channel=channel, trace_ref=trace_ref)
        return found

    def add_wire(self, message_id: str, arrival: Arrival) -> None:
        self._pending[WireRef].append(
            {
                "message_id": message_id,
                "channel": arrival.channel,
                "trace_ref": arrival.trace_ref,
                "conversation_ref": arrival.conversation_ref,
                "answers_ref": arrival.answers_ref,
                "created_at": self.clock(),
            }
        )

    def add_refs(self, refs: Iterable[str], message_id: str) -> None:
        self._pending[ConversationRef] += [{"ref": r, "message_id": message_id} for r in refs]

    def enqueue(self, message_id: str, receiver: str, deadline: timedelta) -> None:
        now = self.clock()
        self._pending[Outbox].append(
            {
                "message_id": message_id,
                "receiver": receiver,
                "state": "queued",
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
                "deadline_at": now + deadline,
            }
        )

    def event(
        self, message_id: str | None, kind: str, party: str | None, detail: str, trace_id: str
    ) -> None:
        """Record an event; one that repeats (``REPEATED_KINDS``) on a message is counted
        on the row of its first time, at once (an upsert cannot wait for the bulk insert)."""
        row = {
            "message_id": message_id,
            "at": self.clock(),
            "kind": kind,
            "party": party,
            "detail": detail[:500],
            "trace_id": trace_id,
        }
        if kind in REPEATED_KINDS and message_id is not None and party is not None:
            self.connection.execute(_counted(self.postgres, row))
        else:
            self._pending[Event].append(row)

    def stored(self, message_id: str) -> Stored:
        message = reads.message(self.session, message_id)
        if message is None:
            raise IjwGatewayError(f"message {message_id} is not stored")  # a receipt points at one
        answer = reads.answer(self.session, message_id)
        answer_raw = reads.raw(self.session, answer.id) if answer else None
        return Stored(message, answer, answer_raw, reads.delivery_state(self.session, message_id))


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model: bulk inserts through Core skip the ORM's bookkeeping."""
    table: Table = SQLModel.metadata.tables[str(model.__tablename__)]
    return table


_ORDER: tuple[type[SQLModel], ...] = (
    Message,
    FindingRow,
    Receipt,
    Identification,
    ConversationRef,
    WireRef,
    Outbox,
    Event,
)
# One statement, keys in hash order: concurrent intakes take shared keys in the same order.
_LOCKS = text(
    "SELECT count(pg_advisory_xact_lock(h)) AS locked FROM "
    "(SELECT DISTINCT hashtext(k) AS h FROM unnest(CAST(:keys AS text[])) AS k "
    "ORDER BY h) AS hashes"
)
_LOCK = Statement(_LOCKS)
_OWNER_OF = select(Identification.message_id).where(
    Identification.afzender == bindparam("afzender"),
    Identification.type == bindparam("type"),
    Identification.identificatie == bindparam("identificatie"),
)
OWNER = Statement(_OWNER_OF)
"""The message that used an identification (Afzender, message type, Identificatie)."""
_WIRE_OF = select(WireRef.message_id).where(
    WireRef.channel == bindparam("channel"), WireRef.trace_ref == bindparam("trace_ref")
)
_SEEN = sa_select(
    select(Receipt.message_id)
    .where(Receipt.poster == bindparam("poster"), Receipt.sha256 == bindparam("sha256"))
    .scalar_subquery()
    .label("receipt"),
    _OWNER_OF.scalar_subquery().label("owner"),
    HELD.scalar_subquery().label("held"),
    select(Party.answers)
    .where(Party.code == bindparam("receiver"))
    .scalar_subquery()
    .label("answers"),
    _WIRE_OF.scalar_subquery().label("wire"),
)
_OPEN = Statement(_SEEN)
# PostgreSQL with keys to lock: the locks are a one-row FROM.
_OPEN_LOCKED = Statement(
    _SEEN.select_from(_LOCKS.columns(column("locked", Integer)).subquery("locks"))
)
_WIRE = Statement(_WIRE_OF)
# SQLite numbers the rows of ``message`` in the order they are written: one writer at a
# time, each row one more than the largest before (no row is ever deleted).
_SEQUENCE = Statement(
    text("SELECT coalesce(max(rowid), 0) AS seq FROM message").columns(column("seq", Integer))
)
_CHANGED = Statement(select(IntakeKey.key).where(IntakeKey.seq > bindparam("since")))
_CLAIM = (  # SQLite's own SQL, run for each key: the number the message row will get
    "INSERT INTO intake_key (key, seq) SELECT ?, coalesce(max(rowid), 0) + 1 FROM message "
    "WHERE true ON CONFLICT (key) DO UPDATE SET seq = excluded.seq"
)
_CONVERSATION = Statement(select(Message.conversation_id).where(Message.id == bindparam("id")))
_RAW = Statement(select(Message.raw).where(Message.id == bindparam("id")))
_ANSWER_MODES = Statement(select(Party.answers).where(Party.code == bindparam("code")))
_ANSWER = Statement(select(Message.id).where(Message.answers_id == bindparam("id")))
_ANSWER_ROW = aliased(Message)
_ANSWERED = Statement(
    select(col(Message.id).label("original"), col(_ANSWER_ROW.id).label("answer"))
    .join(_ANSWER_ROW, col(_ANSWER_ROW.answers_id) == col(Message.id))
    .where(
        Message.afzender == bindparam("afzender"),
        Message.type == bindparam("type"),
        Message.identificatie == bindparam("identificatie"),
        Message.origin == "party",
    )
    .limit(1)
)
_PARTIES = Statement(
    select(Message.from_party, Message.to_party).where(Message.id == bindparam("id"))
)
_BY_REF = Statement(
    select(Message.conversation_id, Message.received_at)
    .join(ConversationRef, col(ConversationRef.message_id) == col(Message.id))
    .where(ConversationRef.ref == bindparam("ref"))
    .order_by(col(Message.received_at))
    .limit(1)
)


def _counted(postgres: bool, row: dict[str, Any]) -> Insert:
    """The event inserted, or counted on the row of its first time."""
    table = table_of(Event)
    insert = (postgresql.insert if postgres else sqlite.insert)(table).values(**row)
    return insert.on_conflict_do_update(
        index_elements=["message_id", "kind", "party"],
        index_where=REPEATED_WHERE,
        set_={"count": table.c["count"] + 1, "last_at": insert.excluded.at},
    )


def _finding_rows(message_id: str, findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return [
        {
            "message_id": message_id,
            "seq": seq,
            "level": f.level,
            "rule": f.rule,
            "retourcode": f.retourcode,
            "path": f.path,
            "line": f.line,
            "text": f.text,
        }
        for seq, f in enumerate(findings)
    ]
