"""The local VECOZO: VECOZO's push v1, pull v1 and berichtstatus v3 routes, served by the
gateway under ``/vecozo``, so provider software configured for VECOZO can point at it.

``<gateway>/vecozo`` is the base URL (VECOZO's is ``…/berichtenservice``). A push is taken
in as a message from the pushing party (``arrivals.take``): validated, stored, queued to
its receiver by the receiver's channel, its return message queued back to the sender. A
party's pull is its mailbox: what waits for it, whatever channel put it there. Statuses
are the gateway's own events as VECOZO names them (``vecozo.status.STATUS_OF``).

Parties authenticate with their API key (``Authorization: Bearer`` or ``X-API-Key``), not
with a system certificate: the gateway's TLS, where it has any, ends in front of it.
Failures are answered as problem details, as VECOZO answers them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import State
from starlette.exceptions import HTTPException

from ijw_gateway.api.access import can_read
from ijw_gateway.api.deps import GatewayDep, PartyDep
from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.offload import Offload
from ijw_gateway.api.routes import taken_in
from ijw_gateway.errors import IjwGatewayError, NotFound, RequestRefused, Unprocessable
from ijw_gateway.gateway import Gateway
from ijw_gateway.store.views import Listed, MessageView
from ijw_gateway.vecozo.ijw import CHANNEL, arrival_of, berichtstroom, relatie
from ijw_gateway.vecozo.model import (
    Basisgegevens,
    BerichtMetadata,
    BerichtstatusGegevens,
    Checksum,
    Gereed,
    HTTPSDownload,
    Melding,
    Referentiegegevens,
    Routeringgegevens,
    Zoekpad,
    ZoekpadOpAlsAntwoordOp,
    ZoekpadOpConversatieId,
)
from ijw_gateway.vecozo.status import STATUS_OF
from ijw_gateway.wire import our_id, wire_id

PUSH = "/berichten/rest-push/v1"
PULL = "/berichten/rest-pull/v1"
STATUS = "/berichtstatus/rest-pull/v3"
MAX_BODY = 64 * 2**20  # as the gateway's own API
Limit = Annotated[int, Query(ge=1, le=250)]
_SEARCH: TypeAdapter[Any] = TypeAdapter(Zoekpad)
_UUID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


def problem(
    status: int,
    title: str,
    detail: str = "",
    errors: dict[str, list[str]] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, headers=headers)


def _errors(exc: ValidationError | RequestValidationError) -> dict[str, list[str]]:
    """Field -> messages; never the values sent (they may be anything)."""
    found: dict[str, list[str]] = {}
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query"))
        found.setdefault(where or "request", []).append(str(error.get("msg", "invalid"))[:200])
    return found


def facade(gateway: Gateway, host: State) -> FastAPI:
    """The sub-application the gateway mounts at ``/vecozo``; ``host``: the gateway app's
    state (its intake threads and offload process take pushes in)."""
    app = FastAPI(  # no pages of its own: /docs is offline, VECOZO publishes its OpenAPI
        title="ijw-gateway: local VECOZO",
        description="VECOZO's push v1, pull v1 and berichtstatus v3, served by the gateway.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.gateway = gateway
    app.state.host = host

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem(400, "Bad request", errors=_errors(exc))

    @app.exception_handler(IjwGatewayError)
    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, IjwGatewayError)
        status = exc.http_status if exc.http_status != 409 else 422
        detail = str(exc) if isinstance(exc, RequestRefused) else ""
        return problem(status, exc.code, detail, retry_after=exc.retry_after)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return problem(exc.status_code, str(exc.detail))

    app.add_api_route(f"{PUSH}/berichten", push, methods=["POST"], status_code=204)
    app.add_api_route(f"{PULL}/berichten", ready, methods=["GET"])
    app.add_api_route(f"{PULL}/berichten/zoeken", search, methods=["POST"])
    app.add_api_route(f"{PULL}/berichten/{{traceerId}}/payload", payload, methods=["GET"])
    app.add_api_route(f"{PULL}/berichten/{{traceerId}}", acknowledge, methods=["DELETE"])
    app.add_api_route(f"{STATUS}/berichtstatussen", statuses, methods=["GET"])
    return app


# -- push -------------------------------------------------------------------------------------


async def push(request: Request, party: PartyDep) -> Response:
    """Bericht versturen: multipart ``berichtMetadata`` (JSON) and ``payload``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return problem(422, "Bericht te groot", f"at most {MAX_BODY // 2**20} MB")
    try:
        form = await request.form(max_files=2, max_fields=2, max_part_size=MAX_BODY)
    except HTTPException:
        return problem(400, "Bad request", "the body is not multipart/form-data")
    parts = {}
    for name in ("berichtMetadata", "payload"):
        value = form.get(name)
        parts[name] = await value.read() if hasattr(value, "read") else (value or "").encode()  # type: ignore[union-attr]
    await form.close()
    if not parts["berichtMetadata"] or not parts["payload"]:
        return problem(400, "Bad request", errors={"request": ["berichtMetadata and payload"]})
    try:
        metadata = BerichtMetadata.model_validate_json(parts["berichtMetadata"])
    except ValidationError as exc:
        return problem(400, "Bad request", errors=_errors(exc))
    data, host = parts["payload"], request.app.state.host
    await taken_in(host, Offload.takes(data), take_push, party, metadata, data, trace_of(request))
    return Response(status_code=204)


def take_push(
    gateway: Gateway, party: str, metadata: BerichtMetadata, data: bytes, trace: str
) -> None:
    """In an intake thread of the gateway app, or its offload process for a large payload."""
    arrival = arrival_of(metadata)
    if arrival.sender != party:
        raise Unprocessable(
            "A party may only push as itself: the afzender is not the party of the API key.",
            "not_the_sender",
        )
    taken = gateway.arrivals.take(arrival, data, trace, keep_refused=False)
    if taken.outcome == "duplicate":
        earlier = gateway.store.message(taken.id)
        if earlier is None or earlier.sha256 != hashlib.sha256(data).hexdigest():
            raise Unprocessable("This traceerId was used for another message.", "traceer_id_used")


# -- pull -------------------------------------------------------------------------------------


def _listing(request: Request, item: Listed) -> dict[str, object]:
    trace = item.trace_ref or wire_id(item.message_id)
    url = str(request.url_for("payload", traceerId=trace))
    answers = item.answers_ref or (wire_id(item.answers_id) if item.answers_id else None)
    refs = Referentiegegevens.model_validate(
        {
            "traceerId": trace,
            "conversatieId": item.conversation_ref or wire_id(item.conversation_id),
            "alsAntwoordOp": answers,
        }
    )
    return Gereed(
        basisgegevens=Basisgegevens(
            ontvangenOp=item.received_at,
            payload=HTTPSDownload(
                url=url,
                grootte=max(1, item.size),
                checksum=Checksum(algoritme="SHA256", waarde=item.sha256),
            ),
        ),
        routeringgegevens=Routeringgegevens(
            afzender=relatie(item.from_party or ""),
            geadresseerden=[relatie(item.to_party or "")],
            berichtstroom=berichtstroom(item.type),
        ),
        referentiegegevens=refs,
    ).to_json()


def ready(
    request: Request, party: PartyDep, gateway: GatewayDep, limit: Limit = 250
) -> JSONResponse:
    """De oudste gereedstaande berichten (max. 250): the party's mailbox, oldest first."""
    items = gateway.store.listed(party, limit)
    return JSONResponse([_listing(request, i) for i in items])


async def search(
    request: Request, party: PartyDep, gateway: GatewayDep, limit: Limit = 250
) -> JSONResponse:
    """Gereedstaande berichten op zoekpad: by conversatieId, alsAntwoordOp or stream."""
    try:
        path = _SEARCH.validate_json(await request.body())
    except ValidationError as exc:
        return problem(400, "Bad request", errors=_errors(exc))
    store = gateway.store
    if isinstance(path, ZoekpadOpAlsAntwoordOp):
        original = store.named(CHANNEL, str(path.alsAntwoordOp))
        items = store.listed(party, limit, answers=original) if original else []
    elif isinstance(path, ZoekpadOpConversatieId):
        items = store.listed(party, limit, conversation=str(path.conversatieId))
    else:
        mine = path.geadresseerdeCode in (None, party) and path.berichttype == "JW"
        items = store.listed(party, limit, type_=path.berichtsubtype) if mine else []
    return JSONResponse([_listing(request, i) for i in items])


def _waiting(gateway: Gateway, party: str, traceer_id: str) -> str:
    """Our id of a message waiting in the party's mailbox, named by its traceerId."""
    message_id = gateway.store.named(CHANNEL, traceer_id) if our_id(traceer_id) else None
    if message_id is None or not gateway.store.waiting(message_id, party):
        raise NotFound("unknown or no longer available")  # 404: not found or not yours
    return message_id


def payload(traceerId: str, party: PartyDep, gateway: GatewayDep) -> Response:
    """De payload van een bericht: the bytes exactly as received."""
    try:
        message_id = _waiting(gateway, party, traceerId)
    except NotFound:
        return Response(status_code=404)
    return Response(gateway.store.raw(message_id) or b"", media_type="application/octet-stream")


def acknowledge(request: Request, traceerId: str, party: PartyDep, gateway: GatewayDep) -> Response:
    """Ontvangst bevestigen: the message leaves the mailbox and is never delivered again."""
    try:
        message_id = _waiting(gateway, party, traceerId)
        gateway.store.acknowledge(message_id, party, trace_of(request))
    except RequestRefused:
        return Response(status_code=404)
    return Response(status_code=202)


# -- status -----------------------------------------------------------------------------------


def statuses(
    request: Request,
    party: PartyDep,
    gateway: GatewayDep,
    traceerId: Annotated[str | None, Query(pattern=_UUID)] = None,
    conversatieId: Annotated[str | None, Query(pattern=_UUID)] = None,
) -> JSONResponse:
    """Berichtstatussen by traceerId (the message and its answers) or by conversatieId
    (every message of the conversation): each status change, oldest first, of the messages
    this party sent or received."""
    if (traceerId is None) == (conversatieId is None):
        return problem(400, "Bad request", "ask by traceerId or by conversatieId")
    store = gateway.store
    if traceerId is not None:
        named = store.named(CHANNEL, traceerId)
        answer = store.answer(named) if named else None
        found = [m for m in (store.message(named or ""), answer) if m is not None]
    else:
        conversation = store.conversation_named(conversatieId or "")
        found = store.conversation(conversation, 250) if conversation else []
    visible = [m for m in found if can_read(m, party, store.message)]
    history = [s for m in visible for s in _history(gateway, m)]
    if conversatieId is not None:  # our conversation may join several of the exchange's
        wanted = our_id(conversatieId)
        history = [s for s in history if s.referentiegegevens.conversatieId.hex == wanted]
    history.sort(key=lambda s: s.berichtstatusGewijzigdOp)
    return JSONResponse([s.to_json() for s in history[:250]])


def _history(gateway: Gateway, message: MessageView) -> list[BerichtstatusGegevens]:
    refs = gateway.store.wire_refs(message.id)
    answers = refs.answers or (wire_id(message.answers_id) if message.answers_id else None)
    referentie = Referentiegegevens.model_validate(
        {
            "traceerId": refs.trace or wire_id(message.id),
            "conversatieId": refs.conversation or wire_id(message.conversation_id),
            "alsAntwoordOp": answers,
        }
    )
    found = []
    for event in gateway.store.events(message.id):
        status = STATUS_OF.get(event.kind)
        if status is None:
            continue
        found.append(
            BerichtstatusGegevens(
                referentiegegevens=referentie,
                berichtstroom=berichtstroom(message.type),
                berichtstatus=status,
                berichtstatusGewijzigdOp=event.at,
                meldingen=_meldingen(event.kind, event.detail, message) or None,
                berichtOntvangenOp=message.received_at,
            )
        )
    return found


def _meldingen(kind: str, detail: str, message: MessageView) -> list[Melding]:
    """Why a message was refused or not delivered: the findings' retourcodes and texts."""
    if kind == "rejected" and message.verdict:
        findings = json.loads(message.verdict).get("findings", [])
        return [
            Melding(
                code=str(f.get("retourcode") or f.get("rule") or f.get("level"))[:20],
                omschrijving=str(f.get("text") or "-")[:500],
            )
            for f in findings[:100]
        ] or [Melding(code="rejected", omschrijving=detail or "-")]
    if kind in ("rejected", "refused", "delivery_failed"):
        code, _, reason = detail.partition(": ")
        return [Melding(code=code[:40] or kind, omschrijving=(reason or detail or kind)[:500])]
    return []
