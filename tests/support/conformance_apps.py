"""Two small receivers for the runner tests, built on the gateway's own validator.

``verdict_app`` answers like ijw-gateway's ``POST /v1/messages`` (JSON verdict plus the
return message); ``retour_app`` answers like a generic iJw receiver: the return message as
XML, 400 for a document the schema refuses, 204/422 for an answer it accepts/refuses.
Both keep one history for everything they receive, as a real receiver does. ``served``
runs an app with uvicorn in a background thread on 127.0.0.1 and a free port, waits
(bounded) until it listens, and stops it afterwards.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from ijw_gateway.fixtures.manifest import Manifest
from ijw_gateway.history import InMemoryHistory
from ijw_gateway.retour import NoReturnMessage, compose_outcome
from ijw_gateway.rules.stages import cross_message, within_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Outcome, Validator

ANSWERS = {"JW302", "JW306", "JW308", "JW316", "JW318", "JW320", "JW325"}


class Receiver:
    """Validate against one history, record what counts as received, compose the answer."""

    def __init__(self, manifest: Manifest, registry: SchemaRegistry) -> None:
        self.history = InMemoryHistory()
        check = cross_message(self.history, task_based=manifest.is_task_based)
        self.validator = Validator(registry, [within_message(), check])
        self.keys: list[str | None] = []
        self._count = 0

    def judge(self, data: bytes) -> tuple[Outcome, bytes | None]:
        outcome = self.validator.run(data)
        if outcome.message is not None:
            self.history.record(outcome.message, outcome.report)
        return outcome, self._answer(outcome)

    def _answer(self, outcome: Outcome) -> bytes | None:
        if outcome.report.message in ANSWERS:
            return None
        self._count += 1
        try:
            answer = compose_outcome(
                outcome, identificatie=f"A{self._count:07d}", dagtekening=date(2026, 6, 30)
            )
        except NoReturnMessage:
            return None
        return answer.to_bytes()


def verdict_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/messages")
    async def post(request: Request) -> JSONResponse:
        receiver.keys.append(request.headers.get("authorization"))
        outcome, answer = receiver.judge(await request.body())
        report = outcome.report
        retour = {"xml": answer.decode("utf-8")} if answer else None
        body = {"accepted": report.accepted, "verdict": report.to_json(), "retour": retour}
        return JSONResponse(body)

    return app


def retour_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/ijw/inbox")
    async def post(request: Request) -> Response:
        receiver.keys.append(request.headers.get("x-api-key"))
        outcome, answer = receiver.judge(await request.body())
        if not outcome.report.schema_valid:
            return Response("schema error", status_code=400, media_type="text/plain")
        if answer is None:
            return Response(status_code=204 if outcome.report.accepted else 422)
        return Response(answer, media_type="application/xml")

    return app


START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` while ``app`` runs in a uvicorn thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # else ~40 ms per request
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()
