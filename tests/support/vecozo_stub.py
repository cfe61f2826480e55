"""A local VECOZO on loopback: push v1, pull v1 and berichtstatus v3 over mutual TLS.

Certificates are made in the test (trustme): the stub presents a server certificate of a
test CA and requires a client certificate of the same CA, as VECOZO requires a system
certificate. Every request it gets and every answer it gives is judged against the
published OpenAPI files (``vecozo_spec.py``); what the specs do not allow is kept in
``problems`` and fails the test that caused it.

Faults are queued per operation (``fail``): an HTTP status (with a problem body for 400
and 422), ``"timeout"`` (the answer comes after the client gave up) or ``"checksum"`` (a
payload that is not what its listing promised).
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import ssl
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from tests.support.procs import serving
from tests.support.vecozo_spec import BASE, Answer, Call, check_answer, check_request

PUSH, PULL, STATUS = (
    f"{BASE}/berichten/rest-push/v1",
    f"{BASE}/berichten/rest-pull/v1",
    f"{BASE}/berichtstatus/rest-pull/v3",
)
TIMEOUT_SLEEP = 3.0  # longer than any client timeout the tests set


@dataclass
class Ready:
    """A message waiting to be pulled: its metadata (as pushed) and its payload."""

    metadata: dict[str, Any]
    payload: bytes
    received: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def trace(self) -> str:
        return str(self.metadata["referentiegegevens"]["traceerId"])


@dataclass
class Pushed:
    metadata: dict[str, Any]
    payload: bytes
    at: float  # time.monotonic() on arrival


@dataclass
class Stub:
    """The stub's state; tests read and arrange it directly."""

    judge: bool = True  # judge requests and answers against the specs (off for benchmarks)
    ready: list[Ready] = field(default_factory=list)
    pushed: list[Pushed] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: dict[str, deque[int | str]] = field(default_factory=lambda: defaultdict(deque))
    problems: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    peers: list[str] = field(default_factory=list)  # client certificate subjects seen
    delay: dict[str, float] = field(default_factory=dict)  # seconds per operation
    on_ack: Callable[[str], None] | None = None  # asked before an acknowledgement is taken
    inflight: int = 0  # pushes being answered right now
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    host: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}{BASE}"

    def fail(self, operation: str, *faults: int | str) -> None:
        """Answer the next calls of ``operation`` (push, list, search, payload, ack,
        status) with these faults, one each, then normally again."""
        self.faults[operation].extend(faults)

    def add(self, metadata: dict[str, Any], payload: bytes) -> Ready:
        with self.lock:
            item = Ready(metadata, payload)
            self.ready.append(item)
            return item

    def _fault(self, operation: str) -> int | str | None:
        with self.lock:
            queue = self.faults.get(operation)
            return queue.popleft() if queue else None


def problem(status: int, title: str, errors: dict[str, list[str]] | None = None) -> bytes:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if errors:
        body["errors"] = errors
    return json.dumps(body).encode()


def _listing(stub: Stub, item: Ready) -> dict[str, Any]:
    url = f"{stub.base_url}/berichten/rest-pull/v1/berichten/{item.trace}/payload"
    basis = {
        "ontvangenOp": item.received.isoformat(),
        "payload": {
            "url": url,
            "grootte": len(item.payload),
            "checksum": {"algoritme": "SHA256", "waarde": hashlib.sha256(item.payload).hexdigest()},
        },
    }
    return {"basisgegevens": basis, **item.metadata}


def _matches(item: Ready, search: dict[str, Any]) -> bool:
    refs = item.metadata["referentiegegevens"]
    kind = search.get("zoekpadType")
    if kind == "ZoekpadOpConversatieId":
        return bool(refs["conversatieId"] == search["conversatieId"])
    if kind == "ZoekpadOpAlsAntwoordOp":
        return bool(refs.get("alsAntwoordOp") == search["alsAntwoordOp"])
    stream = item.metadata["routeringgegevens"]["berichtstroom"]
    return bool(stream["berichttype"] == search.get("berichttype"))


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        parts[str(name)] = payload if isinstance(payload, bytes) else b""
    return parts


Reply = tuple[int, bytes, str]
NO_CONTENT: Reply = (204, b"", "")


def _push(stub: Stub, content_type: str, body: bytes) -> Reply:
    parts = _multipart(content_type, body)
    metadata = json.loads(parts.get("berichtMetadata", b"{}"))
    trace = metadata.get("referentiegegevens", {}).get("traceerId")
    with stub.lock:
        if trace in stub.statuses:
            detail = {"referentiegegevens.traceerId": ["traceerId is al gebruikt"]}
            return 422, problem(422, "Bericht geweigerd", detail), "application/json"
        stub.pushed.append(Pushed(metadata, parts.get("payload", b""), time.monotonic()))
        stub.statuses[trace] = [_status(metadata, "Ontvangen")]
    return NO_CONTENT


def _delayed_push(stub: Stub, content_type: str, body: bytes) -> Reply:
    """Taken on arrival, answered after the delay: a sender killed meanwhile never hears."""
    reply = _push(stub, content_type, body)
    with stub.lock:
        stub.inflight += 1
    try:
        time.sleep(stub.delay.get("push", 0.0))
    finally:
        with stub.lock:
            stub.inflight -= 1
    return reply


def _status(metadata: dict[str, Any], status: str) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "referentiegegevens": metadata["referentiegegevens"],
        "berichtstroom": metadata["routeringgegevens"]["berichtstroom"],
        "berichtstatus": status,
        "berichtstatusGewijzigdOp": now,
        "berichtOntvangenOp": now,
    }


def _json(value: object, status: int = 200) -> Reply:
    return status, json.dumps(value).encode(), "application/json"


def _list(stub: Stub, query: dict[str, str], search: dict[str, Any] | None) -> Reply:
    limit = int(query.get("limit", "250"))
    if not 1 <= limit <= 250:
        return 400, problem(400, "limit", {"limit": ["1..250"]}), "application/json"
    with stub.lock:
        items = [i for i in stub.ready if search is None or _matches(i, search)][:limit]
        return _json([_listing(stub, i) for i in items])


def _find(stub: Stub, trace: str) -> Ready | None:
    with stub.lock:
        return next((i for i in stub.ready if i.trace == trace), None)


def _payload(stub: Stub, trace: str, fault: int | str | None) -> Reply:
    item = _find(stub, trace)
    if item is None:
        return 404, b"", ""
    data = item.payload
    if fault == "checksum":
        data = data[:-1] + bytes([data[-1] ^ 1])
    return 200, data, "application/octet-stream"


def _ack(stub: Stub, trace: str) -> Reply:
    with stub.lock:
        item = next((i for i in stub.ready if i.trace == trace), None)
        if item is None:
            return 404, b"", ""
        stub.ready.remove(item)
        stub.acknowledged.append(trace)
    return 202, b"", ""


def _statuses(stub: Stub, query: dict[str, str]) -> Reply:
    with stub.lock:
        found = [
            s
            for history in stub.statuses.values()
            for s in history
            if query.get("traceerId") in (s["referentiegegevens"]["traceerId"], None)
            and query.get("conversatieId") in (s["referentiegegevens"]["conversatieId"], None)
        ]
    return _json(found[:250])


def _route(method: str, path: str) -> tuple[str, str]:
    """(operation, traceerId or '') of a request."""
    if path == f"{PUSH}/berichten" and method == "POST":
        return "push", ""
    if path == f"{PULL}/berichten" and method == "GET":
        return "list", ""
    if path == f"{PULL}/berichten/zoeken" and method == "POST":
        return "search", ""
    if path.startswith(f"{PULL}/berichten/") and path.endswith("/payload") and method == "GET":
        return "payload", path.split("/")[-2]
    if path.startswith(f"{PULL}/berichten/") and method == "DELETE":
        return "ack", path.split("/")[-1]
    if path == f"{STATUS}/berichtstatussen" and method == "GET":
        return "status", ""
    return "", ""


def _injected(fault: int) -> Reply:
    if fault in (400, 422):
        return (
            fault,
            problem(fault, "Geweigerd", {"routeringgegevens": ["fout"]}),
            "application/json",
        )
    return fault, b"", ""


def _answer(
    stub: Stub,
    operation: str,
    trace: str,
    fault: int | str | None,
    request: tuple[dict[str, str], bytes, str],
) -> Reply:
    query, body, ctype = request
    if fault == "timeout":
        time.sleep(TIMEOUT_SLEEP)
    if operation == "push":
        return _delayed_push(stub, ctype, body)
    if operation == "ack" and stub.on_ack is not None:
        stub.on_ack(trace)  # as the acknowledgement arrives
    time.sleep(stub.delay.get(operation, 0.0))
    if operation in ("list", "search"):
        return _list(stub, query, json.loads(body) if operation == "search" else None)
    if operation == "payload":
        return _payload(stub, trace, fault)
    if operation == "ack":
        return _ack(stub, trace)
    if operation == "status":
        return _statuses(stub, query)
    return 404, b"", ""


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def _serve(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ctype = self.headers.get("Content-Type", "")
            peer = self.connection.getpeercert()
            with stub.lock:
                stub.requests.append((self.command, url.path))
                stub.peers.append(str(peer.get("subjectAltName", "")) if peer else "")
            call = Call(self.command, url.path, query, body or None, ctype or "application/json")
            if stub.judge:
                _judged(stub, lambda: check_request(call), "request")
            operation, trace = _route(self.command, url.path)
            fault = stub._fault(operation)
            if isinstance(fault, int):  # an injected fault: the test wants it off the spec
                status, data, rtype = _injected(fault)
            else:
                status, data, rtype = _answer(stub, operation, trace, fault, (query, body, ctype))
                if stub.judge:
                    answer = Answer(status, data, rtype)
                    _judged(stub, lambda: check_answer(call, answer), "answer")
            self.send_response(status)
            if rtype:
                self.send_header("Content-Type", rtype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def _judged(stub: Stub, check: Any, what: str) -> None:
    try:
        check()
    except Exception as exc:  # any verdict of the judge is a problem of the test's making
        with stub.lock:
            stub.problems.append(f"{what}: {type(exc).__name__}: {str(exc)[:300]}")


@dataclass(frozen=True)
class Certificates:
    """A test CA, the stub's server certificate and a client certificate, as PEM files."""

    ca: Any  # trustme.CA
    ca_file: str
    client_file: str  # certificate and key in one PEM
    server: Any  # trustme.LeafCert


def certificates(directory: str) -> Certificates:
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("ijw-gateway-test-client")
    ca_file, client_file = f"{directory}/ca.pem", f"{directory}/client.pem"
    ca.cert_pem.write_to_path(ca_file)
    client.private_key_and_cert_chain_pem.write_to_path(client_file)
    return Certificates(ca, ca_file, client_file, server)


def server_context(certs: Certificates) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certs.server.configure_cert(context)
    certs.ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED  # a client certificate of the test CA
    return context


def running(stub: Stub, certs: Certificates) -> AbstractContextManager[Stub]:
    return running_with(stub, server_context(certs))


@contextmanager
def running_with(stub: Stub, context: ssl.SSLContext) -> Iterator[Stub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as port:
        stub.port = port
        yield stub


def metadata(
    sender: tuple[str, str],
    receiver: tuple[str, str],
    subtype: str,
    *,
    trace: str | None = None,
    conversation: str | None = None,
    answers: str | None = None,
) -> dict[str, Any]:
    """Push metadata of an iJw message (rol, code per party)."""
    refs: dict[str, str] = {
        "conversatieId": conversation or str(uuid.uuid4()),
        "traceerId": trace or str(uuid.uuid4()),
    }
    if answers:
        refs["alsAntwoordOp"] = answers
    return {
        "routeringgegevens": {
            "afzender": {"rol": sender[0], "code": sender[1]},
            "geadresseerden": [{"rol": receiver[0], "code": receiver[1]}],
            "berichtstroom": {
                "berichttype": "JW",
                "berichtsubtype": subtype,
                "berichtversie": 3,
                "berichtsubversie": 2,
                "actie": "Indienen",
            },
        },
        "referentiegegevens": refs,
    }
