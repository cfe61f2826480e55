"""The HTTP/1.1 connection the gateway serves: uvicorn's httptools protocol, with limits.

uvicorn with httptools (the fast parser ``serve`` uses) bounds none of these: httptools
(llhttp) leaves header limits to its user and buffers a header value whole before handing
it over, so a 60 MB header was read and answered 200; and no timer runs while a request's
head or body arrives, so 2,000 half-open requests stayed open. (h11, uvicorn's other
parser, stops a head at 16 kB, but also has no timers and costs more per request.) This
subclass adds, per connection:

* the request line and headers together at most ``MAX_HEAD_BYTES``, at most
  ``MAX_HEADERS`` header lines: else ``431`` and the connection is closed; the bytes are
  counted as they arrive, so a larger head is never read;
* the head complete within ``HEAD_SECONDS`` of the connection opening or the request
  beginning, and no pause longer than ``BODY_IDLE_SECONDS`` while a body arrives: else
  ``408`` (or, once the application has the request, just the close);
* at most ``MAX_CONNECTIONS`` connections per process: one more is answered ``503`` and
  closed at once, so half-open requests cannot pile up without bound.

Everything else is uvicorn's own. What a reverse proxy in front should add is in
docs/service.md ("Limits").
"""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

log = logging.getLogger("ijw_gateway.api")

MAX_HEAD_BYTES = 16 * 1024  # as h11 and Node: an API key and a few headers need < 1 kB
MAX_HEADERS = 100
HEAD_SECONDS = 10.0
BODY_IDLE_SECONDS = 30.0
MAX_CONNECTIONS = 256


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of this module (class attributes, so a
    test can serve smaller ones)."""

    max_head_bytes = MAX_HEAD_BYTES
    max_headers = MAX_HEADERS
    head_seconds = HEAD_SECONDS
    body_idle_seconds = BODY_IDLE_SECONDS
    max_connections = MAX_CONNECTIONS

    _in_head = True
    _head_bytes = 0
    _header_count = 0
    _timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._refuse(503, "Too many connections; retry later.")
            return
        self._arm(self.head_seconds)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        room = self.max_head_bytes - self._head_bytes
        self._head_bytes += min(len(data), room)
        super().data_received(data[:room])  # may complete the head
        if self.transport.is_closing():
            return
        if self._in_head and len(data) > room:
            self._refuse(431, "The request line and headers are too large.")
        elif len(data) > room:
            super().data_received(data[room:])

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # Its bytes are counted already (``data_received``); only the lines start anew.
        self._in_head, self._header_count = True, 0
        if self._timer is None:  # a later request on a kept-alive connection
            self._arm(self.head_seconds)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count <= self.max_headers:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        self._disarm()
        if self._header_count > self.max_headers:
            self._refuse(431, "The request has too many headers.")
            return
        super().on_headers_complete()
        self._arm(self.body_idle_seconds)

    def on_body(self, body: bytes) -> None:
        self._arm(self.body_idle_seconds)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _too_slow(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if self._in_head:
            self._refuse(408, "The request did not arrive in time.")
        elif self.flow.read_paused:  # the application is not reading yet: not the client's
            self._arm(self.body_idle_seconds)
        else:  # the application has the request already: it sees a disconnect
            log.warning("closed a connection whose request body stalled")
            self.transport.close()

    def _refuse(self, status: int, text: str) -> None:
        """Answer ``status`` and close, before any application sees the request."""
        self._disarm()
        self._in_head = False
        body = text.encode("ascii")
        head = [STATUS_LINE[status]]
        head += [
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        ]
        head.append(
            b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n" % len(body)
        )
        self.transport.write(b"".join(head) + body)
        self.transport.close()
