"""Large bodies are taken in by a process of their own (``api.offload``): small messages
are answered meanwhile, and stopping the gateway does not wait for a large judgement."""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest
import uvicorn

from ijw_gateway import errors, runtime
from ijw_gateway.api import offload
from ijw_gateway.api.app import create_app
from ijw_gateway.config import Settings
from ijw_gateway.findings import Finding
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.gateway import Gateway
from ijw_gateway.rules.stages import cross_message as real_cross_message
from ijw_gateway.store import Store
from ijw_gateway.stuf_intake import EnvelopeRefused
from ijw_gateway.validation import Check, ParsedMessage
from tests.support.offload import noting_app, noting_start, offloaded
from tests.support.procs import in_thread
from tests.support.service import AGB, GEMEENTE, TestClient, auth, codes, declaration


def _holding_start(directory: Path, settings: Settings, log_level: int) -> None:
    """The offload process's start, with cross-message rules that hold every message
    until ``release`` exists; ``holding`` says that one is held (and by which process)."""
    offload.start(settings, log_level)

    def cross_message(*args: object, **kwargs: object) -> Check:
        check: Check = real_cross_message(*args, **kwargs)  # type: ignore[arg-type]

        def held(message: ParsedMessage) -> object:
            (directory / "holding").write_text(str(os.getpid()))
            deadline = time.monotonic() + 60
            while not (directory / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return check(message)

        return held  # type: ignore[return-value]

    runtime.cross_message = cross_message  # type: ignore[attr-defined]  # where runtime looks it up


def test_a_large_body_is_taken_in_by_a_process_of_its_own(gateway: Gateway, tmp_path: Path) -> None:
    app = create_app(gateway=gateway, with_worker=False)
    app.state.offload = offload.Offload(gateway.settings, partial(noting_start, tmp_path))
    large = declaration(300, "O")
    assert offload.Offload.takes(large) and not offload.Offload.takes(b.to_bytes(b.jw301()))
    with TestClient(app) as client:
        small = client.post("/v1/messages", content=b.to_bytes(b.jw301()), headers=auth(GEMEENTE))
        assert small.status_code == 200 and not (tmp_path / "offload.pid").exists()
        response = client.post("/v1/messages", content=large, headers=auth(AGB))
    assert response.status_code == 200, response.text[:300]
    assert codes(response.json()["retour"]["xml"], "9338") == 300
    pid = int((tmp_path / "offload.pid").read_text())
    assert pid != os.getpid()
    with pytest.raises(ProcessLookupError):  # the app's shutdown stopped it
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)


@contextmanager
def serving(
    gateway: Gateway, directory: Path
) -> Iterator[tuple[str, uvicorn.Server, threading.Thread]]:
    app = create_app(gateway=gateway, with_worker=False)
    app.state.offload = offload.Offload(gateway.settings, partial(_holding_start, directory))
    config = uvicorn.Config(
        app, port=0, log_level="error", timeout_graceful_shutdown=1, lifespan="on"
    )
    with in_thread(config) as (server, thread, port):
        try:
            yield f"http://127.0.0.1:{port}", server, thread
        finally:
            (directory / "release").touch()


def test_stopping_does_not_wait_for_a_large_message_being_judged(
    gateway: Gateway, tmp_path: Path
) -> None:
    """A large message is held in the middle of its judgement: small messages are
    answered meanwhile, and the server stops within its grace period, stopping the
    offload process (a thread judging it could not be stopped: SIGTERM waited)."""
    answers: list[object] = []

    def post_large(base: str) -> None:
        try:
            response = httpx.post(
                f"{base}/v1/messages", content=declaration(300, "H"), headers=auth(AGB), timeout=60
            )
            answers.append((response.status_code, response.json()["error"]["code"]))
        except httpx.HTTPError as error:
            answers.append(type(error).__name__)

    with serving(gateway, tmp_path) as (base, server, running):
        large = threading.Thread(target=post_large, args=(base,))
        large.start()
        deadline = time.monotonic() + 60
        while not (tmp_path / "holding").exists():
            assert time.monotonic() < deadline, "the large message never reached its rules"
            time.sleep(0.05)
        small = httpx.post(
            f"{base}/v1/messages", content=b.to_bytes(b.jw301()), headers=auth(GEMEENTE)
        )
        assert small.status_code == 200 and small.json()["delivery"] is not None
        stopped = time.monotonic()
        server.should_exit = True  # what SIGTERM does
        running.join(20)
        took = time.monotonic() - stopped
        large.join(20)
    assert took < 10  # the grace period is 1 s here
    assert answers == [(503, "stopping")]  # abandoned, and said so: its sender sends again
    holder = int((tmp_path / "holding").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(holder, 0)


def test_a_large_json_model_is_judged_in_the_language_asked_by_the_offload_process(
    gateway: Gateway, store: Store, tmp_path: Path
) -> None:
    """What a post is besides its bytes (a JSON model, the language of its findings)
    reaches the offload process with it."""
    clients = {bsns()[n]: [b.prestatie(f"J-{n}", nummer=800_000 + n)] for n in range(800)}
    model = b.jw323("J-1", nummer="JD1", clients=clients)
    body = json.dumps(model).encode()
    assert offload.Offload.takes(body)
    headers = {**auth(AGB), "Content-Type": "application/json", "Accept-Language": "nl"}
    with TestClient(noting_app(gateway, tmp_path)) as client:
        response = client.post("/v1/messages", content=body, headers=headers)
    assert response.status_code == 200, response.text[:300]
    assert offloaded(tmp_path) and response.headers["content-language"] == "nl"
    answer = response.json()
    texts = {f["text"][:40] for f in answer["verdict"]["findings"]}
    assert texts == {"Het ToewijzingNummer van deze prestatie "}
    assert codes(answer["retour"]["xml"], "9338") == 800
    assert store.raw(answer["id"]) == b.to_bytes(model)  # stored as the XML it stands for


def _all(kind: type[errors.IjwGatewayError]) -> list[type[errors.IjwGatewayError]]:
    return [kind, *(k for sub in kind.__subclasses__() for k in _all(sub))]


def test_every_error_survives_the_way_back_from_the_offload_process() -> None:
    """What the offload process raises is answered by the serve process: the class, its
    code and its reason must arrive intact."""
    finding = Finding("xml", None, None, "/", 1, "not XML")
    for kind in _all(errors.IjwGatewayError):
        if kind is errors.InputRejected:
            error: errors.IjwGatewayError = errors.InputRejected(finding)
        elif kind is errors.Frozen:
            error = errors.Frozen(finding, datetime(2027, 1, 1, tzinfo=UTC), 60)
        elif kind is EnvelopeRefused:  # a Fo01 code, a detail and the code's status
            error = EnvelopeRefused("IB103", "(tot 2027-01-01 00:00 UTC)", retry_after=60)
        elif issubclass(kind, errors.RequestRefused):
            error = kind("reason", "a_code")
        else:
            error = kind("reason")
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), back.code, str(back)) == (kind, error.code, str(error))
        assert (back.http_status, back.retry_after) == (error.http_status, error.retry_after)
    assert pickle.loads(pickle.dumps(errors.InputRejected(finding))).finding == finding
