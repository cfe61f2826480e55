"""Track & trace in a browser: from the search to the message's timeline, and who may."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from ijw_gateway.fixtures import builders as b
from tests.support.browser import Running, serious_violations, sign_in
from tests.support.service import AGB, GEMEENTE, OTHER_GEMEENTE, auth, demo_key


def _sent(served: Running) -> str:
    data = b.to_bytes(b.jw301("CONSOLE-301"))
    answer = httpx.post(f"{served.url}/v1/messages", content=data, headers=auth(GEMEENTE))
    assert answer.status_code == 200 and answer.json()["accepted"], answer.text
    message_id: str = answer.json()["id"]
    return message_id


def test_a_message_from_the_search_to_its_timeline(served: Running, page: Page) -> None:
    message_id = _sent(served)
    sign_in(page, served.url, demo_key(GEMEENTE))
    page.get_by_role("link", name="Track & trace").first.click()
    page.get_by_label("Message id").fill(message_id)
    page.get_by_role("button", name="Find").click()
    assert page.url.endswith(f"/console/messages/{message_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("JW301")
    kinds = page.locator(".timeline .event-kind").all_inner_texts()
    assert kinds[:3] == ["received", "accepted", "retour_composed"]
    conversation = page.locator("table").nth(1)
    expect(conversation).to_contain_text("JW302")
    expect(page.get_by_role("heading", name="Trajectory")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{GEMEENTE} → {AGB}")
    assert serious_violations(page) == []
    conversation.get_by_role("link", name="JW302").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("JW302")


def test_another_party_is_refused_the_message(served: Running, page: Page) -> None:
    message_id = _sent(served)
    sign_in(page, served.url, demo_key(OTHER_GEMEENTE))
    answer = page.goto(f"{served.url}/console/messages/{message_id}")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("alert")).to_contain_text("only read messages it sent")
    assert serious_violations(page) == []


def test_without_signing_in_the_page_asks_for_it(served: Running, page: Page) -> None:
    answer = page.goto(f"{served.url}/console/trace")
    assert answer is not None and answer.status == 401
    page.get_by_role("link", name="Sign in").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("API key").fill("ijw.nobody.wrong-secret")
    page.get_by_role("button", name="Sign in").last.click()
    expect(page.get_by_role("alert")).to_have_text("This API key is unknown or revoked.")
    assert serious_violations(page) == []
