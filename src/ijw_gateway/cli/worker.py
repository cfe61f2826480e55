"""``ijw-gateway worker``: deliver queued messages to the receivers' push endpoints."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from ijw_gateway.cli import cli, current_settings


@cli.command()
@click.option("--concurrency", default=8, show_default=True, help="Pushes in parallel.")
@click.option("--once", is_flag=True, help="Deliver one batch and exit (for cron and tests).")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def worker(concurrency: int, once: bool, log_level: str) -> int:
    """Run a delivery worker; several may run at once (PostgreSQL or SQLite)."""
    from ijw_gateway.cli.serve import configure_logging
    from ijw_gateway.gateway import open_gateway

    settings = current_settings()
    configure_logging(log_level)
    gateway = open_gateway(settings)
    runner = gateway.worker(concurrency=max(1, concurrency))
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        runner.run(stop, max_batches=1 if once else None)
    finally:
        runner.close()
        gateway.store.dispose()
    return 0
