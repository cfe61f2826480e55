"""Hot routes served without FastAPI's per-request machinery.

``POST /v1/messages`` is what the gateway does all day. Its endpoint takes only the
request and returns a response, so FastAPI's request handling (dependency resolution,
the exit stack, response validation) has nothing to do for it, yet cost about a third of
the route's framework instructions (docs/performance.md). ``FastRoutes`` sits inside the
trace middleware: when one of its routes matches (the route's own ``matches``, so paths,
methods and root paths are decided exactly as the router decides them), it calls that
route's endpoint directly and answers exceptions with the handlers the app installed, as
Starlette's exception middleware would; everything else goes on to the app. The route is
still declared on the router, so the OpenAPI document describes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Exception], Awaitable[Response]]


class FastRoutes:
    def __init__(self, app: ASGIApp, routes: Sequence[Route] = ()) -> None:
        self.app = app
        self.routes = tuple(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.routes:
                match, child = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child)  # "route" and "endpoint", as the router sets them
                    await self._serve(route.endpoint, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _serve(self, endpoint: Endpoint, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = _handler_for(scope, exc)
            if handler is None:
                raise  # the server-error middleware answers it, as for any route
            response = await handler(request, exc)
        await response(scope, receive, send)


def _handler_for(scope: Scope, exc: Exception) -> Handler | None:
    """The app's handler for ``exc`` by its class; None for the catch-all (``Exception``),
    which belongs to the outermost middleware."""
    handlers: dict[Any, Handler] = scope["app"].exception_handlers
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
