"""Parties and keys (operators) and the mailbox (a party's own undelivered messages).

The same store calls as ``ijw-gateway parties …`` and ``GET /v1/mailbox``, with the same
checks (``gateway.checked_kind``, ``parties.check_endpoint``/``check_channel``). A new
key is shown once, on the answer to the form that made it, and never again.
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ijw_gateway.api.errors import trace_of
from ijw_gateway.console.session import Session
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import (
    checked_form,
    console_of,
    lang_of,
    operator,
    party,
    render,
    text_field,
)
from ijw_gateway.errors import NotFound
from ijw_gateway.gateway import checked_kind
from ijw_gateway.parties import (
    PartySpec,
    check_channel,
    check_endpoint,
    default_channel,
    new_key,
)
from ijw_gateway.store import Store

router = APIRouter()
Operator = Annotated[Session, Depends(operator)]
Party = Annotated[Session, Depends(party)]
Form = Annotated[FormData, Depends(checked_form)]
MAILBOX_SHOWN = 250  # as GET /v1/mailbox gives at most


async def _page(request: Request, status: int = 200, **context: object) -> Response:
    store = console_of(request).gateway.store
    found = await to_thread.run_sync(store.parties)
    return await render(request, "parties.html", status, parties=found, **context)


@router.get("/parties", response_class=HTMLResponse)
async def parties_page(request: Request, user: Operator) -> Response:
    return await _page(request)


@router.post("/parties", response_class=HTMLResponse)
async def add_party(request: Request, form: Form, user: Operator) -> Response:
    """Add (or rename) a party, as ``ijw-gateway parties add`` does."""
    code, endpoint = text_field(form, "code"), check_endpoint(text_field(form, "endpoint") or None)
    channel = text_field(form, "channel") or default_channel(endpoint)
    pairs = check_channel(channel, endpoint)
    spec = PartySpec(
        code, checked_kind(code), text_field(form, "name"), endpoint, (), channel, pairs
    )
    store = console_of(request).gateway.store
    await to_thread.run_sync(lambda: store.save_party(spec, endpoint=True, channel=True))
    return await _page(request, notice=words(lang_of(request))("saved"))


@router.post("/parties/{code}/channel", response_class=HTMLResponse)
async def set_channel(request: Request, code: str, form: Form, user: Operator) -> Response:
    endpoint = check_endpoint(text_field(form, "endpoint") or None)
    channel = text_field(form, "channel")
    pairs = check_channel(channel, endpoint)
    store = console_of(request).gateway.store
    await to_thread.run_sync(store.set_channel, code, channel, endpoint, pairs)
    return await _page(request, notice=words(lang_of(request))("saved"))


@router.post("/parties/{code}/keys", response_class=HTMLResponse)
async def issue_key(request: Request, code: str, form: Form, user: Operator) -> Response:
    """A new key for the party: its text is on this answer only (stored hashed)."""
    text, hashed = new_key()
    store = console_of(request).gateway.store
    await to_thread.run_sync(store.add_key, code, hashed)
    return await _page(request, new_key=text, new_key_party=code)


@router.post("/parties/{code}/keys/{key_id}/revoke", response_class=HTMLResponse)
async def revoke_key(
    request: Request, code: str, key_id: str, form: Form, user: Operator
) -> Response:
    store = console_of(request).gateway.store
    await to_thread.run_sync(_revoke, store, code, key_id)
    return await _page(request, notice=words(lang_of(request))("revoked"))


def _revoke(store: Store, code: str, key_id: str) -> None:
    """Revokes a key of this party (an id of another party's key is not found here)."""
    found = store.party(code)
    if found is None or key_id not in found.key_ids:
        raise NotFound(f"Party {code} has no active key {key_id}.")
    store.revoke_key(key_id)


@router.get("/mailbox", response_class=HTMLResponse)
async def mailbox(request: Request, user: Party) -> Response:
    store = console_of(request).gateway.store
    items = await to_thread.run_sync(store.mailbox, user.principal, MAILBOX_SHOWN)
    return await render(request, "mailbox.html", items=items)


@router.post("/mailbox/{message_id}/ack")
async def acknowledge(request: Request, message_id: str, form: Form, user: Party) -> Response:
    """As ``POST /v1/mailbox/{id}/ack``: the message leaves the mailbox for good."""
    store = console_of(request).gateway.store
    trace = trace_of(request)
    await to_thread.run_sync(store.acknowledge, message_id, user.principal, trace)
    return RedirectResponse(f"{console_of(request).base}/mailbox", status_code=303)
