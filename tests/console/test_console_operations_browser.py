"""The message search and the dead letters in a browser: find a message by its
identification, and redeliver or discard a message whose delivery gave up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from ijw_gateway.fixtures import builders as b
from tests.support.browser import (
    Running,
    require_browser,
    running_gateway,
    serious_violations,
    sign_in,
)
from tests.support.procs import parties_file, wait_until
from tests.support.service import AGB, GEMEENTE, auth, demo_key

NOWHERE = "http://127.0.0.1:9/ijw"  # nothing listens: every push fails until the deadline


@pytest.fixture(scope="module")
def dying(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A gateway that pushes the provider's messages to nowhere and gives up after ~4 s."""
    require_browser()
    folder = Path(tmp_path_factory.mktemp("dying"))
    parties = parties_file(folder, {AGB: NOWHERE})
    yield from running_gateway(
        folder,
        parties,
        IJW_DELIVERY_DEADLINE_HOURS="0.001",
        IJW_WORKER_POLL_SECONDS="0.2",
        IJW_DELIVERY_TIMEOUT_SECONDS="1",
    )


def _sent(served: Running, identification: str) -> str:
    data = b.to_bytes(b.jw301(identification))
    answer = httpx.post(f"{served.url}/v1/messages", content=data, headers=auth(GEMEENTE))
    assert answer.status_code == 200 and answer.json()["accepted"], answer.text
    message_id: str = answer.json()["id"]
    return message_id


def _dead(served: Running) -> list[str]:
    key = {"Authorization": f"Bearer {served.operator_key}"}
    items = httpx.get(f"{served.url}/v1/deadletters", headers=key).json()["items"]
    return [str(i["id"]) for i in items]


def test_a_message_found_by_its_identification(dying: Running, page: Page) -> None:
    message_id = _sent(dying, "FIND-ME-301")
    _sent(dying, "NOT-ME-301")
    sign_in(page, dying.url, demo_key(GEMEENTE))
    page.goto(f"{dying.url}/console/trace")
    page.get_by_label("Identification").fill("FIND-ME-301")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#found tbody tr")
    expect(rows.first).to_be_visible()
    assert sorted(rows.locator("td:first-child").all_inner_texts()) == ["JW301", "JW302"]
    assert serious_violations(page) == []  # the message and the answer that names it
    rows.get_by_role("link", name="JW301").click()
    assert page.url.endswith(f"/console/messages/{message_id}")


def test_redeliver_a_dead_letter(dying: Running, page: Page) -> None:
    message_id = _sent(dying, "DEAD-301")
    wait_until(lambda: message_id in _dead(dying), 60, "the push to give up")
    sign_in(page, dying.url, dying.operator_key)
    page.get_by_role("link", name="Dead letters and outbox").click()
    row = page.locator(f"#dead-{message_id}")
    expect(row).to_contain_text("JW301")
    assert serious_violations(page) == []
    row.get_by_role("button", name="Redeliver").click()
    expect(page.locator(f"#dead-{message_id}")).to_have_count(0)
    page.goto(f"{dying.url}/console/messages/{message_id}")
    expect(page.locator(".timeline")).to_contain_text("requeued")


def test_discard_a_dead_letter_with_a_reason(dying: Running, page: Page) -> None:
    message_id = _sent(dying, "GONE-301")
    wait_until(lambda: message_id in _dead(dying), 60, "the push to give up")
    sign_in(page, dying.url, dying.operator_key)
    page.goto(f"{dying.url}/console/dead-letters")
    row = page.locator(f"#dead-{message_id}")
    discard = row.get_by_role("button", name=f"Discard JW301 {message_id}")
    discard.click()  # without a reason the browser asks for one
    expect(row).to_have_count(1)
    row.get_by_label("Reason (no personal data)").fill("sent again by the municipality")
    assert serious_violations(page) == []
    discard.click()
    expect(page.locator(f"#dead-{message_id}")).to_have_count(0)
    assert message_id not in _dead(dying)
    page.goto(f"{dying.url}/console/messages/{message_id}")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("discarded")
    expect(timeline).to_contain_text("sent again by the municipality")


def test_page_through_a_search_and_the_mailbox(dying: Running, page: Page) -> None:
    sent = [_sent(dying, f"PAGED-{n}-301") for n in range(2)]
    sign_in(page, dying.url, demo_key(GEMEENTE))
    page.goto(f"{dying.url}/console/trace")
    page.get_by_label("Type").fill("JW301")
    page.get_by_label("Per page").fill("1")
    page.get_by_role("button", name="Search").click()
    newest = page.locator("#found a")
    expect(newest).to_have_attribute("href", f"/console/messages/{sent[1]}")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#found a")).to_have_attribute("href", f"/console/messages/{sent[0]}")
    assert "PAGED" not in page.url and "after" not in page.url  # posted, not in the URL
    page.get_by_role("button", name="First page").click()
    expect(page.locator("#found a")).to_have_attribute("href", f"/console/messages/{sent[1]}")
    sign_in(page, dying.url, demo_key(AGB))
    page.goto(f"{dying.url}/console/mailbox?limit=1")
    first = page.locator("#mailbox tbody a").get_attribute("href")
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#mailbox tbody a")).not_to_have_attribute("href", first or "")
    assert serious_violations(page) == []
    page.get_by_role("link", name="First page").click()
    expect(page.locator("#mailbox tbody a")).to_have_attribute("href", first or "")
