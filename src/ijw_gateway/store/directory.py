"""Parties and their API keys in the store."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from ijw_gateway.parties import ChannelSettings, KeyHash, PartySpec, default_channel
from ijw_gateway.store.tables import ApiKey, Party
from ijw_gateway.store.views import PartyView


def upsert_party(session: Session, spec: PartySpec, now: datetime) -> None:
    row = session.get(Party, spec.code)
    if row is None:
        row = Party(code=spec.code, kind=spec.kind, created_at=now)
    row.kind, row.name, row.endpoint = spec.kind, spec.name, spec.endpoint
    row.channel, row.channel_settings = spec.route, settings_text(spec.channel_settings)
    session.add(row)


def settings_text(settings: ChannelSettings) -> str | None:
    return json.dumps(dict(settings), sort_keys=True) if settings else None


def settings_of(text: str | None) -> ChannelSettings:
    return tuple(sorted(json.loads(text).items())) if text else ()


def set_endpoint(session: Session, code: str, endpoint: str | None) -> bool:
    """A push party without an endpoint pulls its mailbox, a mailbox party with one is
    pushed to (as before channels); the other channels keep theirs."""
    row = session.get(Party, code)
    if row is None:
        return False
    row.endpoint = endpoint
    if row.channel in ("push", "mailbox"):
        row.channel = default_channel(endpoint)
    session.add(row)
    return True


def set_channel(
    session: Session, code: str, channel: str, endpoint: str | None, settings: ChannelSettings
) -> bool:
    row = session.get(Party, code)
    if row is None:
        return False
    row.channel, row.endpoint = channel, endpoint
    row.channel_settings = settings_text(settings)
    session.add(row)
    return True


def upsert_key(session: Session, party_code: str, key: KeyHash, now: datetime) -> None:
    row = session.get(ApiKey, key.key_id)
    if row is None:
        row = ApiKey(key_id=key.key_id, party_code=party_code, salt="", digest="", created_at=now)
    row.party_code, row.salt, row.digest, row.revoked_at = party_code, key.salt, key.digest, None
    session.add(row)


def revoke_key(session: Session, key_id: str, now: datetime) -> bool:
    row = session.get(ApiKey, key_id)
    if row is None:
        return False
    row.revoked_at = now
    session.add(row)
    return True


def active_key(session: Session, key_id: str) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    return row if row is not None and row.revoked_at is None else None


def party(session: Session, code: str) -> PartyView | None:
    row = session.get(Party, code)
    if row is None:
        return None
    return _view(row, _key_ids(session, code))


def _view(row: Party, keys: tuple[str, ...]) -> PartyView:
    settings = settings_of(row.channel_settings)
    return PartyView(row.code, row.kind, row.name, row.endpoint, keys, row.channel, settings)


def _key_ids(session: Session, code: str) -> tuple[str, ...]:
    query = (
        select(ApiKey.key_id)
        .where(ApiKey.party_code == code, col(ApiKey.revoked_at).is_(None))
        .order_by(col(ApiKey.key_id))
    )
    return tuple(session.exec(query))


def parties(session: Session) -> list[PartyView]:
    rows = session.exec(select(Party).order_by(col(Party.code))).all()
    return [_view(r, _key_ids(session, r.code)) for r in rows]


def known(session: Session, code: str) -> bool:
    return session.get(Party, code) is not None
