"""Conformance in a browser: the suite against the running gateway, watched to its end
(a party's run: the target is the gateway itself)."""

from __future__ import annotations

from lxml import etree
from playwright.sync_api import Page, expect

from tests.support.browser import Running, serious_violations, sign_in
from tests.support.service import GEMEENTE, demo_key

DEMO_KEYS = "ijw.demo-{party}.zhz-demo-secret-{party}"
FLOWS = "sequences/flow-segment-1-* sequences/flow-segment-2-*"


def test_run_the_suite_against_the_running_gateway(served: Running, page: Page) -> None:
    sign_in(page, served.url, demo_key(GEMEENTE))
    page.get_by_role("link", name="Conformance").first.click()
    target = page.get_by_label("Target URL")  # a party's: this gateway, not to be changed
    expect(target).to_have_value(served.url)
    expect(target).not_to_be_editable()
    page.get_by_label("API key template").fill(DEMO_KEYS)
    page.get_by_label("Only these fixtures").fill(FLOWS)
    page.get_by_role("button", name="Run").click()
    expect(page.locator("progress")).to_be_visible()
    expect(page.locator("#run-state")).to_have_text("Done", timeout=120_000)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    assert rows.locator(".accepted").count() == 2, page.locator("#results").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Filter").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="JUnit file").click()
    report = etree.parse(str(download.value.path()))
    assert len(report.findall(".//testcase")) == 2
    assert report.findall(".//failure") == []
