"""The store: the only place that knows SQL.

``Store`` opens sessions, translates database exceptions (in ``session`` and nowhere
else) and offers the operations the service needs: intake units of work, reads for the
API, the party directory, the mailbox and the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, and_, exc, or_
from sqlmodel import Session, col

from ijw_gateway.errors import (
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    StoreUnavailable,
)
from ijw_gateway.monitoring.access import operator_principal
from ijw_gateway.monitoring.workdays import local_day
from ijw_gateway.parties import ChannelSettings, KeyHash, PartySpec, split_key, verify
from ijw_gateway.store import directory, exchange, migrate, operators, outbox, reads
from ijw_gateway.store.clock import Clock, utcnow
from ijw_gateway.store.engine import SNAPSHOT, is_postgres, make_engine, sqlite_file
from ijw_gateway.store.refs import REFS
from ijw_gateway.store.tables import Message
from ijw_gateway.store.unit import NewMessage, Stale, Unit
from ijw_gateway.store.views import (
    Claimed,
    EventView,
    Listed,
    MailboxItem,
    MessageView,
    PartyView,
)
from ijw_gateway.wire import WireRefs, our_id

__all__ = ["Claimed", "Collision", "MessageView", "NewMessage", "Stale", "Store", "Unit"]


_P = ParamSpec("_P")
_T = TypeVar("_T")


class Collision(Conflict):
    """A concurrent write took a key first (same bytes, same identification, same answer)."""

    code = "collision"


class Store:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.postgres = is_postgres(engine)

    @classmethod
    def open(cls, url: str, clock: Clock = utcnow, pool_size: int = 5) -> Store:
        return cls(make_engine(url, pool_size=pool_size), clock)

    @classmethod
    def open_existing(cls, url: str) -> Store:
        """A gateway database that is there already (``validate --history URL``): a
        missing SQLite file is not created, and a database without the gateway's tables
        is refused, both as a ``ConfigurationError``; one that cannot be reached is
        ``StoreUnavailable``."""
        engine = make_engine(url)
        path = sqlite_file(engine)
        if path is not None and not path.is_file():
            raise ConfigurationError(f"no database file {path}")
        store = cls(engine)
        try:
            with store._translated():
                revision = migrate.current(engine)
        except StoreUnavailable:
            store.dispose()
            raise
        if revision is None:
            store.dispose()
            raise ConfigurationError(
                "not a gateway database (it has no tables; `ijw-gateway db upgrade` makes them)"
            )
        return store

    def upgrade(self) -> None:
        with self._translated():
            migrate.upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except exc.IntegrityError as error:
            raise Collision("another submission took the same key first; retry") from error
        except (exc.OperationalError, exc.InterfaceError) as error:
            raise StoreUnavailable("the database cannot be reached; retry later") from error

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back when it raises."""
        with self._translated(), Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.commit()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A transaction for reads of Core statements (monitoring's reports), committed
        when the block ends (a read may record what it noted, ``note_overdue``)."""
        with self._translated(), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A transaction that is always rolled back: what-if checks against stored history.

        ``validate --history DB`` judges files as if they arrived now, records them so a
        sequence of files sees its own earlier members, and leaves the database untouched.
        """
        with self._translated(), Session(self.engine) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def snapshot(self) -> Iterator[Unit]:
        """A unit that only reads, always rolled back. On SQLite it takes no write lock: a
        message is judged against it while other intakes commit (``Unit.stale`` then
        says whether the judgement still holds)."""
        with self._translated(), self.engine.connect() as connection:
            connection.execution_options(**{SNAPSHOT: True})
            with connection.begin() as transaction:
                unit = Unit(connection, self.clock, self.postgres)
                try:
                    yield unit
                finally:
                    unit.close()
                    transaction.rollback()

    def receipt(self, poster: str, sha256: str) -> str | None:
        """The message stored for these bytes from this poster, if any."""
        with self.snapshot() as unit:
            return unit.open((), poster, sha256, None).receipt

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """An intake transaction on a plain connection (an ORM session costs more than
        the unit's own statements; the unit opens one only when a rare path needs it)."""
        with self._translated(), self.engine.connect() as connection, connection.begin():
            unit = Unit(connection, self.clock, self.postgres)
            try:
                yield unit
                unit.flush()
            finally:
                unit.close()

    # -- party directory -------------------------------------------------------------

    def load_directory(self, specs: Iterable[PartySpec]) -> directory.Loaded:
        """Load a parties file: add and update, never resurrect (``store.directory``)."""
        now, loaded = self.clock(), directory.Loaded()
        with self.session() as session:
            Unit(session.connection(), self.clock, self.postgres).lock(["directory"])
            for spec in specs:
                if not directory.load_party(session, spec, now):
                    loaded = loaded + directory.Loaded(1, removed=(spec.code,))
                    continue
                session.flush()
                loaded = loaded + directory.load_keys(session, spec, now)
        return loaded

    def save_party(self, spec: PartySpec, endpoint: bool, channel: bool = False) -> None:
        """Add or update a party by hand; of one the store holds, its endpoint only when
        ``endpoint`` and its channel and settings only when ``channel`` (given)."""
        with self.session() as session:
            directory.save_party(session, spec, self.clock(), endpoint, channel)

    def add_key(self, party_code: str, key: KeyHash) -> None:
        with self.session() as session:
            if not directory.known(session, party_code):
                raise NotFound(f"no party {party_code}")
            if directory.has_key(session, key.key_id):
                raise Conflict(
                    f"key id {key.key_id} is taken (a revoked id is never used again); "
                    "choose another",
                    "key_id_taken",
                )
            directory.add_key(session, party_code, key, self.clock())

    def revoke_key(self, key_id: str) -> None:
        self.revoke_keys([key_id])

    def revoke_keys(self, key_ids: Iterable[str], missing_ok: bool = False) -> None:
        """Revoke keys in one transaction: all of them, or none when one is unknown."""
        with self.session() as session:
            for key_id in key_ids:
                if not directory.revoke_key(session, key_id, self.clock()) and not missing_ok:
                    raise NotFound(f"no key {key_id}")

    def set_endpoint(self, code: str, endpoint: str | None) -> None:
        with self.session() as session:
            if not directory.set_endpoint(session, code, endpoint):
                raise NotFound(f"no party {code}")

    def set_channel(
        self, code: str, channel: str, endpoint: str | None, settings: ChannelSettings = ()
    ) -> None:
        with self.session() as session:
            if not directory.set_channel(session, code, channel, endpoint, settings):
                raise NotFound(f"no party {code}")

    def set_answer_mode(self, code: str, message_type: str, mode: str) -> None:
        """Who answers ``message_type`` for party ``code``: ``gateway`` or ``party``."""
        with self.session() as session:
            if not directory.set_answer_mode(session, code, message_type, mode):
                raise NotFound(f"no party {code}")

    def parties(self) -> list[PartyView]:
        with self.session() as session:
            return directory.parties(session)

    def party(self, code: str) -> PartyView | None:
        with self.session() as session:
            return directory.party(session, code)

    def authenticate(self, presented: str) -> str | None:
        """Whose active key this is: a party's code, or ``operator:<name>`` for an
        operator's (``monitoring.access``); None for no active key."""
        parts = split_key(presented)
        if parts is None:
            return None
        with self.session() as session:
            key = directory.active_key(session, parts[0])
            if key is not None:
                if not verify(parts[1], key.salt, key.digest):
                    return None
                key.last_used_at = self.clock()
                return key.party_code
            held = operators.active_key(session, parts[0])
            if held is None or not verify(parts[1], held.salt, held.digest):
                return None
            held.last_used_at = self.clock()
            return operator_principal(held.operator)

    # -- operators (monitoring.access) --------------------------------------------------

    def add_operator(self, name: str) -> None:
        with self.session() as session:
            if not operators.add(session, name, self.clock()):
                raise Conflict(f"operator {name} exists", "operator_exists")

    def operators(self) -> list[operators.OperatorView]:
        with self.session() as session:
            return operators.operators(session)

    def add_operator_key(self, name: str, key: KeyHash) -> None:
        with self.session() as session:
            if not operators.known(session, name):
                raise NotFound(f"no operator {name}")
            if directory.has_key(session, key.key_id):
                raise Conflict(f"key id {key.key_id} is taken; choose another", "key_id_taken")
            operators.add_key(session, name, key, self.clock())

    def revoke_operator_keys(self, key_ids: Iterable[str]) -> None:
        """Revoke operator keys in one transaction: all of them, or none when one is unknown."""
        with self.session() as session:
            for key_id in key_ids:
                if not operators.revoke_key(session, key_id, self.clock()):
                    raise NotFound(f"no operator key {key_id}")

    # -- reads -----------------------------------------------------------------------

    def read(
        self, query: Callable[Concatenate[Session, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """``query`` (one of ``store.reads``) in a session of its own."""
        with self.session() as session:
            return query(session, *args, **kwargs)

    def message(self, message_id: str) -> MessageView | None:
        return self.read(reads.message, message_id)

    def raw(self, message_id: str) -> bytes | None:
        return self.read(reads.raw, message_id)

    def advice(self, message_id: str) -> bytes | None:
        return self.read(reads.advice, message_id)

    def answer(self, message_id: str) -> MessageView | None:
        return self.read(reads.answer, message_id)

    def delivery_state(self, message_id: str) -> str | None:
        return self.read(reads.delivery_state, message_id)

    def events(
        self, message_id: str, after: int | None = None, limit: int | None = None
    ) -> list[EventView]:
        return self.read(reads.events, message_id, after, limit)

    def conversation(self, conversation_id: str, limit: int = 500) -> list[MessageView]:
        return self.read(reads.conversation, conversation_id, limit)

    def wire_message(self, channel: str, trace_ref: str) -> str | None:
        """The message an exchange's id was stored as, if it was."""
        with self.unit() as unit:
            return unit.wire_message(channel, trace_ref)

    def wire_messages(self, channel: str, trace_refs: Sequence[str]) -> set[str]:
        """Which of these exchange ids were stored (one question for a whole listing)."""
        with self.session() as session:
            return exchange.stored(session, channel, trace_refs)

    def record_reported(
        self, message_id: str, party: str, reported: Iterable[exchange.Reported]
    ) -> int:
        """Statuses an exchange reported for a message, as its events (each once)."""
        with self.session() as session:
            return exchange.record(session, message_id, party, reported)

    def awaiting_report(
        self, channel: str, final: Sequence[str], days: float = 7, limit: int = 100
    ) -> list[str]:
        with self.session() as session:
            since = self.clock() - timedelta(days=days)
            return exchange.awaiting(session, channel, final, since, limit)

    def listed(
        self,
        receiver: str,
        limit: int,
        *,
        answers: str | None = None,
        conversation: str | None = None,
        type_: str | None = None,
    ) -> list[Listed]:
        """The receiver's mailbox without bytes, oldest first, as an exchange lists it:
        all of it, the answers to one message (our id), one conversation (the exchange's
        id) or one message type."""
        where = []
        if answers is not None:
            where.append(col(Message.answers_id) == answers)
        if conversation is not None:  # as the exchange names it (``refs.REFS``)
            ours = col(Message.conversation_id) == our_id(conversation)
            where.append(or_(REFS[1] == conversation, and_(REFS[1].is_(None), ours)))
        if type_ is not None:
            where.append(col(Message.type) == type_)
        with self.session() as session:
            return exchange.listed(session, receiver, limit, where)

    def named(self, channel: str, trace_ref: str) -> str | None:
        """The message an exchange's id names (one that came in with it, or one of ours)."""
        with self.session() as session:
            return exchange.message_of(session, channel, trace_ref, our_id(trace_ref))

    def waiting(self, message_id: str, party: str) -> bool:
        """Whether the message waits in the party's mailbox (not acknowledged)."""
        with self.session() as session:
            row = outbox.outbox_row(session, message_id)
            return row is not None and row.receiver == party and row.state in outbox.IN_MAILBOX

    def wire_refs(self, message_id: str) -> WireRefs:
        """The ids an exchange gave the message, its conversation and its original."""
        with self.session() as session:
            return exchange.refs_of(session, message_id)

    def conversation_named(self, conversation_ref: str) -> str | None:
        with self.session() as session:
            return exchange.conversation_of(session, conversation_ref, our_id(conversation_ref))

    def record_event(
        self, message_id: str | None, kind: str, party: str | None, detail: str, trace: str
    ) -> None:
        with self.unit() as unit:
            unit.event(message_id, kind, party, detail, trace)

    # -- mailbox ---------------------------------------------------------------------

    def mailbox(self, receiver: str, limit: int, after: int | None = None) -> list[MailboxItem]:
        with self.session() as session:
            return outbox.mailbox(session, receiver, limit, after)

    def acknowledge(self, message_id: str, party: str, trace: str) -> bool:
        """Acknowledge a mailbox item of ``party``; False when it was acknowledged before."""
        with self.session() as session:
            row = outbox.outbox_row(session, message_id)
            if row is None:
                raise NotFound(f"no mailbox item for message {message_id}")
            if row.receiver != party:
                raise Forbidden("this message is in another party's mailbox", "not_your_mailbox")
            now = self.clock()
            if not outbox.acknowledge(session, row, now):
                return False
            outbox.add_event(session, message_id, "acknowledged", party, "", trace, now)
            return True

    def overdue_counts(self) -> list[tuple[str, str, int]]:
        """(type owed, owing party, answers past their due day) for the metrics."""
        from ijw_gateway.store import monitoring_reads

        with self.reading() as connection:
            return monitoring_reads.overdue_counts(connection, local_day(self.clock()))

    def note_overdue(self) -> int:
        """Record an ``answer_overdue`` event for each answer that passed its due day."""
        from ijw_gateway.store import monitoring_reads

        now = self.clock()
        with self.reading() as connection:
            return monitoring_reads.note_overdue(connection, local_day(now), now)

    def fold_figures(self) -> int:
        """Fold the intakes' deltas into the monthly figures (``store.monitoring_fold``);
        the number of deltas moved."""
        from ijw_gateway.store import monitoring_fold

        moved = 0
        while True:
            with self.reading() as connection:
                done = monitoring_fold.fold(connection)
            moved += done
            if done < monitoring_fold.BATCH:
                return moved

    def outbox_counts(self) -> dict[str, int]:
        with self.session() as session:
            return outbox.counts(session)

    def oldest_waiting(self) -> datetime | None:
        with self.session() as session:
            return outbox.oldest_waiting(session)

    # -- outbox (workers) ------------------------------------------------------------

    def claim(
        self,
        owner: str,
        lease: timedelta,
        limit: int,
        channels: Sequence[str] = outbox.SENDING,
    ) -> list[Claimed]:
        with self.session() as session:
            now = self.clock()
            return outbox.claim(session, owner, now, lease, limit, self.postgres, channels)

    def release(self, item: Claimed, owner: str) -> bool:
        with self.session() as session:
            return outbox.release(session, item, owner)

    def delivered(self, item: Claimed, owner: str, detail: str) -> bool:
        now = self.clock()
        settle = partial(outbox.delivered, item=item, owner=owner, now=now)
        return self._settle(item, now, settle, ("delivered", detail))

    def retry_later(self, item: Claimed, owner: str, error: str, at: datetime) -> bool:
        settle = partial(outbox.retry_later, item=item, owner=owner, error=error, at=at)
        failed = ("delivery_failed", f"{error}; next attempt {at.isoformat()}")
        return self._settle(item, self.clock(), settle, failed)

    def dead_letter(self, item: Claimed, owner: str, error: str) -> bool:
        settle = partial(outbox.dead_letter, item=item, owner=owner, error=error)
        kept = ("dead_lettered", "kept in the receiver's mailbox")
        return self._settle(item, self.clock(), settle, ("delivery_failed", error), kept)

    def _settle(
        self,
        item: Claimed,
        now: datetime,
        settle: Callable[[Session], bool],
        *events: tuple[str, str],
    ) -> bool:
        """Settle a claimed outbox row (``settle``) and, when this owner still held it,
        note ``events`` (kind, detail) of its message in the same session."""
        with self.session() as session:
            done = settle(session)
            for kind, detail in events if done else ():
                outbox.add_event(
                    session, item.message_id, kind, item.receiver, detail, item.trace_id, now
                )
            return done
