"""Parties and keys, and the mailbox, in a browser: issue a key, use it, revoke it."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Page, expect

from ijw_gateway.fixtures import builders as b
from tests.support.browser import Running, serious_violations, sign_in
from tests.support.procs import wait_until
from tests.support.service import AGB, GEMEENTE, auth, demo_key

OTHER = "0512"


def _refused_by_the_api(served: Running, key: str) -> bool:
    answer = httpx.get(f"{served.url}/v1/mailbox", headers={"Authorization": f"Bearer {key}"})
    return answer.status_code == 401


def test_issue_a_key_use_it_revoke_it_and_see_it_refused(
    served: Running, page: Page, browser: Browser
) -> None:
    sign_in(page, served.url, served.operator_key)
    page.get_by_role("link", name="Parties and keys").click()
    row = page.locator(f"#party-{OTHER}")
    row.get_by_role("button", name=f"Issue a key {OTHER}").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("ijw.")
    assert serious_violations(page) == []
    page.goto(f"{served.url}/console/parties")
    expect(page.locator("#new-key")).to_have_count(0)  # shown once
    other = browser.new_context(locale="en-GB").new_page()
    sign_in(other, served.url, key)
    expect(other.locator(".who")).to_contain_text(OTHER)
    assert (
        httpx.get(
            f"{served.url}/v1/mailbox", headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 200
    )
    key_id = key.split(".")[1]
    page.locator(f"#party-{OTHER}").get_by_role("button", name=f"Revoke {key_id}").click()
    expect(page.get_by_role("status")).to_have_text("Revoked.")
    answer = other.goto(f"{served.url}/console/mailbox")
    assert answer is not None and answer.status == 401  # the session ended with its key
    sign_in(other, served.url, key)
    expect(other.get_by_role("alert")).to_have_text("This API key is unknown or revoked.")
    wait_until(lambda: _refused_by_the_api(served, key), 15, "the API to refuse the key")
    other.context.close()


def test_set_a_channel_and_add_a_party(served: Running, page: Page) -> None:
    sign_in(page, served.url, served.operator_key)
    page.goto(f"{served.url}/console/parties")
    row = page.locator(f"#party-{OTHER}")
    row.get_by_label("Endpoint").fill("https://other.example/ijw")
    row.get_by_label("Channel").select_option("push")
    row.get_by_role("button", name="Set channel and endpoint").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    assert (
        page.locator(f"#party-{OTHER}").get_by_label("Endpoint").input_value()
        == "https://other.example/ijw"
    )
    page.get_by_label("Code", exact=True).fill("87654321")
    page.get_by_label("Name", exact=True).fill("Nieuwe Aanbieder")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#party-87654321")).to_contain_text("Nieuwe Aanbieder")
    served.cli("parties", "list")  # the command line sees the same directory
    assert "87654321" in served.cli("parties", "list")


def test_parties_are_for_operators_and_the_mailbox_for_parties(served: Running, page: Page) -> None:
    sign_in(page, served.url, demo_key(GEMEENTE))
    answer = page.goto(f"{served.url}/console/parties")
    assert answer is not None and answer.status == 403
    sign_in(page, served.url, served.operator_key)
    answer = page.goto(f"{served.url}/console/mailbox")
    assert answer is not None and answer.status == 403


def test_the_mailbox_shows_and_acknowledges(served: Running, page: Page) -> None:
    data = b.to_bytes(b.jw301("BOX-301"))
    sent = httpx.post(f"{served.url}/v1/messages", content=data, headers=auth(GEMEENTE))
    message_id = sent.json()["id"]
    sign_in(page, served.url, demo_key(AGB))
    page.get_by_role("link", name="Mailbox").click()
    row = page.locator("#mailbox tr", has=page.locator(f"a[href$='{message_id}']"))
    expect(row).to_contain_text("JW301")
    assert serious_violations(page) == []
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(f"a[href$='{message_id}']")).to_have_count(0)
