"""A trace id for every request (W3C ``traceparent`` or ``X-Trace-Id``), one log line and
metrics per request.

Pure ASGI (no ``BaseHTTPMiddleware``): it wraps ``send`` to add the header and sees the
status without buffering bodies. The log line has method, route, status, duration and
trace id; never a query string, a header value or a body.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ijw_gateway.metrics import HTTP_REQUESTS, HTTP_SECONDS
from ijw_gateway.tracing import from_trace_header, from_traceparent, new_trace

log = logging.getLogger("ijw_gateway.http")


def _incoming_trace(scope: Scope) -> str:
    """The trace id of the client's W3C ``traceparent``, else its ``X-Trace-Id`` when it
    has a known format (``tracing``), otherwise a new one. Anything else a client sends
    there may be a BSN or a name, and a trace id is logged and stored with every event."""
    headers = {bytes(n): bytes(v).decode("latin-1") for n, v in scope.get("headers", ())}
    parent = headers.get(b"traceparent")
    trace = from_traceparent(parent) if parent is not None else None
    if trace is None and b"x-trace-id" in headers:
        trace = from_trace_header(headers[b"x-trace-id"])
    return trace or new_trace()


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    return str(getattr(route, "path", "unmatched"))


class TraceMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace = _incoming_trace(scope)
        scope.setdefault("state", {})["trace_id"] = trace
        started, status = time.perf_counter(), [500]

        async def send_traced(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-trace-id", trace.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_traced)
        finally:
            self._record(scope, status[0], time.perf_counter() - started, trace)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float, trace: str) -> None:
        route, method = _route(scope), str(scope.get("method", ""))
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_SECONDS.labels(route).observe(seconds)
        log.info("%s %s %s %.1fms trace=%s", method, route, status, seconds * 1000, trace)
