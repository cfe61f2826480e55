"""VECOZO's message statuses (berichtstatus v3) and the gateway's events, both ways. Pure.

A message the gateway pushed to VECOZO gets VECOZO's statuses as its own events
(``exchange_…``), so ``GET /v1/messages/{id}/events`` shows how far it came after VECOZO
took it. The local VECOZO (the facade) answers a status question from the events the
gateway recorded itself.
"""

from __future__ import annotations

from ijw_gateway.vecozo.model import Status

EVENT_OF: dict[Status, str] = {
    "Ontvangen": "exchange_received",
    "DeelsOntvangen": "exchange_received",
    "DeelberichtAanleveringAfgekeurd": "exchange_refused",
    "WordtVerwerkt": "exchange_processing",
    "AfgekeurdDoorDienst": "exchange_refused",
    "VerwerkingVoltooid": "exchange_processed",
    "WordtAangeboden": "exchange_offered",
    "Bezorgd": "exchange_delivered",
    "AanbiedenMislukt": "exchange_offer_failed",
    "BezorgingAfgebroken": "exchange_aborted",
}
"""The event a VECOZO status becomes on the gateway's message."""

REFUSED: frozenset[Status] = frozenset({"DeelberichtAanleveringAfgekeurd", "AfgekeurdDoorDienst"})
FINAL: frozenset[str] = frozenset({"exchange_refused", "exchange_delivered", "exchange_aborted"})
"""Events after which VECOZO's status of a message no longer changes."""

STATUS_OF: dict[str, Status] = {
    "received": "Ontvangen",
    "accepted": "VerwerkingVoltooid",
    "rejected": "AfgekeurdDoorDienst",
    "refused": "AfgekeurdDoorDienst",
    "queued": "WordtAangeboden",
    "delivery_failed": "AanbiedenMislukt",
    "delivered": "Bezorgd",
    "acknowledged": "Bezorgd",
    "dead_lettered": "BezorgingAfgebroken",
}
"""The status the local VECOZO reports for an event of the gateway's (others say none)."""
