"""``ijw-gateway serve``: run the HTTP gateway (uvicorn), by default with a delivery worker.

Before uvicorn starts, the database is migrated and the parties file loaded, once, in
this process; each uvicorn worker process then opens the prepared database.
"""

from __future__ import annotations

import logging
import os
import socket

import click

from ijw_gateway.cli import cli
from ijw_gateway.config import Settings

APP_FACTORY = "ijw_gateway.api.app:create_app"
HTTP = "ijw_gateway.api.protocol:BoundedHttpTools"  # httptools with limits (docs/service.md)
GRACE_SECONDS = 15
"""After SIGTERM, requests in flight get this long to finish; then they are cancelled and
a large message still being judged is abandoned (``api.offload``; its sender sends again)."""


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


def listener(host: str, port: int) -> socket.socket:
    """The listening socket for several uvicorn processes, created with ``IPPROTO_TCP``.

    uvicorn's own ``--workers`` listener leaves the protocol at 0, so asyncio does not set
    TCP_NODELAY on accepted connections and every keep-alive response waits ~40 ms for a
    delayed ACK (uvicorn issue #3149). With the protocol given, asyncio sets it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _run_processes(host: str, port: int, workers: int, log_level: str) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=log_level,
        http=HTTP,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    Multiprocess(config, sockets=[listener(host, port)]).run()


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option(
    "--with-worker/--no-worker",
    default=True,
    show_default=True,
    help="Also deliver queued messages from this process.",
)
@click.option("--workers", default=1, show_default=True, help="uvicorn worker processes.")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve(
    host: str | None, port: int | None, with_worker: bool, workers: int, log_level: str
) -> int:
    """Start the gateway on http://127.0.0.1:8000 with the embedded defaults."""
    import uvicorn

    from ijw_gateway.gateway import open_gateway

    configure_logging(log_level)
    settings = Settings.from_env()
    gateway = open_gateway(settings)  # migrate and load parties once, here
    host, port = host or settings.host, port or settings.port
    if workers > 1:
        gateway.store.dispose()
        os.environ["IJW_WORKER_IN_SERVE"] = "1" if with_worker else "0"
        _run_processes(host, port, workers, log_level)
        return 0
    from ijw_gateway.api.app import create_app

    app = create_app(settings, gateway, with_worker=with_worker)
    uvicorn.run(
        app,
        log_level=log_level,
        host=host,
        port=port,
        http=HTTP,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    return 0
