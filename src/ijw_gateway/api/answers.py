"""The JSON the API answers with, as models for the OpenAPI.

The routes build their JSON directly (the hot route answers hundreds of messages a second,
and validating our own answers would cost more than building them); these models only
describe it. Every field is required and nothing else is allowed, so the tests that check
real answers against these models fail when either side changes alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ijw_gateway.findings import MAX_FINDINGS, Level


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FindingAnswer(_Answer):
    level: Level = Field(description="The control level that found it.")
    rule: str | None = Field(description="The standard's rule code, e.g. `TR332`.")
    retourcode: str | None = Field(description="The retourcode that answers it, if any.")
    path: str = Field(description="Where: the element path in the message.")
    line: int = Field(description="The line in the message.")
    text: str = Field(description="What is wrong, for people.")


class Verdict(_Answer):
    """The verdict on one message: the same JSON as `ijw-gateway validate --json`."""

    file: str
    message: str | None = Field(description="The message type, e.g. `JW301`.")
    release: str | None
    schema_valid: bool
    accepted: bool = Field(description="Schema-valid and without findings.")
    retourcodes: list[str] = Field(description="Distinct retourcodes, in the order found.")
    findings: list[FindingAnswer] = Field(
        description=f"The first {MAX_FINDINGS:,} findings; `retourcodes` covers all of them."
    )
    findings_omitted: int = Field(description=f"Findings beyond the first {MAX_FINDINGS:,}.")


class RetourAnswer(_Answer):
    id: str = Field(description="The return message's own id in this gateway.")
    message: str | None = Field(description="`JW302`, `JW306`, ... or `JW325`.")
    xml: str = Field(description="The return message itself.")


class Delivery(_Answer):
    receiver: str | None
    state: str = Field(
        description="`queued` when accepted for delivery, or held for the receiver's "
        "decision (answer mode `party`, with `accepted: false`)."
    )


class IntakeAnswer(_Answer):
    """What the sender hears about one message."""

    id: str | None = Field(description="The message's id; none for an unreadable zip member.")
    duplicate: bool = Field(description="These exact bytes were sent before: their verdict.")
    accepted: bool
    verdict: Verdict
    retour: RetourAnswer | None = Field(description="The return message, when one applies.")
    delivery: Delivery | None = Field(
        description="Where the message goes, when accepted or held for its receiver."
    )
    conversation: str | None


class ZipAnswer(_Answer):
    items: list[IntakeAnswer] = Field(description="One answer per member, in zip order.")


class MessageMeta(_Answer):
    """Who sent a message to whom, when, its verdict and its links (`format=meta`)."""

    id: str
    message: str | None
    origin: Literal["party", "gateway"] = Field(
        description="`gateway` for a return message the gateway composed."
    )
    from_: str | None = Field(alias="from")
    to: str | None
    received_at: str = Field(description="ISO 8601, UTC (`Z`).")
    accepted: bool
    answers: str | None = Field(description="The id of the message this one answers.")
    conversation: str
    sha256: str = Field(description="Of the bytes exactly as received.")
    size: int = Field(description="Of the bytes exactly as received.")
    kept: int = Field(
        description="Bytes of them kept: all, or the first 64 kB of a rejected message over 1 MB."
    )
    verdict: Verdict | None


class EventAnswer(_Answer):
    at: str = Field(description="ISO 8601, UTC (`Z`); the first time, when counted.")
    kind: str = Field(description="`received`, `accepted`, `queued`, `delivered`, ...")
    party: str | None
    detail: str
    trace_id: str = Field(description="Also in the gateway's log lines (of the first time).")
    count: int = Field(
        description="How often it happened: a refused read (`forbidden`) or a re-post "
        "(`duplicate_received`) by one party is one event, counted."
    )
    last_at: str | None = Field(description="ISO 8601, UTC: the last time, when count > 1.")


class EventsAnswer(_Answer):
    id: str
    events: list[EventAnswer] = Field(description="In the order recorded, at most `limit`.")
    has_more: bool = Field(description="More events follow: ask again with `after=next`.")
    next: str | None = Field(description="The cursor of the next page (opaque), if any.")


class ConversationAnswer(_Answer):
    conversation: str
    messages: list[MessageMeta] = Field(description="Those the caller may read, oldest first.")


class MailboxItemAnswer(_Answer):
    id: str
    message: str | None
    from_: str | None = Field(alias="from")
    received_at: str = Field(description="ISO 8601, UTC (`Z`).")
    state: Literal["queued", "dead"] = Field(
        description="`queued` (no push yet, or no push endpoint) or `dead` (pushes gave up)."
    )
    attempts: int = Field(description="Push attempts so far.")
    xml: str = Field(description="The message exactly as received.")
    verdict: Verdict | None = Field(
        description="The gateway's verdict, when you answer this message yourself "
        "(answer mode `party`); otherwise null."
    )
    advice: str | None = Field(
        description="With `verdict`: the return message (or JW325) the gateway would have "
        "composed in your name, as advice; your own answer is the one that is sent."
    )


class MailboxAnswer(_Answer):
    items: list[MailboxItemAnswer] = Field(description="Oldest first, at most `limit`.")
    has_more: bool = Field(description="More items follow: ask again with `after=next`.")
    next: str | None = Field(description="The cursor of the next page (opaque), if any.")


class AckAnswer(_Answer):
    id: str
    state: Literal["acked"]
    already: bool = Field(description="It had been acknowledged before.")
