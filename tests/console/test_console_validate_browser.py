"""Validate in a browser: from the gateway's address to a finding on its XML line."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.browser import Running, serious_violations
from tests.support.shared_paths import ROOT

BROKEN = ROOT / "fixtures/messages/jw301/invalid/CD005/postcode-without-landcode.xml"
VALID = sorted((ROOT / "fixtures/messages/jw301/valid").glob("*.xml"))[0]


def test_the_gateway_address_leads_to_the_console_in_one_click(served: Running, page: Page) -> None:
    page.goto(served.url)
    assert page.url == f"{served.url}/console/"
    page.get_by_role("link", name="Validate").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validate")
    assert serious_violations(page) == []


def test_a_broken_message_shows_its_finding_on_its_line(served: Running, page: Page) -> None:
    page.goto(f"{served.url}/console/validate")
    page.get_by_label("Message (XML)").fill(BROKEN.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Validate", exact=True).click()
    expect(page.locator(".rejected").first).to_be_visible()
    finding = page.locator(".findings li").first
    line = int(finding.get_attribute("data-line") or "0")
    assert "CD005" in finding.inner_text()
    flagged = page.locator(f"#m1-l{line}")
    expect(flagged).to_have_class(re.compile("flagged"))
    finding.locator("a.goto").click()
    expect(flagged).to_have_class(re.compile("current"))
    expect(flagged).to_be_focused()
    page.get_by_text("Return message", exact=True).first.click()
    assert "<" in page.locator("pre.block").first.inner_text()
    assert serious_violations(page) == []


def test_files_as_a_sequence_and_in_dutch(served: Running, page: Page) -> None:
    page.goto(f"{served.url}/console/validate")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valideren")
    page.get_by_label("Of bestanden").set_input_files([str(VALID), str(BROKEN)])
    page.get_by_label("Beoordeel de bestanden als reeks").check()
    page.get_by_label("Beoordeel ook tegen de contracten").uncheck()
    page.get_by_role("button", name="Valideer", exact=True).click()
    results = page.locator("section.result")
    expect(results).to_have_count(2)
    expect(results.nth(0).locator(".accepted")).to_have_text("geaccepteerd")
    expect(results.nth(1).locator(".rejected")).to_have_text("afgekeurd")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert serious_violations(page) == []
