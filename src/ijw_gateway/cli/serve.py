"""``ijw-gateway serve``: run the HTTP gateway (uvicorn)."""

from __future__ import annotations

import click

from ijw_gateway.cli import cli
from ijw_gateway.config import Settings


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
def serve(host: str | None, port: int | None) -> int:
    """Start the gateway on http://127.0.0.1:8000 with the embedded defaults."""
    import uvicorn

    from ijw_gateway.api.app import create_app

    settings = Settings.from_env()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )
    return 0
