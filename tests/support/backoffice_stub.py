"""A StUF back office on loopback, over real TLS that requires a client certificate.

Certificates are made per test by ``trustme``. The stub reads every envelope with our
codec, keeps what it received, and answers as its script says: a Bv03, a Du01 carrying a
return message, a Fo01 with a code, an HTTP status, or nothing in time (a timeout).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme

from ijw_gateway.stuf import codec
from ijw_gateway.stuf.answers import fault_for, receipt_for
from tests.support.stuf_support import NOW

Script = Callable[[codec.Received], tuple[int, bytes]]


def bv03(received: codec.Received) -> tuple[int, bytes]:
    return 200, codec.write(receipt_for(received, NOW), True)


def fo01(code: str) -> Script:
    return lambda received: (400, codec.write(fault_for(received, code, NOW), True))


def status(code: int) -> Script:
    return lambda received: (code, b"")


def silent(seconds: float) -> Script:
    def wait(received: codec.Received) -> tuple[int, bytes]:
        time.sleep(seconds)
        return bv03(received)

    return wait


@dataclass
class BackOffice:
    url: str
    answers: list[Script]  # one per request; the last one repeats
    received: list[codec.Received] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    stored: dict[str, float] = field(default_factory=dict)  # reference -> time.time() first
    inflight: int = 0  # envelopes being answered right now
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """Keep the envelope (its reference once, on arrival, as a back office that
        stores it before answering), then answer as the script says."""
        received = codec.read(body)
        with self.lock:
            self.bodies.append(body)
            self.received.append(received)
            self.headers.append(headers)
            if received.routing is not None:
                self.stored.setdefault(received.routing.referentienummer, time.time())
            script = self.answers[min(len(self.received), len(self.answers)) - 1]
            self.inflight += 1
        try:
            return script(received)
        finally:
            with self.lock:
                self.inflight -= 1


@dataclass(frozen=True)
class Pki:
    ca: Path  # what the client trusts
    client: Path  # the client's certificate and key
    stranger: Path  # a certificate from another CA


def make_pki(directory: Path) -> tuple[Pki, trustme.CA]:
    ca, other = trustme.CA(), trustme.CA()
    paths = Pki(directory / "ca.pem", directory / "client.pem", directory / "stranger.pem")
    ca.cert_pem.write_to_path(str(paths.ca))
    ca.issue_cert("gateway@example.org").private_key_and_cert_chain_pem.write_to_path(
        str(paths.client)
    )
    other.issue_cert("gateway@example.org").private_key_and_cert_chain_pem.write_to_path(
        str(paths.stranger)
    )
    return paths, ca


@contextmanager
def back_office(ca: trustme.CA, answers: list[Script]) -> Iterator[BackOffice]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: no client certificate, no entry

    office: BackOffice

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            code, answer = office.answer(body, dict(self.headers))
            self.send_response(code)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    office = BackOffice(f"https://127.0.0.1:{server.server_address[1]}/stuf", answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield office
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
