"""Dead letters and outbox (operators), and the message search (parties: their own).

The store's operator reads and actions (``store.operations``, as ``GET /v1/messages``,
``/v1/deadletters``, ``/v1/outbox`` and ``POST /v1/deadletters/{id}/redeliver`` use them),
with the API's rules: a party's search lists the messages it may read; the dead letters
and the outbox are the operators'. What a user searches by is posted, never in a URL.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.operations import listed_readable
from ijw_gateway.console.session import Session
from ijw_gateway.console.web import (
    checked_form,
    console_of,
    operator,
    refused,
    render,
    signed_in,
    text_field,
)
from ijw_gateway.gateway import Gateway
from ijw_gateway.store.operations import (
    DEAD,
    STATES,
    WAITING,
    DeadFilter,
    Listed,
    MessageFilter,
    Operations,
)

router = APIRouter()
Operator = Annotated[Session, Depends(operator)]
User = Annotated[Session, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]
SHOWN = 100  # rows a page shows (the API pages on; the console shows the first)
SEARCH_FIELDS = ("identification", "trace_id", "message", "party", "state", "from", "to")


def _day(form: FormData, name: str) -> datetime | None:
    given = text_field(form, name)
    if not given:
        return None
    try:
        return datetime.combine(datetime.fromisoformat(given).date(), time(), UTC)
    except ValueError:
        raise refused(f"'{name}' is not a date (YYYY-MM-DD).") from None


def _filter(form: FormData) -> MessageFilter:
    state = text_field(form, "state") or None
    if state is not None and state not in STATES:
        raise refused(f"The state is one of {', '.join(STATES)}.")
    return MessageFilter(
        text_field(form, "message").upper() or None,
        text_field(form, "party") or None,
        state,
        _day(form, "from"),
        _day(form, "to"),
        text_field(form, "identification") or None,
        text_field(form, "trace_id") or None,
    )


def _found(gateway: Gateway, where: MessageFilter, user: Session) -> list[Listed]:
    """The first page of messages the user may read (``GET /v1/messages``'s rule)."""
    page = Operations(gateway.store).messages(where, None, SHOWN, user.party)
    return [m for m in page if listed_readable(gateway, m, user)]


@router.post("/trace/search", response_class=HTMLResponse)
async def search(request: Request, form: Form, user: User) -> Response:
    where = _filter(form)
    gateway = console_of(request).gateway
    found = await to_thread.run_sync(_found, gateway, where, user)
    given = {name: text_field(form, name) for name in SEARCH_FIELDS}
    return await render(request, "trace.html", found=found, given=given, states=STATES)


@router.get("/dead-letters", response_class=HTMLResponse)
async def dead_letters(request: Request, user: Operator) -> Response:
    operations = Operations(console_of(request).gateway.store)
    dead = await to_thread.run_sync(operations.waiting, DeadFilter(), [DEAD], None, SHOWN)
    waiting = await to_thread.run_sync(operations.waiting, DeadFilter(), list(WAITING), None, SHOWN)
    counts = await to_thread.run_sync(operations.counts, None)
    return await render(request, "deadletters.html", dead=dead, waiting=waiting, counts=counts)


@router.post("/dead-letters/{message_id}/redeliver")
async def redeliver(request: Request, message_id: str, form: Form, user: Operator) -> Response:
    """As ``POST /v1/deadletters/{id}/redeliver``: queued again, due now; a ``requeued``
    event names the operator."""
    operations = Operations(console_of(request).gateway.store)
    who = user.principal.replace(":", " ", 1)
    trace = trace_of(request)
    await to_thread.run_sync(lambda: operations.redeliver([message_id], DeadFilter(), who, trace))
    return RedirectResponse(f"{console_of(request).base}/dead-letters", status_code=303)
