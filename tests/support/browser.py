"""The console's browser tests: a real gateway, Debian's chromium driven by Playwright,
and axe-core (shipped in axe-playwright-python) judging every page.

Nothing downloads a browser: Playwright is pointed at ``/usr/bin/chromium``. Without it
the tests skip, unless ``IJW_REQUIRE_BROWSER=1`` (``.ci/run`` sets it after installing
chromium), when they fail instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.procs import GATEWAY, Proc, gateway_env, wait_healthy
from tests.support.service import PARTIES

CHROMIUM = Path("/usr/bin/chromium")
PORTS = range(8750, 8800)  # the console tests' own range
OPERATOR = "region"
SECRET = "console-test-secret-0123456789"


def require_browser() -> None:
    """Skip (or, with ``IJW_REQUIRE_BROWSER=1``, fail) without chromium and Playwright."""
    missing = None if CHROMIUM.exists() else f"{CHROMIUM} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if missing is None:
        return
    if os.environ.get("IJW_REQUIRE_BROWSER") == "1":
        pytest.fail(f"IJW_REQUIRE_BROWSER=1 but {missing}")
    pytest.skip(f"browser tests: {missing}")


def port_in_range() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port in 8750-8799")


@dataclass(frozen=True)
class Running:
    """A gateway serving the console, and the operator key made for it."""

    url: str
    operator_key: str
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [GATEWAY, *args], env=self.env, capture_output=True, check=True, timeout=120
        )
        return done.stdout.decode().strip()


def running_gateway(folder: Path, parties: Path = PARTIES, **extra: str) -> Iterator[Running]:
    """``ijw-gateway serve`` on SQLite with the ZHZ parties (or ``parties``) and an
    operator key; ``extra``: more settings."""
    port = port_in_range()
    env = gateway_env(
        f"sqlite:///{folder / 'console.db'}",
        parties,
        IJW_CONSOLE_SECRET=SECRET,
        IJW_EXPORT_KEY="console-export-key-0123456789",
        **extra,
    )
    made = Running(f"http://127.0.0.1:{port}", "", env)
    made.cli("operators", "add", OPERATOR)
    key = made.cli("operators", "key", "add", OPERATOR).splitlines()[0]
    proc = Proc(["serve", "--port", str(port), "--log-level", "warning"], env, folder / "log")
    proc.start()
    try:
        wait_healthy(port, proc)
        yield Running(made.url, key, env)
    finally:
        proc.stop()


def serious_violations(page: object) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = results.response.get("violations", [])
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def sign_in(page: Page, url: str, key: str) -> None:
    """Through the sign-in page, as a user would (in either language)."""
    page.goto(f"{url}/console/sign-in")
    page.locator("#api_key").fill(key)
    page.locator("main form button[type=submit]").click()
