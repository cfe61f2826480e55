"""The message search and the dead letters in a browser: find a message by its
identification, and redeliver a message whose delivery gave up."""

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
