"""Follow what VECOZO did with the messages the gateway pushed: status v3 as events.

``follow`` asks VECOZO the status history of a message (by its ``traceerId``, which is
our id) and records each status as an event of the message (``status.EVENT_OF``), once.
``follow_due`` does that for the messages pushed in the last week whose status is not
final yet (Bezorgd, refused, BezorgingAfgebroken), a bounded number per call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ijw_gateway.store import Store
from ijw_gateway.store.exchange import Reported
from ijw_gateway.vecozo.client import VecozoClient
from ijw_gateway.vecozo.ijw import CHANNEL
from ijw_gateway.vecozo.model import BerichtstatusGegevens
from ijw_gateway.vecozo.status import EVENT_OF, FINAL
from ijw_gateway.wire import wire_id


@dataclass(frozen=True)
class Followed:
    message_id: str
    statuses: tuple[str, ...]  # VECOZO's status history of the message, oldest first
    recorded: int  # how many were new events


def reported(items: list[BerichtstatusGegevens], message_id: str) -> list[Reported]:
    """The statuses of this message (not of its answers) as (event kind, detail, when)."""
    mine = [i for i in items if str(i.referentiegegevens.traceerId) == wire_id(message_id)]
    mine.sort(key=lambda i: i.berichtstatusGewijzigdOp)
    found: list[Reported] = []
    for item in mine:
        codes = ", ".join(m.code[:20] for m in item.meldingen or ())[:200]
        at = item.berichtstatusGewijzigdOp.isoformat()
        detail = f"VECOZO {item.berichtstatus} at {at}" + (f" ({codes})" if codes else "")
        found.append((EVENT_OF[item.berichtstatus], detail, item.berichtstatusGewijzigdOp))
    return found


def follow(client: VecozoClient, store: Store, message_id: str) -> Followed:
    items = client.statuses(traceer_id=uuid.UUID(message_id))
    found = reported(items, message_id)
    recorded = store.record_reported(message_id, CHANNEL, found)
    history = tuple(detail.split(" ")[1] for _, detail, _ in found)
    return Followed(message_id, history, recorded)


def follow_due(client: VecozoClient, store: Store, limit: int = 100) -> list[Followed]:
    return [
        follow(client, store, m) for m in store.awaiting_report(CHANNEL, sorted(FINAL), limit=limit)
    ]
