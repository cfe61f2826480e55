"""The HTTP server's own limits, over real sockets: header size and count, slow and
half-open requests, and the number of connections (``api.protocol``)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from ijw_gateway.api.protocol import MAX_HEAD_BYTES, BoundedHttpTools
from tests.support.procs import Proc, free_port, gateway_env, in_thread, wait_healthy
from tests.support.service import PARTIES

Scope = dict[str, object]


async def _echo(scope: Scope, receive: object, send: object) -> None:
    """A tiny ASGI app: 200 with the body's length, after reading all of it."""
    assert scope["type"] == "http"
    size, more = 0, True
    while more:
        event = await receive()  # type: ignore[operator]
        size += len(event.get("body", b""))
        more = event.get("more_body", False)
    body = str(size).encode()
    length = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": length})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": body})  # type: ignore[operator]


class Small(BoundedHttpTools):
    """The same limits, small enough to reach in a test."""

    max_headers = 20
    head_seconds = 0.5
    body_idle_seconds = 0.5
    max_connections = 20


@contextmanager
def serving(protocol: type[BoundedHttpTools] = Small) -> Iterator[int]:
    config = uvicorn.Config(
        _echo, host="127.0.0.1", port=0, http=protocol, lifespan="off", log_level="error"
    )
    with in_thread(config) as (_server, _thread, port):
        yield port


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_an_ordinary_request_passes() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        )
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"\r\n\r\n5")


def test_a_head_over_the_limit_is_431() -> None:
    with serving() as port, connect(port) as sock:
        big = b"X-Big: " + b"a" * MAX_HEAD_BYTES + b"\r\n"
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 431")


def test_a_head_over_the_limit_in_several_reads_is_431() -> None:
    half = b"X-Half: " + b"a" * (MAX_HEAD_BYTES // 2 + 100) + b"\r\n"
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + half)
        time.sleep(0.2)  # so that the server reads the two halves apart
        sock.sendall(b"X-Other" + half[6:] + b"\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 431")


def test_too_many_headers_are_431() -> None:
    lines = b"".join(b"X-H%d: v\r\n" % n for n in range(Small.max_headers + 1))
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 431")
    lines = b"".join(b"X-H%d: v\r\n" % n for n in range(Small.max_headers - 2))  # + 2 below
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + lines + b"\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200")


def test_a_head_that_does_not_arrive_in_time_is_408() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        started = time.monotonic()
        assert answer(sock).startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 3
    with serving() as port, connect(port) as sock:  # a connection that sends nothing at all
        assert answer(sock).startswith(b"HTTP/1.1 408")


def test_a_stalled_body_is_closed_but_a_slow_answer_is_not() -> None:
    with serving() as port, connect(port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf")
        started = time.monotonic()
        assert answer(sock) == b""
        assert time.monotonic() - started < 3
    with serving() as port, connect(port) as sock:  # pauses shorter than the limit are fine
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\n"
        )
        for part in (b"ab", b"cd", b"ef", b"gh"):
            time.sleep(Small.body_idle_seconds / 2)
            sock.sendall(part)
        assert answer(sock).endswith(b"\r\n\r\n8")


def _reply(sock: socket.socket) -> bytes:
    """The status line, or ``reset`` when the server hung up before we read it."""
    try:
        return answer(sock)[:12]
    except ConnectionResetError:  # a 503 answered at once, then our request bytes
        return b"reset"


def test_half_open_requests_do_not_pile_up() -> None:
    """2,000 half-open requests stayed open; now the ones over the connection limit are
    answered 503 and closed at once, and the others 408 when their time is up."""
    extra = 10
    with serving() as port:
        socks = [connect(port) for _ in range(Small.max_connections + extra)]
        for sock in socks:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        refused = [_reply(sock) for sock in socks[Small.max_connections :]]
        refused_after = time.monotonic() - started
        timed_out = [_reply(sock) for sock in socks[: Small.max_connections]]
        for sock in socks:
            sock.close()
    assert set(refused) <= {b"HTTP/1.1 503", b"reset"} and refused_after < Small.head_seconds
    assert timed_out == [b"HTTP/1.1 408"] * Small.max_connections


def test_the_served_gateway_refuses_a_60_mb_header_early(tmp_path: Path) -> None:
    """``ijw-gateway serve`` itself: it read a 60 MB header whole and answered 200."""
    port = free_port()
    env = gateway_env(f"sqlite:///{tmp_path / 'gateway.db'}", PARTIES)
    proc = Proc(["serve", "--port", str(port), "--no-worker"], env, tmp_path / "log").start()
    try:
        wait_healthy(port, proc)
        sent = 0
        with connect(port) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
            with pytest.raises(OSError):  # reset or broken pipe: the server hung up
                while sent < 60 * 2**20:
                    sock.sendall(b"a" * 65536)
                    sent += 65536
                answer(sock)
        assert sent < 16 * 2**20  # what the kernel's buffers took before the server hung up
    finally:
        proc.stop()
