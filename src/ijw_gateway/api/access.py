"""Who may see what: a party sees the messages it sent and those delivered to it."""

from __future__ import annotations

from collections.abc import Callable

from ijw_gateway.store.views import MessageView


def can_read(
    message: MessageView, party: str, original: Callable[[str], MessageView | None]
) -> bool:
    """Sender (or poster) always; receiver once the message was accepted for delivery.

    A return message composed by the gateway travels to the original sender; the
    original's receiver may read it too, but only when it received the original.
    """
    if party == message.poster or (message.origin == "party" and party == message.from_party):
        return True
    if party == message.to_party and message.accepted:
        return True
    if message.origin == "gateway" and party == message.from_party and message.answers_id:
        answered = original(message.answers_id)
        return answered is not None and answered.accepted
    return False
