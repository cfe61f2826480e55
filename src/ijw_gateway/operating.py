"""What an operator sees of the operations (``store.operations``), as JSON: the API's
answers and the command line's ``--json`` are the same objects, built here once.

Cursors of message pages are opaque to the caller: the place the page ended (when the
last message was received and its id), base64url-encoded. Nothing here is personal data:
codes, ids, times and states only.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from ijw_gateway.errors import Unprocessable
from ijw_gateway.store.directory import KeyState
from ijw_gateway.store.operations import Listed, MessageFilter, Place, Waiting, by_delivery
from ijw_gateway.store.views import MessageView, PartyView


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z`` (SQLite hands back naive UTC times)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def aware(moment: datetime | None) -> datetime | None:
    """A moment given without a zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def encode_cursor(listed: Listed, where: MessageFilter) -> str:
    """The opaque ``next`` of a page of messages that ended with ``listed``."""
    if by_delivery(where):
        text = f"q|{listed.outbox_id}"
    else:
        text = f"{iso(listed.message.received_at)}|{listed.message.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Place | None:
    """The place a page ended, from its ``next``; ``Unprocessable`` for anything this
    gateway did not hand out."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, last = text.partition("|")
        if at == "q" and last.isdigit() and len(last) <= 18:
            return int(last)
        moment = aware(datetime.fromisoformat(at.replace("Z", "+00:00")))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        moment, last = None, ""
    if moment is None or len(last) != 32:
        raise Unprocessable("`after` is not a cursor this gateway handed out.", "bad_cursor")
    return moment, last


def message_json(m: MessageView) -> dict[str, Any]:
    """Who sent a message to whom and when, and its links (``format=meta`` adds more)."""
    return {
        "id": m.id,
        "message": m.type,
        "origin": m.origin,
        "from": m.from_party,
        "to": m.to_party,
        "received_at": iso(m.received_at),
        "accepted": m.accepted,
        "answers": m.answers_id,
        "conversation": m.conversation_id,
    }


def listed_json(item: Listed) -> dict[str, Any]:
    m = item.message
    return {**message_json(m), "state": item.state, "size": m.size, "trace_id": m.trace_id}


def waiting_json(row: Waiting) -> dict[str, Any]:
    return {
        "id": row.message_id,
        "message": row.type,
        "from": row.from_party,
        "receiver": row.receiver,
        "received_at": iso(row.received_at),
        "state": row.state,
        "attempts": row.attempts,
        "queued_at": iso(row.created_at),
        "next_attempt_at": iso(row.next_attempt_at),
        "deadline_at": iso(row.deadline_at),
        "last_error": row.last_error,
    }


def waiting_page(rows: list[Waiting], limit: int) -> dict[str, Any]:
    """A page of outbox rows (``limit + 1`` were read: one more says there are more)."""
    page, more = rows[:limit], len(rows) > limit
    return {
        "items": [waiting_json(r) for r in page],
        "has_more": more,
        "next": str(page[-1].outbox_id) if more else None,
    }


def key_json(key: KeyState) -> dict[str, Any]:
    return {
        "id": key.key_id,
        "state": key.state,
        "created_at": iso(key.created_at),
        "revoked_at": iso(key.revoked_at),
        "last_used_at": iso(key.last_used_at),
    }


def party_json(party: PartyView, keys: list[KeyState]) -> dict[str, Any]:
    return {
        "code": party.code,
        "kind": party.kind,
        "name": party.name,
        "channel": party.channel,
        "endpoint": party.endpoint,
        "keys": [key_json(k) for k in keys if k.holder == party.code],
    }
