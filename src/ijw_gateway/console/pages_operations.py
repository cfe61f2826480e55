"""Dead letters and outbox (operators), and the message search (parties: their own).

The store's operator reads and actions (``store.operations``, as ``GET /v1/messages``,
``/v1/deadletters``, ``/v1/outbox`` and ``POST /v1/deadletters/{id}/redeliver`` use them),
with the API's rules: a party's search lists the messages it may read; the dead letters
and the outbox are the operators', who redeliver or discard (with a reason) a dead
letter. What a user searches by is posted, never in a URL.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.operations import message_page
from ijw_gateway.console.paging import Page, href, limit_of, row_after, rows_page
from ijw_gateway.console.session import Session
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import (
    checked_form,
    console_of,
    lang_of,
    operator,
    refused,
    render,
    signed_in,
    text_field,
)
from ijw_gateway.store.operations import (
    DEAD,
    STATES,
    WAITING,
    DeadFilter,
    MessageFilter,
    Operations,
    Waiting,
)

router = APIRouter()
Operator = Annotated[Session, Depends(operator)]
User = Annotated[Session, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]
SHOWN = 100  # rows a page shows at most (the API's default ``limit``)
REASON_MIN, REASON_MAX = 3, 300  # a discard's reason, as the API's ``Reason`` takes it
SEARCH_FIELDS = (
    "identification",
    "trace_id",
    "message",
    "party",
    "state",
    "from",
    "to",
    "limit",
)
CURSOR_MAX = 120  # as the API's ``after`` of ``GET /v1/messages``


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


@router.post("/trace/search", response_class=HTMLResponse)
async def search(request: Request, form: Form, user: User) -> Response:
    """A page of the messages the user may read, newest first; its "next page" posts the
    same filters again with the API's cursor (``after``), so nothing lands in a URL."""
    where = _filter(form)
    limit = limit_of(text_field(form, "limit"), SHOWN)
    after = text_field(form, "after") or None
    if after is not None and len(after) > CURSOR_MAX:
        raise refused("'after' is not a cursor of this search.")
    gateway = console_of(request).gateway
    found, following = await to_thread.run_sync(message_page, gateway, where, after, limit, user)
    given = {name: text_field(form, name) for name in SEARCH_FIELDS}
    return await render(
        request,
        "trace.html",
        found=found,
        given=given,
        states=STATES,
        following=following,
        paged=after is not None,
    )


@router.get("/dead-letters", response_class=HTMLResponse)
async def dead_letters(request: Request, user: Operator) -> Response:
    """The dead letters and the waiting rows, each a page at a time (``dead_after`` and
    ``outbox_after``: the API's ``next`` of ``GET /v1/deadletters`` and ``/v1/outbox``)."""
    given = request.query_params
    limit = limit_of(given.get("limit"), SHOWN)
    dead_after = row_after(given.get("dead_after"), "dead_after")
    outbox_after = row_after(given.get("outbox_after"), "outbox_after")
    at = {
        "dead_after": dead_after,
        "outbox_after": outbox_after,
        "limit": limit if given.get("limit") else None,
    }
    operations = Operations(console_of(request).gateway.store)

    def read(states: list[str], after: int | None) -> Page[Waiting]:
        rows = operations.waiting(DeadFilter(), states, after, limit + 1)
        return rows_page(rows, limit, lambda row: row.outbox_id)

    dead = await to_thread.run_sync(read, [DEAD], dead_after)
    waiting = await to_thread.run_sync(read, list(WAITING), outbox_after)
    counts = await to_thread.run_sync(operations.counts, None)
    path = f"{console_of(request).base}/dead-letters"
    return await render(
        request,
        "deadletters.html",
        dead=dead.items,
        dead_next=dead.next and href(path, {**at, "dead_after": dead.next}),
        waiting=waiting.items,
        waiting_next=waiting.next and href(path, {**at, "outbox_after": waiting.next}),
        first=href(path, {"limit": at["limit"]}) if dead_after or outbox_after else None,
        counts=counts,
    )


@router.post("/dead-letters/{message_id}/redeliver")
async def redeliver(request: Request, message_id: str, form: Form, user: Operator) -> Response:
    """As ``POST /v1/deadletters/{id}/redeliver``: queued again, due now; a ``requeued``
    event names the operator."""
    operations = Operations(console_of(request).gateway.store)
    who, trace = _who(user), trace_of(request)
    await to_thread.run_sync(lambda: operations.redeliver([message_id], DeadFilter(), who, trace))
    return RedirectResponse(f"{console_of(request).base}/dead-letters", status_code=303)


@router.post("/dead-letters/{message_id}/discard")
async def discard(request: Request, message_id: str, form: Form, user: Operator) -> Response:
    """As ``POST /v1/deadletters/{id}/discard``: it leaves the receiver's mailbox for good;
    a ``discarded`` event names the operator and the reason, which is required (as the
    API's: 3 to 300 characters) so that whoever reads the message later knows why."""
    reason = text_field(form, "reason")
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise refused(words(lang_of(request))("discard_reason_needed"))
    operations = Operations(console_of(request).gateway.store)
    who, trace = _who(user), trace_of(request)
    await to_thread.run_sync(
        lambda: operations.discard([message_id], DeadFilter(), who, reason, trace)
    )
    return RedirectResponse(f"{console_of(request).base}/dead-letters", status_code=303)


def _who(user: Session) -> str:
    """How an event names the operator: ``operator <name>``, as the API's actions do."""
    return user.principal.replace(":", " ", 1)
