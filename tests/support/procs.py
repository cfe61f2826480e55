"""Real processes on loopback: ``ijw-gateway serve``/``worker`` and a receiver that records.

Every wait is bounded in time; every process started here is stopped by its own id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import uvicorn

from ijw_gateway.fixtures import builders as b
from ijw_gateway.store import Store
from tests.support.service import PARTIES, settled

GATEWAY = str(Path(sys.executable).parent / "ijw-gateway")
START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parties_file(directory: Path, endpoints: Mapping[str, str]) -> Path:
    """The ZHZ example parties with push endpoints for some of them."""
    text = PARTIES.read_text(encoding="utf-8")
    for code, endpoint in endpoints.items():
        text = text.replace(f'code = "{code}"\n', f'code = "{code}"\nendpoint = "{endpoint}"\n')
    path = directory / "parties.toml"
    path.write_text(text, encoding="utf-8")
    return path


def gateway_env(db_url: str, parties: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    env.update(IJW_DATABASE_URL=db_url, IJW_PARTIES=str(parties), **extra)
    return env


@dataclass
class Proc:
    """One gateway process; ``kill`` is SIGKILL, ``stop`` a polite SIGTERM."""

    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [GATEWAY, *self.args], env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_healthy(port: int, proc: Proc, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.process is not None and proc.process.poll() is not None:
            raise AssertionError(f"gateway exited early; see {proc.log}:\n{proc.log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gateway on port {port} not healthy within {seconds} s")


@dataclass
class Delivery:
    message_id: str
    path: str
    body: bytes
    at: float  # time.monotonic() when it arrived


@dataclass
class Receiver:
    """A loopback HTTP endpoint that records every push; answers ``status`` per path."""

    delay: float = 0.0
    status: dict[str, int] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    inflight: int = 0  # pushes being answered right now

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def ids(self, path: str | None = None) -> list[str]:
        with self.lock:
            return [d.message_id for d in self.deliveries if path in (None, d.path)]

    def record(self, delivery: Delivery) -> int:
        with self.lock:
            self.deliveries.append(delivery)
        return self.status.get(delivery.path, 200)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            message_id = self.headers.get("X-Ijw-Message-Id", "")
            # Recorded on arrival: a receiver that stored the message but whose answer
            # never reached the gateway (killed meanwhile) has still received it.
            status = receiver.record(Delivery(message_id, self.path, body, time.monotonic()))
            with receiver.lock:
                receiver.inflight += 1
            try:
                if receiver.delay:
                    time.sleep(receiver.delay)
            finally:
                with receiver.lock:
                    receiver.inflight -= 1
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[int]:
    """Serve on a thread until the block ends; the port."""
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))) as port:
        receiver.port = port
        yield receiver


@contextmanager
def in_thread(config: uvicorn.Config) -> Iterator[tuple[uvicorn.Server, threading.Thread, int]]:
    """A uvicorn server in a thread of this process, on the port it chose (give port 0);
    stopped at the end as SIGTERM stops it (``should_exit``)."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    port = int(server.servers[0].sockets[0].getsockname()[1])
    try:
        yield server, thread, port
    finally:
        server.should_exit = True
        thread.join(30)


def queued_allocations(env: dict[str, str], store: Store, count: int) -> list[str]:
    """``count`` allocations (JW301) of the example municipality to the example provider,
    stored and queued through a gateway made from ``env`` (its parties file loaded): what
    a worker process started with ``env`` then delivers."""
    from ijw_gateway.config import Settings
    from ijw_gateway.gateway import Gateway, prepare

    settings = Settings.from_env(env)
    prepare(settings, store)
    intake = Gateway(settings, store).intake
    ids = []
    for i in range(count):
        model = b.jw301(f"K-{i}", products=[b.toegewezen_product(7000 + i)])
        (result,) = intake.submit(b.GEMEENTE, b.to_bytes(model), "t")
        assert result.delivery == "queued" and result.id
        ids.append(result.id)
    return ids


def killed_in_flight(
    env: dict[str, str],
    log: Path,
    store: Store,
    ids: list[str],
    in_flight: Callable[[int], bool],
    kills: int = 2,
) -> int:
    """A worker (``--concurrency 2``) SIGKILLed ``kills`` times, each time once
    ``in_flight(n)`` (``n``: the kill's number, from 0) says a delivery is in flight, then
    started again until every message of ``ids`` is delivered; the number of kills."""
    worker = Proc(["worker", "--concurrency", "2"], env, log)
    for n in range(kills):
        worker.start()
        wait_until(lambda: in_flight(n), 60, "a delivery in flight", 0.01)  # noqa: B023
        time.sleep(0.05)  # the kill lands while the receiver holds its answer
        worker.kill()
    worker.start()
    try:
        wait_until(lambda: settled(store, ids), 120, "every message delivered")
    finally:
        worker.stop()
    return kills


def wait_until(check: object, seconds: float, what: str, step: float = 0.1) -> None:
    """Poll ``check()`` until true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")
