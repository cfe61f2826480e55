"""Operator routes: pages of messages (parties: their own), dead letters (list, redeliver,
discard), what waits in the outbox, and the parties (list with key states, remove).

An operator's key (``ijw-gateway operators``) uses all of them; a party's key lists its
own messages and is refused (403 ``operator_only``) on the rest. Every page is read
through an index in its own order (``store.operations``); cursors are opaque.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ijw_gateway.api.access import can_read
from ijw_gateway.api.deps import GatewayDep, OperatorDep, ViewerDep
from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.operations_answers import (
    ActionAnswer,
    DeadLettersAnswer,
    MessagesAnswer,
    OutboxAnswer,
    PartiesAnswer,
    RemovedAnswer,
)
from ijw_gateway.api.routes import MessageId, answers
from ijw_gateway.errors import Unprocessable
from ijw_gateway.gateway import Gateway
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.operating import (
    aware,
    decode_cursor,
    encode_cursor,
    listed_json,
    party_json,
    waiting_page,
)
from ijw_gateway.store.operations import (
    DEAD,
    STATES,
    WAITING,
    DeadFilter,
    Listed,
    MessageFilter,
    Operations,
)

router = APIRouter(prefix="/v1")
PAGE_MAX = 500
Code = Annotated[str | None, Query(pattern=r"^([0-9]{4}|[0-9]{8})$")]
Type = Annotated[str | None, Query(pattern=r"^[A-Z]{2}[0-9]{3}$", description="e.g. JW301")]
Moment = Annotated[datetime | None, Query(description="ISO 8601; without a zone: UTC.")]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]
Cursor = Annotated[str | None, Query(max_length=120, description="`next` of the previous page.")]
Row = Annotated[
    str | None, Query(pattern=r"^[0-9]{1,18}$", description="`next` of the previous page.")
]
_OPERATOR_ONLY = {403: "A party's key (`operator_only`): only operators use this route."}


@router.get(
    "/messages",
    summary="Messages, filtered, a page at a time",
    responses=answers(
        MessagesAnswer,
        "Newest first. An operator sees every message; a party the ones it may read "
        "(`party` then names the other side).",
        {422: "A filter or the cursor is not as documented."},
        operators=True,
    ),
)
def list_messages(
    viewer: ViewerDep,
    gateway: GatewayDep,
    message: Type = None,
    party: Code = None,
    state: Annotated[str | None, Query(description=" | ".join(STATES))] = None,
    received_from: Annotated[Moment, Query(alias="from")] = None,
    received_to: Annotated[Moment, Query(alias="to", description="Exclusive.")] = None,
    identification: Annotated[str | None, Query(max_length=40)] = None,
    trace_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 100,
    after: Cursor = None,
) -> JSONResponse:
    """Filters: message type, party (sender or receiver), state, period of receipt
    (`from` inclusive, `to` exclusive), the message's own identification, trace id."""
    if state is not None and state not in STATES:
        raise Unprocessable(f"`state` is one of {', '.join(STATES)}.", "bad_state")
    where = MessageFilter(
        message, party, state, aware(received_from), aware(received_to), identification, trace_id
    )
    found = Operations(gateway.store).messages(where, decode_cursor(after), limit + 1, viewer.party)
    page, more = found[:limit], len(found) > limit
    visible = [m for m in page if listed_readable(gateway, m, viewer)]
    return JSONResponse(
        {
            "items": [listed_json(m) for m in visible],
            "has_more": more,
            "next": encode_cursor(page[-1], where) if more else None,
        }
    )


def listed_readable(gateway: Gateway, item: Listed, viewer: Viewer) -> bool:
    """Whether ``viewer`` may read a listed message (``api.access``): a page of a party's
    messages is read by the sides it is on, and a few of those it may not read (a
    rejected message addressed to it) are left out."""
    if viewer.operator:
        return True
    return can_read(item.message, viewer.principal, gateway.store.message)


@router.get(
    "/deadletters",
    summary="Dead letters, filtered, a page at a time",
    responses=answers(DeadLettersAnswer, "Oldest first.", _OPERATOR_ONLY, operators=True),
)
def list_dead_letters(
    operator: OperatorDep,
    gateway: GatewayDep,
    receiver: Code = None,
    message: Type = None,
    sender: Code = None,
    received_from: Annotated[Moment, Query(alias="from")] = None,
    received_to: Annotated[Moment, Query(alias="to")] = None,
    limit: Limit = 100,
    after: Row = None,
) -> JSONResponse:
    """Messages whose pushes gave up (they wait in the receiver's mailbox)."""
    where = DeadFilter(receiver, message, sender, aware(received_from), aware(received_to))
    rows = Operations(gateway.store).waiting(
        where, [DEAD], int(after) if after else None, limit + 1
    )
    return JSONResponse(waiting_page(rows, limit))


class Batch(BaseModel):
    """Which dead letters an action takes: `ids`, or every one the filters select, or
    with `all` every one (at most 500 a request; `more` says to send it again)."""

    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]] | None = Field(
        default=None, max_length=500
    )
    receiver: str | None = Field(default=None, pattern=r"^([0-9]{4}|[0-9]{8})$")
    message: str | None = Field(default=None, pattern=r"^[A-Z]{2}[0-9]{3}$")
    sender: str | None = Field(default=None, pattern=r"^([0-9]{4}|[0-9]{8})$")
    received_from: datetime | None = Field(default=None, alias="from")
    received_to: datetime | None = Field(default=None, alias="to")
    all: bool = Field(default=False, description="With no ids or filters: every dead letter.")

    def where(self) -> DeadFilter:
        """The filters; 422 when neither ids, filters nor ``all`` say which: an empty body
        never takes every dead letter by mistake."""
        chosen = self.model_fields_set & {
            "receiver",
            "message",
            "sender",
            "received_from",
            "received_to",
        }
        if self.ids is None and not self.all and not chosen:
            raise Unprocessable(
                "Name `ids`, give filters, or send `all: true` for every dead letter.",
                "no_selection",
            )
        return DeadFilter(
            self.receiver,
            self.message,
            self.sender,
            aware(self.received_from),
            aware(self.received_to),
        )


class Discard(Batch):
    reason: str = Field(min_length=3, max_length=300, description="Why (no personal data).")


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=300, description="Why (no personal data).")


def _action(name: str, done: tuple[int, bool]) -> JSONResponse:
    return JSONResponse({"action": name, "done": done[0], "more": done[1]})


_ACTION_ERRORS = {**_OPERATOR_ONLY, 422: "The body is not as documented (a reason is required)."}


@router.post(
    "/deadletters/{message_id}/redeliver",
    summary="Redeliver one dead letter",
    responses=answers(
        ActionAnswer,
        "Queued again (`done` 0: it was no dead letter).",
        _ACTION_ERRORS,
        operators=True,
    ),
)
def redeliver_one(
    request: Request, message_id: MessageId, operator: OperatorDep, gateway: GatewayDep
) -> JSONResponse:
    """Queue it again, due now, with a fresh delivery window; a `requeued` event says by
    whom."""
    done = Operations(gateway.store).redeliver(
        [message_id], DeadFilter(), _who(operator), trace_of(request)
    )
    return _action("redeliver", done)


@router.post(
    "/deadletters/redeliver",
    summary="Redeliver a filtered batch of dead letters",
    responses=answers(ActionAnswer, "Queued again.", _ACTION_ERRORS, operators=True),
)
def redeliver_batch(
    request: Request, batch: Annotated[Batch, Body()], operator: OperatorDep, gateway: GatewayDep
) -> JSONResponse:
    """The dead letters named by `ids`, or selected by the filters, queued again."""
    done = Operations(gateway.store).redeliver(
        batch.ids, batch.where(), _who(operator), trace_of(request)
    )
    return _action("redeliver", done)


@router.post(
    "/deadletters/{message_id}/discard",
    summary="Discard one dead letter, with a reason",
    responses=answers(
        ActionAnswer, "Discarded (`done` 0: it was no dead letter).", _ACTION_ERRORS, operators=True
    ),
)
def discard_one(
    request: Request,
    message_id: MessageId,
    body: Annotated[Reason, Body()],
    operator: OperatorDep,
    gateway: GatewayDep,
) -> JSONResponse:
    """It leaves the receiver's mailbox for good; a `discarded` event says by whom and why."""
    done = Operations(gateway.store).discard(
        [message_id], DeadFilter(), _who(operator), body.reason, trace_of(request)
    )
    return _action("discard", done)


@router.post(
    "/deadletters/discard",
    summary="Discard a filtered batch of dead letters, with a reason",
    responses=answers(ActionAnswer, "Discarded.", _ACTION_ERRORS, operators=True),
)
def discard_batch(
    request: Request, batch: Annotated[Discard, Body()], operator: OperatorDep, gateway: GatewayDep
) -> JSONResponse:
    done = Operations(gateway.store).discard(
        batch.ids, batch.where(), _who(operator), batch.reason, trace_of(request)
    )
    return _action("discard", done)


def _who(viewer: Viewer) -> str:
    return viewer.principal.replace(":", " ", 1)


@router.get(
    "/outbox",
    summary="What waits for delivery, per receiver and state",
    responses=answers(
        OutboxAnswer, "Counts and the waiting rows, oldest first.", _OPERATOR_ONLY, operators=True
    ),
)
def list_outbox(
    operator: OperatorDep,
    gateway: GatewayDep,
    receiver: Code = None,
    state: Annotated[str | None, Query(pattern="^(queued|dead)$")] = None,
    limit: Limit = 100,
    after: Row = None,
) -> JSONResponse:
    """Queued (not pushed yet, or waiting in a mailbox) and dead-lettered deliveries."""
    operations = Operations(gateway.store)
    states = [state] if state else list(WAITING)
    rows = operations.waiting(
        DeadFilter(receiver=receiver), states, int(after) if after else None, limit + 1
    )
    counts = [
        {"receiver": r, "state": s, "count": n}
        for r, s, n in operations.counts(receiver)
        if s in states
    ]
    return JSONResponse({"counts": counts, **waiting_page(rows, limit)})


@router.get(
    "/parties",
    summary="The parties with their keys' states",
    responses=answers(PartiesAnswer, "By code.", _OPERATOR_ONLY, operators=True),
)
def list_parties(operator: OperatorDep, gateway: GatewayDep) -> JSONResponse:
    """Every party (not removed) with its channel and every key: active or revoked, and
    when it was last used."""
    parties, keys = Operations(gateway.store).parties()
    return JSONResponse({"parties": [party_json(p, keys) for p in parties]})


@router.delete(
    "/parties/{code}",
    summary="Remove a party",
    responses=answers(
        RemovedAnswer,
        "Removed: its keys are revoked; a parties file does not bring it back.",
        {
            **_OPERATOR_ONLY,
            404: "There is no such party.",
            409: "Messages for it are not delivered yet (`party_has_undelivered`).",
        },
        operators=True,
    ),
)
def remove_party(
    code: Annotated[str, Path(pattern=r"^([0-9]{4}|[0-9]{8})$")],
    operator: OperatorDep,
    gateway: GatewayDep,
) -> JSONResponse:
    """Refused while messages for the party are queued or dead-lettered."""
    Operations(gateway.store).remove_party(code)
    gateway.forget_parties()
    return JSONResponse({"code": code, "removed": True})
