"""The JSON of the operator routes (``api.operations``), as models for the OpenAPI; like
``api.answers``, they describe what the routes build and the tests check real answers
against them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ijw_gateway.api.answers import _Answer

ISO = "ISO 8601, UTC (`Z`)."


class _Page(_Answer):
    has_more: bool = Field(description="More follow: ask again with `after=next`.")
    next: str | None = Field(description="The cursor of the next page (opaque), if any.")


class ListedMessage(_Answer):
    id: str
    message: str | None = Field(description="The message type, e.g. `JW301`.")
    origin: Literal["party", "gateway"]
    from_: str | None = Field(alias="from")
    to: str | None
    received_at: str = Field(description=ISO)
    accepted: bool
    state: str = Field(
        description="`rejected`; or accepted and then its delivery's state: `queued`, "
        "`delivered`, `dead`, `acked`, `discarded` (`accepted`: nothing to deliver)."
    )
    answers: str | None
    conversation: str
    size: int
    trace_id: str


class MessagesAnswer(_Page):
    items: list[ListedMessage] = Field(description="Newest first, at most `limit`.")


class WaitingAnswer(_Answer):
    id: str = Field(description="The message's id.")
    message: str | None
    from_: str | None = Field(alias="from")
    receiver: str
    received_at: str = Field(description=ISO)
    state: Literal["queued", "dead"]
    attempts: int = Field(description="Push attempts so far.")
    queued_at: str = Field(description=ISO)
    next_attempt_at: str = Field(description=ISO)
    deadline_at: str = Field(description=f"When pushes give up. {ISO}")
    last_error: str | None = Field(description="Why the last push failed.")


class DeadLettersAnswer(_Page):
    items: list[WaitingAnswer] = Field(description="Oldest first, at most `limit`.")


class WaitingCount(_Answer):
    receiver: str
    state: Literal["queued", "dead"]
    count: int


class OutboxAnswer(_Page):
    counts: list[WaitingCount] = Field(description="Per receiver and state, of all that waits.")
    items: list[WaitingAnswer] = Field(description="Oldest first, at most `limit`.")


class ActionAnswer(_Answer):
    action: Literal["redeliver", "discard"]
    done: int = Field(description="Dead letters taken (each now has an event saying so).")
    more: bool = Field(description="More dead letters match the filters: send it again.")


class KeyAnswer(_Answer):
    id: str
    state: Literal["active", "revoked"]
    created_at: str = Field(description=ISO)
    revoked_at: str | None
    last_used_at: str | None = Field(
        description="When the key was last verified (exact to within the key cache's seconds)."
    )


class PartyAnswer(_Answer):
    code: str
    kind: str
    name: str
    channel: str
    endpoint: str | None
    keys: list[KeyAnswer]


class PartiesAnswer(_Answer):
    parties: list[PartyAnswer] = Field(description="By code; removed parties are not listed.")


class RemovedAnswer(_Answer):
    code: str
    removed: Literal[True]
