"""The StUF-GGk SOAP endpoint: Di01, Du01 and Fo01 envelopes in, StUF answers out.

Where the gateway sits in front of a back office, the GGk (through a Digikoppeling ebMS
adapter, or a tester playing the GGk) posts envelopes here; a back office may post its own
too. The caller authenticates with its API key like on every other route and must be the
envelope's sender. The answer is always XML (bare or SOAP, as the request was): a Bv03, a
Du01 with the return message, a Fo01 with a code of the ISD chain, or a SOAP Fault for a
failure of ours (``stuf_intake``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ijw_gateway.api.deps import party_of
from ijw_gateway.api.errors import trace_of
from ijw_gateway.api.offload import Offload
from ijw_gateway.api.routes import taken_in
from ijw_gateway.errors import Forbidden, Stopping, Unauthenticated
from ijw_gateway.stuf.codec import MAX_ENVELOPE
from ijw_gateway.stuf_intake import failure, take

router = APIRouter(prefix="/v1/stuf")
MEDIA_TYPE = "text/xml; charset=utf-8"  # SOAP 1.1
_XML = {"content": {MEDIA_TYPE: {"schema": {"type": "string"}}}}
_DOC = {
    "requestBody": {
        "required": True,
        "description": "A ggk0210 Di01 or Du01 envelope, or a StUF Fo01, bare or in a "
        "SOAP 1.1 Envelope.",
        **_XML,
    }
}
_ANSWERS: dict[int | str, dict[str, object]] = {
    200: {"description": "A Bv03 (received), or a Du01 carrying the return message.", **_XML},
    400: {
        "description": "A Fo01: the envelope or its payload is refused (its code says why).",
        **_XML,
    },
    401: {"description": "A Fo01 IB002: no valid API key.", **_XML},
    403: {"description": "A Fo01 IB002 or IB234: the envelope is not the caller's.", **_XML},
    409: {"description": "A Fo01 CC08 or CC11: a reference or an answer used before.", **_XML},
    413: {"description": "A Fo01 IB007: the envelope is larger than 25 MB.", **_XML},
    422: {"description": "A Fo01 IB102 or IB210: a receiver this gateway does not serve.", **_XML},
    503: {"description": "A SOAP Fault: the gateway cannot take it in now; send it again.", **_XML},
}


async def _capped(request: Request) -> bytes:
    """The body, read no further than one byte past the envelope limit (the codec then
    answers IB007 without parsing it)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ENVELOPE:
            break
    return b"".join(chunks)[: MAX_ENVELOPE + 1]


@router.post(
    "/ggk0210",
    summary="Receive a StUF-GGk envelope (SOAP)",
    response_class=Response,
    responses=_ANSWERS,
    openapi_extra=_DOC,
)
async def post_envelope(request: Request) -> Response:
    """Take in a Di01/Du01 (its payload goes through the ordinary intake) or note a Fo01;
    answer with a Bv03, a Du01 with the return message, or a Fo01."""
    try:
        party: str | None = await party_of(request)
    except (Unauthenticated, Forbidden):  # no party's key (an operator's sends nothing)
        party = None
    body = await _capped(request) if party is not None else b""
    large, trace = Offload.takes(body), trace_of(request)  # large: by the offload process
    try:
        answer = await taken_in(request.app.state, large, take, party, body, trace)
    except Stopping as stopping:  # the gateway stopped before the offload process was done
        answer = failure(stopping, trace)
    headers = {"Retry-After": str(answer.retry_after)} if answer.retry_after else None
    return Response(answer.body, status_code=answer.status, media_type=MEDIA_TYPE, headers=headers)
