"""Monitoring and no-extra-data in a browser: a chart, its numbers and its CSV."""

from __future__ import annotations

import csv
import io

import httpx
from playwright.sync_api import Page, expect

from ijw_gateway.fixtures import builders as b
from tests.support.browser import Running, serious_violations, sign_in
from tests.support.service import AGB, GEMEENTE, OTHER_GEMEENTE, auth, demo_key


def _traffic(served: Running) -> None:
    """An allocation and its start (figures), and a message with extra data (a refusal)."""
    sent = [
        (GEMEENTE, b.to_bytes(b.jw301("MON-301"))),
        (AGB, b.to_bytes(b.jw305("MON-305", dagtekening="2026-03-04"))),
        (
            GEMEENTE,
            b.to_bytes(b.jw301("MON-X")).replace(b"<jw301:Client>", b"<jw301:Client><?x?>", 1),
        ),
    ]
    for party, data in sent:
        answer = httpx.post(f"{served.url}/v1/messages", content=data, headers=auth(party))
        assert answer.status_code == 200, answer.text


def test_a_chart_its_numbers_and_its_csv(served: Running, page: Page) -> None:
    _traffic(served)
    sign_in(page, served.url, served.operator_key)
    page.get_by_role("link", name="Monitoring").first.click()
    figure = page.locator("#chart-trajectories")
    expect(figure.locator("svg")).to_be_visible()
    figure.get_by_text("The numbers").click()
    table = figure.locator("table")
    expect(table).to_be_visible()
    header = table.locator("thead th").all_inner_texts()
    assert header[1:] == ["requested", "allocated", "started", "stopped"]
    cells = [r.locator("th, td").all_inner_texts() for r in table.locator("tbody tr").all()]
    assert sum(int(row[2]) for row in cells) >= 1  # the allocation
    with page.expect_download() as download:
        figure.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text)))[1:] == cells
    assert serious_violations(page) == []


def test_refusals_per_municipality_and_month(served: Running, page: Page) -> None:
    _traffic(served)
    sign_in(page, served.url, demo_key(GEMEENTE))
    page.get_by_role("link", name="No-extra-data").first.click()
    rows = page.locator("#refusal-table tbody tr")
    expect(rows.first).to_contain_text(GEMEENTE)
    assert serious_violations(page) == []
    sign_in(page, served.url, demo_key(OTHER_GEMEENTE))
    page.goto(f"{served.url}/console/refusals")
    expect(page.locator("#refusal-table")).to_have_count(0)  # not its refusals
