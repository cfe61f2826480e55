"""Remake the console's screenshots in ``docs/console/`` (``docs/console.md`` shows them).

    .venv/bin/python -m tests.support.screenshots

It starts a gateway on SQLite with the ZHZ example parties (as the browser tests do; the
provider's pushes go nowhere and give up after seconds, to show a dead letter), sends it
a little traffic, and photographs every page in Debian's chromium.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from ijw_gateway.fixtures import builders as b
from tests.support.browser import CHROMIUM, Running, running_gateway, sign_in
from tests.support.procs import parties_file, wait_until
from tests.support.service import AGB, GEMEENTE, auth, demo_key
from tests.support.shared_paths import ROOT

OUT = ROOT / "docs" / "console"
BROKEN = ROOT / "fixtures/messages/jw301/invalid/CD005/postcode-without-landcode.xml"


def _traffic(served: Running) -> str:
    sent = [
        (GEMEENTE, b.to_bytes(b.jw301("SHOT-301"))),
        (AGB, b.to_bytes(b.jw305("SHOT-305", dagtekening="2026-03-04"))),
        (AGB, b.to_bytes(b.jw323("SHOT-323", clients={b.BSN: [b.prestatie(volume=120)]}))),
        (
            GEMEENTE,
            b.to_bytes(b.jw301("SHOT-X")).replace(b"<jw301:Client>", b"<jw301:Client><?x?>", 1),
        ),
    ]
    ids = []
    for party, data in sent:
        answer = httpx.post(f"{served.url}/v1/messages", content=data, headers=auth(party))
        ids.append(str(answer.json()["id"]))
    return ids[0]


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def _pages(page: Page, served: Running, message_id: str) -> None:
    page.goto(f"{served.url}/console/validate")
    page.get_by_label("Message (XML)").fill(BROKEN.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Validate", exact=True).click()
    page.locator("a.goto").first.click()
    _shoot(page, "validate")
    sign_in(page, served.url, demo_key(GEMEENTE))
    page.goto(f"{served.url}/console/messages/{message_id}")
    _shoot(page, "trace")
    page.goto(f"{served.url}/console/refusals")
    _shoot(page, "refusals")
    sign_in(page, served.url, demo_key(AGB))
    page.goto(f"{served.url}/console/mailbox")
    _shoot(page, "mailbox")
    sign_in(page, served.url, served.operator_key)
    page.goto(f"{served.url}/console/monitoring")
    page.locator("#chart-volume summary").click()
    _shoot(page, "monitoring")
    page.goto(f"{served.url}/console/parties")
    _shoot(page, "parties")
    key = {"Authorization": f"Bearer {served.operator_key}"}
    wait_until(
        lambda: httpx.get(f"{served.url}/v1/deadletters", headers=key).json()["items"] != [],
        60,
        "a dead letter",
    )
    page.goto(f"{served.url}/console/dead-letters")
    _shoot(page, "deadletters")
    page.goto(f"{served.url}/console/conformance")
    page.get_by_label("Target URL").fill(served.url)
    page.get_by_label("API key template").fill("ijw.demo-{party}.zhz-demo-secret-{party}")
    page.get_by_label("Only these fixtures").fill("sequences/flow-segment-1-* jw301/invalid/CD0*")
    page.get_by_role("button", name="Run").click()
    page.locator("#run-state").filter(has_text="Done").wait_for(timeout=120_000)
    _shoot(page, "conformance")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        parties = parties_file(Path(folder), {AGB: "http://127.0.0.1:9/ijw"})  # gives up
        dying = {"IJW_DELIVERY_DEADLINE_HOURS": "0.001", "IJW_WORKER_POLL_SECONDS": "0.2"}
        for served in running_gateway(Path(folder), parties, **dying):
            message_id = _traffic(served)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
                page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
                _pages(page, served, message_id)
                browser.close()


if __name__ == "__main__":
    main()
