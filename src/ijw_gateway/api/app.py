"""FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from ijw_gateway import __version__
from ijw_gateway.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="ijw-gateway",
        version=__version__,
        description="Gateway for iJw 3.2 youth-care messages",
    )

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
