"""The region's operators and their API keys (``monitoring.access``).

An operator is not a party: it sends no messages and has no mailbox, and it may read
every figure of every municipality and provider. Its keys look and are stored like a
party's (``ijw.<key id>.<secret>``, a salted SHA-256 of the secret), in one namespace of
key ids with theirs, so a presented key names either a party or an operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ijw_gateway.parties import KeyHash
from ijw_gateway.store import directory
from ijw_gateway.store.tables_monitoring import Operator, OperatorKey


@dataclass(frozen=True)
class OperatorView:
    name: str
    created_at: datetime
    key_ids: tuple[str, ...]  # active ones


def add(session: Session, name: str, now: datetime) -> bool:
    """Add an operator; False when the name is taken."""
    if session.get(Operator, name) is not None:
        return False
    session.add(Operator(name=name, created_at=now))
    return True


def known(session: Session, name: str) -> bool:
    return session.get(Operator, name) is not None


def add_key(session: Session, name: str, key: KeyHash, now: datetime) -> None:
    session.add(
        OperatorKey(
            key_id=key.key_id, operator=name, salt=key.salt, digest=key.digest, created_at=now
        )
    )


def revoke_key(session: Session, key_id: str, now: datetime) -> bool:
    return directory.revoke(session, OperatorKey, key_id, now)


def active_key(session: Session, key_id: str) -> OperatorKey | None:
    return directory.active(session, OperatorKey, key_id)


def operators(session: Session) -> list[OperatorView]:
    keys: dict[str, list[str]] = {}
    active = select(OperatorKey).where(col(OperatorKey.revoked_at).is_(None))
    for key in session.exec(active.order_by(col(OperatorKey.key_id))):
        keys.setdefault(key.operator, []).append(key.key_id)
    return [
        OperatorView(row.name, row.created_at, tuple(keys.get(row.name, ())))
        for row in session.exec(select(Operator).order_by(col(Operator.name)))
    ]


def keys(session: Session) -> list[directory.KeyState]:
    """Every operator key, active and revoked (``holder``: the operator's name)."""
    query = select(OperatorKey).order_by(col(OperatorKey.key_id))
    return [
        directory.KeyState(k.key_id, k.operator, k.created_at, k.revoked_at, k.last_used_at)
        for k in session.exec(query)
    ]
