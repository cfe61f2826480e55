"""Held messages: delivered in answer mode ``party`` although the gateway's verdict rejects
them, waiting for their receiver's decision.

A held message is stored as not accepted, with the gateway's advice and an outbox row, and
without an answer: that is all that marks it (no column of its own), because its standing
follows from its answer. The receiver's rejection links to it and leaves it not accepted
(never sent, as a gateway rejection); the receiver's acceptance sets ``accepted`` (``count``)
in the transaction that records its history.
"""

from __future__ import annotations

from sqlalchemy import bindparam, exists, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from ijw_gateway.routing import Key
from ijw_gateway.store.direct import Direct, Statement
from ijw_gateway.store.tables import Message

_ANSWER = aliased(Message)
HELD = (
    select(Message.id)
    .where(
        Message.afzender == bindparam("afzender"),
        Message.type == bindparam("type"),
        Message.identificatie == bindparam("identificatie"),
        Message.origin == "party",
        col(Message.accepted).is_(False),
        col(Message.advice).is_not(None),
        ~exists().where(col(_ANSWER.answers_id) == col(Message.id)),
    )
    .limit(1)
)
"""The message held under an identification (Afzender, type, Identificatie), if any."""
_HELD = Statement(HELD)
_COUNT = Statement(update(Message).where(col(Message.id) == bindparam("id")).values(accepted=True))


def held_under(sql: Direct, key: Key) -> str | None:
    """The message held under ``key``, waiting for its receiver's answer."""
    found: str | None = sql.scalar(
        _HELD, afzender=key.afzender, type=key.type, identificatie=key.identificatie
    )
    return found


def count(sql: Direct, message_id: str) -> None:
    """The receiver's answer accepts a held message: from now on it counts as sent."""
    sql.execute(_COUNT, id=message_id)
