"""Parties and their API keys in the store.

A parties file seeds and extends the directory; the store is where operators change it.
So loading a file (at every ``serve``, ``worker`` and CLI start) adds and updates but
never resurrects: a key the store already holds keeps its hash and its revocation (a
public demo key, once revoked, stays revoked), and an endpoint changes only when the file
now says something else than it said when it was last loaded (``file_endpoint``), so an
endpoint an operator removed or changed with ``parties endpoint`` survives every restart.
A channel and its settings follow the same rule (``file_channel``,
``file_channel_settings``): one set with ``parties channel`` survives a reload of a file
that did not change its own. Answer modes too (``file_answers``): one set with
``parties answers`` survives a reload of a file that did not change them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session, col, select

from ijw_gateway.parties import (
    ChannelSettings,
    KeyHash,
    PartySpec,
    check_answers,
    default_channel,
)
from ijw_gateway.store.tables import ApiKey, Party
from ijw_gateway.store.tables_monitoring import OperatorKey
from ijw_gateway.store.views import PartyView


@dataclass(frozen=True)
class Loaded:
    """What loading a parties file did: how many parties it states, and the ids of the
    keys it names that the store kept as they were."""

    parties: int = 0
    revoked: tuple[str, ...] = ()  # revoked in the store: they stay revoked
    changed: tuple[str, ...] = ()  # another hash or party in the file: not taken
    removed: tuple[str, ...] = ()  # parties an operator removed: they stay removed

    def notes(self) -> list[str]:
        """What an operator should know about the keys the file named and did not change."""
        notes = []
        if self.revoked:
            notes.append(f"keys revoked in the store stay revoked: {', '.join(self.revoked)}")
        if self.removed:
            notes.append(
                "parties removed by an operator stay removed (`parties add` brings one "
                f"back): {', '.join(self.removed)}"
            )
        if self.changed:
            notes.append(
                "keys with another hash or party in the file than in the store were not taken "
                f"(a new key needs a new id): {', '.join(self.changed)}"
            )
        return notes

    def __add__(self, other: Loaded) -> Loaded:
        return Loaded(
            self.parties + other.parties,
            self.revoked + other.revoked,
            self.changed + other.changed,
            self.removed + other.removed,
        )


def load_party(session: Session, spec: PartySpec, now: datetime) -> bool:
    """A party as a parties file states it: added, or its name and kind updated, and its
    endpoint and channel only where the file changed them since it was last loaded.
    False for a party an operator removed: it stays removed."""
    settings, answers = settings_text(spec.channel_settings), settings_text(spec.answers)
    row = session.get(Party, spec.code)
    if row is not None and row.removed_at is not None:
        return False  # an operator removed it: only ``parties add`` brings it back
    if row is None:
        row = Party(code=spec.code, kind=spec.kind, created_at=now, endpoint=spec.endpoint)
        row.channel, row.channel_settings, row.answers = spec.route, settings, answers
    else:
        if spec.endpoint != row.file_endpoint:
            _new_endpoint(row, spec.endpoint)
        if (spec.channel, settings) != (row.file_channel, row.file_channel_settings):
            row.channel, row.channel_settings = spec.route, settings
        if answers != row.file_answers:
            row.answers = answers
    row.kind, row.name, row.file_endpoint = spec.kind, spec.name, spec.endpoint
    row.file_channel, row.file_channel_settings = spec.channel, settings
    row.file_answers = answers
    session.add(row)
    return True


def save_party(
    session: Session, spec: PartySpec, now: datetime, endpoint: bool, channel: bool = False
) -> None:
    """A party as an operator adds it (``parties add``): the endpoint only when given, the
    channel and its settings only when given or the party is new."""
    row = session.get(Party, spec.code)
    if row is None:
        row = Party(code=spec.code, kind=spec.kind, created_at=now)
        endpoint = channel = True
    row.kind, row.name, row.removed_at = spec.kind, spec.name, None
    if endpoint:
        _new_endpoint(row, spec.endpoint)
    if channel:
        row.channel = spec.route
        row.channel_settings = settings_text(spec.channel_settings)
    session.add(row)


def _new_endpoint(row: Party, endpoint: str | None) -> None:
    """A push party without an endpoint pulls its mailbox, a mailbox party with one is
    pushed to (as before channels); the other channels keep theirs."""
    row.endpoint = endpoint
    if row.channel in ("push", "mailbox"):
        row.channel = default_channel(endpoint)


def settings_text(settings: ChannelSettings) -> str | None:
    return json.dumps(dict(settings), sort_keys=True) if settings else None


def settings_of(text: str | None) -> ChannelSettings:
    return tuple(sorted(json.loads(text).items())) if text else ()


def _present(session: Session, code: str) -> Party | None:
    """The party ``code``, unless there is none or an operator removed it."""
    row = session.get(Party, code)
    return row if row is not None and row.removed_at is None else None


def remove(session: Session, code: str, now: datetime) -> bool:
    """Mark a party removed and revoke its keys; False when there is no such party."""
    row = _present(session, code)
    if row is None:
        return False
    row.removed_at = now
    session.add(row)
    for key in session.exec(select(ApiKey).where(ApiKey.party_code == code)):
        revoke(session, ApiKey, key.key_id, now)
    return True


def set_endpoint(session: Session, code: str, endpoint: str | None) -> bool:
    row = _present(session, code)
    if row is None:
        return False
    _new_endpoint(row, endpoint)
    session.add(row)
    return True


def set_channel(
    session: Session, code: str, channel: str, endpoint: str | None, settings: ChannelSettings
) -> bool:
    row = _present(session, code)
    if row is None:
        return False
    row.channel, row.endpoint = channel, endpoint
    row.channel_settings = settings_text(settings)
    session.add(row)
    return True


def set_answer_mode(session: Session, code: str, message_type: str, mode: str) -> bool:
    """The answer mode of one message type for a party; False when there is no party."""
    row = session.get(Party, code)
    if row is None:
        return False
    modes = dict(settings_of(row.answers))
    modes[message_type] = mode
    row.answers = settings_text(check_answers(modes))
    session.add(row)
    return True


def load_keys(session: Session, spec: PartySpec, now: datetime) -> Loaded:
    """The keys a parties file names: those the store lacks are added; the others keep
    their hash, party and revocation (the file cannot bring a key back or replace it)."""
    revoked, changed = [], []
    for key in spec.keys:
        row = session.get(ApiKey, key.key_id)
        if row is None:
            add_key(session, spec.code, key, now)
        elif row.revoked_at is not None:
            revoked.append(key.key_id)
        elif (row.party_code, row.salt, row.digest) != (spec.code, key.salt, key.digest):
            changed.append(key.key_id)
    return Loaded(1, tuple(revoked), tuple(changed))


def has_key(session: Session, key_id: str) -> bool:
    """Whether a key id was ever used, by a party or an operator (``store.operators``):
    revoked ids are never given out again, and an id names one holder. The operator's table
    is read here, not through ``store.operators`` (which builds on this module)."""
    return session.get(ApiKey, key_id) is not None or session.get(OperatorKey, key_id) is not None


def add_key(session: Session, party_code: str, key: KeyHash, now: datetime) -> None:
    session.add(
        ApiKey(
            key_id=key.key_id,
            party_code=party_code,
            salt=key.salt,
            digest=key.digest,
            created_at=now,
        )
    )


def revoke_key(session: Session, key_id: str, now: datetime) -> bool:
    return revoke(session, ApiKey, key_id, now)


def active_key(session: Session, key_id: str) -> ApiKey | None:
    return active(session, ApiKey, key_id)


Keyed = TypeVar("Keyed", ApiKey, OperatorKey)


def revoke(session: Session, model: type[Keyed], key_id: str, now: datetime) -> bool:
    """Revoke a party's or an operator's key (for good); False when there is none."""
    row = session.get(model, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
    return True


def active(session: Session, model: type[Keyed], key_id: str) -> Keyed | None:
    row = session.get(model, key_id)
    return row if row is not None and row.revoked_at is None else None


def party(session: Session, code: str) -> PartyView | None:
    row = _present(session, code)
    if row is None:
        return None
    return _view(row, _key_ids(session, code))


def _view(row: Party, keys: tuple[str, ...]) -> PartyView:
    settings, answers = settings_of(row.channel_settings), settings_of(row.answers)
    return PartyView(
        row.code, row.kind, row.name, row.endpoint, keys, row.channel, settings, answers
    )


def _key_ids(session: Session, code: str) -> tuple[str, ...]:
    query = (
        select(ApiKey.key_id)
        .where(ApiKey.party_code == code, col(ApiKey.revoked_at).is_(None))
        .order_by(col(ApiKey.key_id))
    )
    return tuple(session.exec(query))


def parties(session: Session) -> list[PartyView]:
    present = select(Party).where(col(Party.removed_at).is_(None))
    rows = session.exec(present.order_by(col(Party.code))).all()
    return [_view(r, _key_ids(session, r.code)) for r in rows]


def known(session: Session, code: str) -> bool:
    return _present(session, code) is not None


@dataclass(frozen=True)
class KeyState:
    """A party's or an operator's key as an operator sees it: never its secret."""

    key_id: str
    holder: str  # the party's code, or ``operator:<name>``
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def state(self) -> str:
        return "revoked" if self.revoked_at is not None else "active"


def keys(session: Session, code: str | None = None) -> list[KeyState]:
    """Every party key (of one party, with ``code``), active and revoked, by key id."""
    query = select(ApiKey).order_by(col(ApiKey.key_id))
    if code is not None:
        query = query.where(ApiKey.party_code == code)
    return [
        KeyState(k.key_id, k.party_code, k.created_at, k.revoked_at, k.last_used_at)
        for k in session.exec(query)
    ]
