"""axe-core over every page of the console, as each of its users sees it, in both
languages: no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.support.browser import Running, serious_violations, sign_in
from tests.support.service import GEMEENTE, demo_key

ANYONE = ("/", "/validate", "/sign-in")
PARTY = ("/trace", "/mailbox", "/monitoring", "/refusals", "/conformance")
OPERATOR = ("/parties", "/dead-letters", "/trace", "/monitoring", "/refusals", "/conformance")


def _sweep(page: Page, served: Running, paths: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        answer = page.goto(f"{served.url}/console{path}")
        assert answer is not None and answer.status == 200, path
        found[path] = serious_violations(page)
    return {path: problems for path, problems in found.items() if problems}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_page_for_every_user(served: Running, page: Page, lang: str) -> None:
    page.context.add_cookies([{"name": "ijw_lang", "value": lang, "url": f"{served.url}/console/"}])
    assert _sweep(page, served, ANYONE) == {}
    assert page.locator("html").get_attribute("lang") == lang
    sign_in(page, served.url, demo_key(GEMEENTE))
    assert _sweep(page, served, PARTY) == {}
    sign_in(page, served.url, served.operator_key)
    assert _sweep(page, served, OPERATOR) == {}
