"""Request dependencies: the gateway, the calling party (API key) and the trace id.

They are ``async``: FastAPI runs a plain ``def`` dependency on a thread of its pool, and
that hand-off cost more than the lookup itself (docs/performance.md)."""

from __future__ import annotations

import logging
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Request

from ijw_gateway.api.errors import trace_of
from ijw_gateway.errors import Forbidden, Unauthenticated
from ijw_gateway.gateway import Gateway
from ijw_gateway.monitoring.access import Viewer, is_operator

log = logging.getLogger("ijw_gateway.api")


async def gateway_of(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def _presented(authorizations: list[str], api_keys: list[str]) -> str | None:
    """The key sent, in either header, each possibly repeated. Two different keys are
    refused rather than one of them picked: a request that carries them is misconfigured,
    and which party it acts for must not depend on which header (or which copy) wins.
    An ``Authorization`` header that is not a bearer key (a proxy's ``Basic``) is no key."""
    bearers = [a[7:] for a in authorizations if a[:7].lower() == "bearer "]
    keys = {k.strip() for k in (*bearers, *api_keys)} - {""}
    if len(keys) > 1:
        raise Unauthenticated(
            "The request carries two different API keys (in Authorization, X-API-Key or "
            "a header sent twice); send one.",
            "conflicting_api_keys",
        )
    return keys.pop() if keys else None


async def party_of(request: Request) -> str:
    """The party whose API key came with the request; 401 otherwise, and 403 for an
    operator's key (an operator sends no messages and has no mailbox: ``viewer_of``).

    It reads the two headers itself instead of declaring them as ``Header()`` parameters:
    FastAPI inspects declared parameters' annotations again on every request, which cost
    more than the rest of the dependency (docs/performance.md). ``SECURITY_SCHEMES``
    documents them in the OpenAPI instead."""
    principal = await _principal(request)
    if is_operator(principal):
        raise Forbidden(
            "An operator's key reads messages, events and reports and runs the operator "
            "actions; sending messages and mailboxes are the parties'.",
            "operator_key",
        )
    return principal


async def _principal(request: Request) -> str:
    """Whose key came with the request: a party's code or ``operator:<name>``."""
    headers = request.headers
    presented = _presented(headers.getlist("authorization"), headers.getlist("x-api-key"))
    if presented is None:
        raise Unauthenticated(
            "Send your API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
            "missing_api_key",
        )
    gateway = await gateway_of(request)
    party = gateway.known_key(presented)
    if party is None:  # verifying a key is a slow hash and may read the store
        party = await to_thread.run_sync(gateway.authenticate, presented)
    if party is None:
        # Logged, not stored: a flood of bad keys must not become a flood of writes.
        log.warning("unknown or revoked API key trace=%s", trace_of(request))
        raise Unauthenticated("This API key is unknown or revoked.", "invalid_api_key")
    return party


async def operator_of(request: Request) -> Viewer:
    """An operator, for the operator actions (dead letters, outbox, parties); a party's
    key is refused with 403."""
    viewer = Viewer(await _principal(request))
    if not viewer.operator:
        raise Forbidden("Only an operator's key may use the operator actions.", "operator_only")
    return viewer


async def viewer_of(request: Request) -> Viewer:
    """Who reads monitoring, messages and events: a party (its own) or an operator (all)."""
    return Viewer(await _principal(request))


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
"""How a party presents its API key (either one), as OpenAPI security schemes."""

GatewayDep = Annotated[Gateway, Depends(gateway_of)]
PartyDep = Annotated[str, Depends(party_of)]
ViewerDep = Annotated[Viewer, Depends(viewer_of)]
OperatorDep = Annotated[Viewer, Depends(operator_of)]
