"""Track & trace: find a message, then its events, conversation, trajectory, XML and JSON.

Each read goes through the API's own functions and rules: ``api.routes.readable`` (an
operator reads every message, a party what it sent or received; a refused read is
recorded as on the API),
``api.access.can_read`` for the conversation's members, and the monitoring ``Viewer`` for
trajectories. Ids travel in the URL; what a user searches by is posted, never put there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ijw_gateway.api.access import can_read
from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.routes import readable
from ijw_gateway.console.judging import SHOWN_BYTES, json_model
from ijw_gateway.console.session import Session
from ijw_gateway.console.texts import words
from ijw_gateway.console.web import (
    checked_form,
    console_of,
    lang_of,
    render,
    signed_in,
    text_field,
)
from ijw_gateway.errors import NotFound
from ijw_gateway.gateway import Gateway
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.monitoring.model import Trajectory
from ijw_gateway.store import monitoring_reads as reads
from ijw_gateway.store.operations import STATES
from ijw_gateway.store.views import EventView, MessageView

router = APIRouter()
User = Annotated[Session, Depends(signed_in)]
MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")
EVENTS_SHOWN = 500


@dataclass(frozen=True)
class Traced:
    """Everything the message page shows."""

    message: MessageView
    verdict: dict[str, Any] | None
    events: list[EventView]
    conversation: list[MessageView]
    trajectories: list[tuple[Trajectory, list[reads.Step]]]
    xml: str | None
    model: str | None


@router.get("/trace", response_class=HTMLResponse)
async def trace_page(request: Request, user: User) -> Response:
    return await render(request, "trace.html", given={}, states=STATES)


@router.post("/trace")
async def find(
    request: Request,
    form: Annotated[FormData, Depends(checked_form)],
    user: User,
) -> Response:
    """A message id to its page (posted, so nothing a user typed lands in a URL)."""
    wanted = text_field(form, "id").lower()
    if not MESSAGE_ID.match(wanted):
        problem = words(lang_of(request))("not_found")
        return await render(request, "trace.html", 404, problem=problem, given={}, states=STATES)
    return RedirectResponse(f"{console_of(request).base}/messages/{wanted}", status_code=303)


@router.get("/messages/{message_id}", response_class=HTMLResponse)
async def message_page(request: Request, message_id: str, user: User) -> Response:
    if not MESSAGE_ID.match(message_id):
        raise NotFound(words(lang_of(request))("not_found"))
    gateway = console_of(request).gateway
    trace = trace_of(request)
    traced = await to_thread.run_sync(_traced, gateway, message_id, user, trace)
    return await render(request, "message.html", m=traced)


def _traced(gateway: Gateway, message_id: str, user: Session, trace: str) -> Traced:
    store = gateway.store
    message = readable(gateway, message_id, user, trace)
    members = store.conversation(message.conversation_id)
    visible = [m for m in members if user.operator or can_read(m, user.principal, store.message)]
    raw = store.raw(message_id) or b""
    return Traced(
        message,
        json.loads(message.verdict) if message.verdict else None,
        store.events(message_id, None, EVENTS_SHOWN),
        visible,
        _trajectories(gateway, message_id, user),
        raw.decode("utf-8", errors="replace") if len(raw) <= SHOWN_BYTES else None,
        json_model(raw) if message.kept == message.size and len(raw) <= SHOWN_BYTES else None,
    )


def _trajectories(
    gateway: Gateway, message_id: str, viewer: Viewer
) -> list[tuple[Trajectory, list[reads.Step]]]:
    """The message's trajectories the viewer may see, each with its timeline."""
    found = []
    with gateway.store.reading() as connection:
        for trajectory_id in reads.trajectories_of(connection, message_id):
            trajectory = reads.trajectory(connection, trajectory_id)
            if trajectory is not None and viewer.sees(trajectory.gemeente, trajectory.agb):
                found.append((trajectory, reads.timeline(connection, trajectory_id)))
    return found
