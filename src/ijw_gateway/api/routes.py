"""The HTTP API of the gateway: messages in, mailbox out, and what happened to each."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import State
from starlette.routing import Route

from ijw_gateway import xmlparse
from ijw_gateway.api.access import can_read
from ijw_gateway.api.answers import (
    AckAnswer,
    ConversationAnswer,
    EventsAnswer,
    IntakeAnswer,
    MailboxAnswer,
    MessageMeta,
    ZipAnswer,
)
from ijw_gateway.api.bodies import takes_json, xml_of_json
from ijw_gateway.api.deps import GatewayDep, PartyDep, ViewerDep, party_of
from ijw_gateway.api.errors import documented_errors, trace_of
from ijw_gateway.api.language import preferred_language
from ijw_gateway.api.offload import Offload
from ijw_gateway.catalogue.releases import DEFAULT, RELEASES
from ijw_gateway.errors import (
    Forbidden,
    InputRejected,
    NotFound,
    PayloadTooLarge,
    Stopping,
    Unprocessable,
)
from ijw_gateway.gateway import Gateway
from ijw_gateway.messages.jsonmodel import ModelError, to_json
from ijw_gateway.metrics import INTAKE_MESSAGES
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.operating import message_json
from ijw_gateway.received import Result
from ijw_gateway.store.views import EventView, MessageView
from ijw_gateway.xmlparse import MAX_BYTES
from ijw_gateway.zipped import ZIP_MAGIC

router = APIRouter(prefix="/v1")  # every route needs an API key (``party_of``)
MAX_BODY = 64 * 1024 * 1024  # a zip of 30 messages; each member is capped at 25 MB unpacked
MAILBOX_MAX = 250
EVENTS_MAX = 500
T = TypeVar("T")
MessageId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A message id.")]

_BODY_DOC = {
    "parameters": [
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "example": "nl"},
            "description": "The language of the findings' texts: `en` (the default) or `nl`; "
            "quality values and regions (`nl-NL`) are understood.",
        }
    ],
    "requestBody": {
        "required": True,
        "description": f"One iJw {DEFAULT.name} XML message, a zip archive of at most 30, or the JSON "
        "model of one message (as `GET /v1/messages/{id}?format=json` gives it), judged, "
        "stored and delivered as the XML it stands for. XML and zips are recognised by "
        "their first bytes; JSON by its Content-Type.",
        "content": {
            "application/xml": {"schema": {"type": "string"}},
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "message": {"type": "string", "example": "JW301"},
                        "release": {"type": "string", "enum": list(RELEASES)},
                    },
                    "additionalProperties": True,
                }
            },
        },
    },
}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(f"The body is larger than {MAX_BODY // 2**20} MB.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(f"The body is larger than {MAX_BODY // 2**20} MB.")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body:
        raise Unprocessable("The body is empty; send one XML message or a zip.", "empty_body")
    return body


def answers(
    ok: Any,
    meaning: str,
    errors: Mapping[int, str] | None = None,
    xml: bool = False,
    operators: bool = False,
) -> dict[int | str, Any]:
    """OpenAPI ``responses``: ``ok`` (a model of the JSON built by the route) for 200, and
    the failures of a route with an API key (``documented_errors``); a route that
    ``operators`` may use too does not refuse their keys."""
    success: dict[str, Any] = {"model": ok, "description": meaning}
    if xml:  # a message's bytes; the kept start of a large rejected one is no XML
        success["content"] = {
            "application/xml": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        }
    refused = dict(errors or {})
    if not operators:
        refused[403] = (
            f"{refused[403]} Or: {_OPERATOR}" if 403 in refused else _OPERATOR.capitalize()
        )
    return {200: success, **documented_errors(refused)}


_OPERATOR = "an operator's key (operators send no messages and have no mailbox)."


def _intake_threads(state: State) -> ThreadPoolExecutor:
    """At most ``intake_threads`` intakes of this process at once: they are CPU-bound
    Python, so more threads only trade the GIL back and forth. A plain executor hands work
    over more cheaply than anyio's thread pool (docs/performance.md); the app's lifespan
    shuts it down."""
    threads: ThreadPoolExecutor | None = getattr(state, "intake_executor", None)
    if threads is None:
        gateway: Gateway = state.gateway
        threads = state.intake_executor = ThreadPoolExecutor(
            gateway.settings.intake_threads, thread_name_prefix="ijw-intake"
        )
    return threads


def _count(results: list[Result]) -> None:
    for result in results:
        outcome = "accepted" if result.delivery else "rejected"
        if result.held:
            outcome = "held"
        if result.duplicate:
            outcome = "duplicate"
        INTAKE_MESSAGES.labels(str(result.report.get("message") or "unknown"), outcome).inc()


@router.post(
    "/messages",
    openapi_extra=_BODY_DOC,
    summary="Send a message (or a zip)",
    responses=answers(
        IntakeAnswer | ZipAnswer,
        "The verdict on the message (for a zip: `items`, one per member), accepted or not.",
        {
            403: "A message in the body travels from another party than the key's.",
            409: "The message it answers was already answered, or concurrent submissions of "
            "the same message kept colliding (retry).",
            413: f"The body is larger than {MAX_BODY // 2**20} MB (a JSON model: "
            f"{MAX_BYTES // 2**20} MB).",
            415: "The body is neither XML nor a zip, and its Content-Type names a type the "
            "route does not take (e.g. text/plain).",
            422: "The body is empty; neither XML, a zip nor labelled JSON; JSON that is not "
            "a message's model; or a message is addressed to a party this gateway does not "
            "know. (A message that fails validation is a 200 with its verdict.)",
            503: "The database cannot be reached (retry later), or a freeze window holds the "
            "release and type of a message in the body (`frozen`: nothing is stored; "
            "`Retry-After` says when to send it again).",
        },
    ),
)
async def post_messages(request: Request) -> JSONResponse:
    """Validate, answer, store and queue. The verdict is synchronous: the Report JSON, the
    return message when the standard has one, and where the message goes next. Posting the
    same bytes again returns the original verdict and never delivers twice. The findings'
    texts are in the language `Accept-Language` prefers: `en` (default) or `nl`."""
    # The hot route: it calls its dependencies itself, and ``api.fastroute`` serves it
    # without FastAPI's request handling (docs/performance.md).
    party = await party_of(request)
    body = await _body(request)
    is_json = takes_json(body, request.headers.get("content-type"))
    lang = preferred_language(request.headers.get("accept-language"))
    work = (take_body, party, body, is_json, lang, trace_of(request))
    results = await taken_in(request.app.state, Offload.takes(body), *work)
    _count(results)
    answer = (
        {"items": [r.to_json() for r in results]}
        if body.startswith(ZIP_MAGIC)
        else results[0].to_json()
    )
    return JSONResponse(answer, headers={"Content-Language": lang, "Vary": "Accept-Language"})


def take_body(
    gateway: Gateway, party: str, body: bytes, is_json: bool, lang: str, trace: str
) -> list[Result]:
    """A posted body through the intake of its findings' language, in an intake thread or
    the offload process: a JSON model becomes its XML there too (it is work in proportion
    to its size)."""
    return gateway.intakes[lang].submit(party, xml_of_json(body) if is_json else body, trace)


async def taken_in(state: State, large: bool, work: Callable[..., T], *args: object) -> T:
    """``work(gateway, *args)`` in one of the app's intake threads, or, for a ``large`` body
    (``Offload.takes``), in its offload process (``api.offload``). ``state``: the gateway
    app's (the VECOZO facade, a mounted app, holds it as ``host``)."""
    if large:
        return await _offloaded(state.offload, work, *args)
    call = partial(work, state.gateway, *args)
    return await asyncio.get_running_loop().run_in_executor(_intake_threads(state), call)


async def _offloaded(offload: Offload, work: Callable[..., T], *args: object) -> T:
    """A large body, taken in by the offload process (``api.offload``)."""
    try:
        return await asyncio.wrap_future(offload.submit(work, *args))
    except BrokenProcessPool:  # it died (killed, out of memory): the next body gets a new one
        offload.reset()
        raise
    except asyncio.CancelledError:  # SIGTERM's grace ran out: answered, not dropped
        raise Stopping(
            "The gateway is stopping and did not finish judging this message; nothing of it "
            "was stored. Send it again."
        ) from None


def hot_routes() -> list[Route]:
    """The routes ``api.fastroute`` serves directly: their endpoints take only the request."""
    return [r for r in router.routes if isinstance(r, Route) and r.endpoint is post_messages]


_READ_ERRORS = {
    403: "The message was neither sent by nor delivered to the key's party (an operator's "
    "key reads every message).",
    404: "There is no message with this id.",
}


def readable(gateway: Gateway, message_id: str, viewer: Viewer, trace: str) -> MessageView:
    """The message, when ``viewer`` may read it: an operator every one, a party its own."""
    message = gateway.store.message(message_id)
    if message is None:
        raise NotFound(f"There is no message {message_id}.")
    party = viewer.principal
    if not viewer.operator and not can_read(message, party, gateway.store.message):
        gateway.store.record_event(message_id, "forbidden", party, "read refused", trace)
        raise Forbidden(
            "A party may only read messages it sent or that were delivered to it.",
            "not_your_message",
        )
    return message


def _meta(message: MessageView) -> dict[str, object]:
    return {
        **message_json(message),
        "sha256": message.sha256,
        "size": message.size,
        "kept": message.kept,
        "verdict": json.loads(message.verdict) if message.verdict else None,
    }


@router.get(
    "/messages/{message_id}",
    summary="A message as received",
    responses=answers(
        MessageMeta | dict[str, Any],
        "The message: its bytes as received by default (`xml`); its lossless JSON model "
        "(`json`); who, when, verdict and links (`meta`); or, to the receiver of a "
        "message it answers itself (answer mode `party`), the answer the gateway would "
        "have composed, as advice (`advice`). Of a rejected message over "
        "1 MB only the first 64 kB are kept: `xml` answers them as "
        "`application/octet-stream` with the header `X-Ijw-Kept: <kept> of <size> bytes`.",
        {
            **_READ_ERRORS,
            422: "A parameter is not as documented, or `format=json` was asked of a "
            "message that has no JSON model (it is not a well-formed iJw message, or it holds "
            "what JSON cannot carry, such as an attribute).",
        },
        xml=True,
        operators=True,
    ),
)
def get_message(
    request: Request,
    message_id: MessageId,
    viewer: ViewerDep,
    gateway: GatewayDep,
    format: Annotated[Literal["xml", "json", "meta", "advice"], Query()] = "xml",
) -> Response:
    """``xml``: the bytes exactly as received; ``json``: the lossless JSON model;
    ``meta``: who, when, verdict and links; ``advice``: the answer the gateway would have
    composed (only its receiver reads it: it is a draft in the receiver's name)."""
    message = readable(gateway, message_id, viewer, trace_of(request))
    if format == "meta":
        return JSONResponse(_meta(message))
    if format == "advice":
        return _advice(gateway, message, viewer.principal)
    raw = gateway.store.raw(message_id) or b""
    if message.kept < message.size:
        return _prefix(message, raw, format)
    if format == "xml":
        return Response(raw, media_type="application/xml")
    try:
        return JSONResponse(to_json(xmlparse.parse(raw).getroot()))
    except (InputRejected, ModelError):
        raise Unprocessable(
            "This message has no JSON model (it is not a well-formed iJw message, or it "
            "holds what JSON cannot carry, such as an attribute); "
            "ask for format=xml.",
            "no_json_model",
        ) from None


def _advice(gateway: Gateway, message: MessageView, party: str) -> Response:
    """The advice on a message its receiver answers itself, to that receiver alone."""
    advice = gateway.store.advice(message.id) if party == message.to_party else None
    if advice is None:
        raise NotFound(
            f"Message {message.id} has no advice for this party: the gateway keeps one only "
            "for the receiver of a message it answers itself (answer mode party)."
        )
    return Response(advice, media_type="application/xml")


def _prefix(message: MessageView, raw: bytes, format: str) -> Response:
    """A large rejected message, of which the store kept only the start: that start, as
    bytes (it is no XML document on its own), saying so in a header; no JSON model."""
    if format == "json":
        raise Unprocessable(
            f"Only the first {message.kept} of the {message.size} bytes of this rejected "
            "message were kept, so it has no JSON model; format=xml gives them.",
            "no_json_model",
        )
    kept = {"X-Ijw-Kept": f"{message.kept} of {message.size} bytes"}
    return Response(raw, media_type="application/octet-stream", headers=kept)


def _event(event: EventView) -> dict[str, object]:
    return {
        "at": _iso(event.at),
        "kind": event.kind,
        "party": event.party,
        "detail": event.detail,
        "trace_id": event.trace_id,
        "count": event.count,
        "last_at": _iso(event.last_at) if event.last_at else None,
    }


@router.get(
    "/messages/{message_id}/events",
    summary="What happened to a message",
    responses=answers(
        EventsAnswer, "Its status history, a page at a time.", _READ_ERRORS, operators=True
    ),
)
def get_events(
    request: Request,
    message_id: MessageId,
    viewer: ViewerDep,
    gateway: GatewayDep,
    limit: Annotated[int, Query(ge=1, le=EVENTS_MAX)] = 100,
    after: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,18}$", description="`next` of the previous page."),
    ] = None,
) -> JSONResponse:
    """received, accepted/rejected, queued, delivered, delivery_failed, dead_lettered,
    acknowledged (and duplicate_received, retour_composed, forbidden), in the order
    recorded; refused reads and re-posts are counted, not repeated. At most ``limit`` per
    page; ``has_more`` and ``next`` (pass it as ``after``) lead to the next page."""
    readable(gateway, message_id, viewer, trace_of(request))
    found = gateway.store.events(message_id, int(after) if after else None, limit + 1)
    page = found[:limit]
    more = len(found) > limit
    return JSONResponse(
        {
            "id": message_id,
            "events": [_event(e) for e in page],
            "has_more": more,
            "next": str(page[-1].id) if more else None,
        }
    )


@router.get(
    "/conversations/{message_id}",
    summary="A message with its answers",
    responses=answers(
        ConversationAnswer, "The conversation it belongs to.", _READ_ERRORS, operators=True
    ),
)
def get_conversation(
    request: Request, message_id: MessageId, viewer: ViewerDep, gateway: GatewayDep
) -> JSONResponse:
    """The conversation a message belongs to: the original and its answers (retour,
    301↔302, 323↔325 by DeclaratieIdentificatie, 315/317→316/318→319/301 by
    ReferentieAanbieder), oldest first; only the messages this party may read (an
    operator: all of them)."""
    message = readable(gateway, message_id, viewer, trace_of(request))
    members = gateway.store.conversation(message.conversation_id)
    party = viewer.principal
    visible = [m for m in members if viewer.operator or can_read(m, party, gateway.store.message)]
    return JSONResponse(
        {"conversation": message.conversation_id, "messages": [_meta(m) for m in visible]}
    )


@router.get(
    "/mailbox",
    summary="Messages waiting for you",
    responses=answers(MailboxAnswer, "The caller's unacknowledged messages, a page at a time."),
)
def get_mailbox(
    party: PartyDep,
    gateway: GatewayDep,
    limit: Annotated[int, Query(ge=1, le=MAILBOX_MAX)] = 100,
    after: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,18}$", description="`next` of the previous page."),
    ] = None,
) -> JSONResponse:
    """Messages delivered to this party that it has not acknowledged (queued or
    dead-lettered pushes included), oldest first, with their XML exactly as received. At
    most ``limit`` per page; ``has_more`` and ``next`` (pass it as ``after``) lead on."""
    found = gateway.store.mailbox(party, limit + 1, int(after) if after else None)
    page = found[:limit]
    more = len(found) > limit
    return JSONResponse(
        {
            "items": [
                {
                    "id": item.message_id,
                    "message": item.type,
                    "from": item.from_party,
                    "received_at": _iso(item.received_at),
                    "state": item.state,
                    "attempts": item.attempts,
                    "xml": item.raw.decode("utf-8", errors="replace"),
                    "verdict": json.loads(item.verdict) if item.verdict else None,
                    "advice": item.advice.decode("utf-8") if item.advice else None,
                }
                for item in page
            ],
            "has_more": more,
            "next": str(page[-1].cursor) if more else None,
        }
    )


@router.post(
    "/mailbox/{message_id}/ack",
    summary="Acknowledge a mailbox message",
    responses=answers(
        AckAnswer,
        "Acknowledged (again, if `already`).",
        {
            403: "The message is in another party's mailbox.",
            404: "No message with this id was ever in a mailbox.",
        },
    ),
)
def ack(
    request: Request, message_id: MessageId, party: PartyDep, gateway: GatewayDep
) -> JSONResponse:
    """After this the message leaves the mailbox and is never pushed again."""
    fresh = gateway.store.acknowledge(message_id, party, trace_of(request))
    return JSONResponse({"id": message_id, "state": "acked", "already": not fresh})
