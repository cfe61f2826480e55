"""Joins that read the ids an exchange gave a message (``wire_ref``)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.orm import aliased
from sqlmodel import col

from ijw_gateway.store.tables import Message, WireRef

_OWN, _START, _ORIGINAL = aliased(WireRef), aliased(WireRef), aliased(WireRef)
REFS: tuple[Any, ...] = (
    col(_OWN.trace_ref),
    func.coalesce(
        col(_OWN.conversation_ref), col(_ORIGINAL.conversation_ref), col(_START.conversation_ref)
    ),
    func.coalesce(col(_OWN.answers_ref), col(_ORIGINAL.trace_ref)),
)
"""The exchange's ids of a message (``traceerId``), of its conversation and of the message
it answers (``wire_ref``), for a query joined by ``with_refs``: what a channel or the local
VECOZO quotes instead of our own ids when the sender's came in over an exchange. The
conversation is the message's own, else that of the message it answers (an answer shares
its original's), else that of the conversation's first message."""
S = TypeVar("S", bound=Select[Any])


def with_refs(query: S) -> S:
    """``query`` (over ``Message``) joined to what ``REFS`` reads."""
    return (
        query.outerjoin(_OWN, col(_OWN.message_id) == col(Message.id))
        .outerjoin(_START, col(_START.message_id) == col(Message.conversation_id))
        .outerjoin(_ORIGINAL, col(_ORIGINAL.message_id) == col(Message.answers_id))
    )
