"""An app whose offload process (``api.offload``) notes its process id, so a test can tell
whether a body was taken in by a process of its own. The offload process is spawned: what
it runs must be importable by name, as this module is."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from fastapi import FastAPI

from ijw_gateway.api import offload
from ijw_gateway.api.app import create_app
from ijw_gateway.config import Settings
from ijw_gateway.gateway import Gateway


def noting_start(directory: Path, settings: Settings, log_level: int) -> None:
    """The offload process's start, noting its process id."""
    (directory / "offload.pid").write_text(str(os.getpid()))
    offload.start(settings, log_level)


def noting_app(gateway: Gateway, directory: Path) -> FastAPI:
    """The gateway app, whose offload process notes its process id in ``directory``."""
    app = create_app(gateway=gateway, with_worker=False)
    app.state.offload = offload.Offload(gateway.settings, partial(noting_start, directory))
    return app


def offloaded(directory: Path) -> bool:
    """Whether an offload process of ``noting_app`` started (another process than this)."""
    noted = directory / "offload.pid"
    return noted.exists() and int(noted.read_text()) != os.getpid()
