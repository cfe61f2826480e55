"""``ijw-gateway serve``: run the HTTP gateway (uvicorn), by default with a delivery worker.

Before uvicorn starts, the database is migrated and the parties file loaded, once, in
this process; each uvicorn worker process then opens the prepared database. The worker
processes get their settings as the app factory's argument (pickled by uvicorn's spawn),
not through the environment; the one variable set for them is prometheus-client's
metrics directory, which that library reads nowhere else (``metrics.py``).

uvicorn's own access log is off: it writes the request line as sent, query string
(``?bsn=…``) and all. The access log is ``api.middleware``'s one line per request, which
names the route's template, never the path as sent, a query string or a header.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings

HTTP = "ijw_gateway.api.protocol:BoundedHttpTools"  # httptools with limits (docs/service.md)
GRACE_SECONDS = 15
"""After SIGTERM, requests in flight get this long to finish; then they are cancelled and
a large message still being judged is abandoned (``api.offload``; its sender sends again)."""

if TYPE_CHECKING:
    from ijw_gateway.config import Settings


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


def _run_processes(settings: Settings, workers: int, log_level: str) -> None:
    """``workers`` uvicorn processes on one socket; their metrics add up (``metrics.py``)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from ijw_gateway import metrics
    from ijw_gateway.api.app import create_app

    with metrics.run_directory(settings.metrics_dir) as directory:
        os.environ[metrics.MULTIPROCESS_ENV] = str(directory)
        factory = partial(create_app, replace(settings, metrics_dir=directory))
        config = uvicorn.Config(
            factory,
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level=log_level,
            access_log=False,  # see the module docstring
            http=HTTP,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
        Multiprocess(config, sockets=[listener(settings.host, settings.port)]).run()


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=click.IntRange(1, 65_535), help="Port (default 8000).")
@click.option(
    "--with-worker/--no-worker",
    default=True,
    show_default=True,
    help="Also deliver queued messages from this process.",
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(min=1), help="HTTP processes."
)
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

    settings = current_settings()
    configure_logging(log_level)
    settings = replace(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        worker_in_serve=with_worker,
        # the console's cookies: one secret for all of this serve's processes
        console_secret=settings.console_secret or secrets.token_urlsafe(32),
    )
    gateway = open_gateway(settings)  # migrate and load parties once, here
    if workers > 1:
        gateway.store.dispose()
        _run_processes(settings, workers, log_level)
        return 0
    from ijw_gateway.api.app import create_app

    app = create_app(replace(settings, metrics_dir=None), gateway, with_worker=with_worker)
    uvicorn.run(
        app,
        log_level=log_level,
        host=settings.host,
        port=settings.port,
        access_log=False,
        http=HTTP,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    return 0
