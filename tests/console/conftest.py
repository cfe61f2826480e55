"""Fixtures of the console tests: the gateway and API fixtures (SQLite and PostgreSQL),
and for the browser tests a real gateway and Debian's chromium (``tests.support.browser``)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import CHROMIUM, Running, require_browser, running_gateway
from tests.support.service import (  # noqa: F401  (fixtures, found by pytest by name)
    client,
    db_url,
    gateway,
    pg_schemas,
    pg_session_url,
    settings,
    store,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    require_browser()
    yield from running_gateway(Path(tmp_path_factory.mktemp("console")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()
