"""The console's access rules, page for page and both ways, on SQLite and PostgreSQL:
who may see each page, who is refused (with the API's status), CSRF on every form, the
session cookie's flags, and a revoked key ending its session."""

from __future__ import annotations

import logging
import re

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.parties import new_key
from ijw_gateway.store import Store
from tests.support.console_client import form_token, operator_key, sign_in
from tests.support.service import (
    AGB,
    GEMEENTE,
    OTHER_GEMEENTE,
    TestClient,
    demo_key,
    post,
)

PAGES = (
    "/validate",
    "/trace",
    "/monitoring",
    "/refusals",
    "/conformance",
    "/parties",
    "/dead-letters",
    "/mailbox",
)
ANYONE = {"/validate"}
OPERATORS = {"/parties", "/dead-letters"}
PARTIES_ONLY = {"/mailbox"}


def _status(client: TestClient, path: str) -> int:
    status: int = client.get(f"/console{path}").status_code
    return status


def test_each_page_refuses_and_admits_as_the_api_does(client: TestClient, store: Store) -> None:
    assert {p: _status(client, p) for p in PAGES} == {p: 200 if p in ANYONE else 401 for p in PAGES}
    assert sign_in(client, demo_key(GEMEENTE)).status_code == 303
    assert {p: _status(client, p) for p in PAGES} == {
        p: 403 if p in OPERATORS else 200 for p in PAGES
    }
    assert sign_in(client, operator_key(store)).status_code == 303
    assert {p: _status(client, p) for p in PAGES} == {
        p: 403 if p in PARTIES_ONLY else 200 for p in PAGES
    }


def test_a_message_page_is_its_parties_only(client: TestClient, store: Store) -> None:
    message_id = str(post(client, b.to_bytes(b.jw301("ACCESS-1")), GEMEENTE)["id"])
    sign_in(client, demo_key(AGB))
    assert _status(client, f"/messages/{message_id}") == 200  # the receiver
    sign_in(client, demo_key(OTHER_GEMEENTE))
    refused = client.get(f"/console/messages/{message_id}")
    assert refused.status_code == 403 and "only read messages it sent" in refused.text
    assert "forbidden" in [e.kind for e in store.events(message_id)]  # recorded, as the API does
    assert _status(client, "/messages/" + "0" * 32) == 404
    sign_in(client, operator_key(store))
    assert _status(client, f"/messages/{message_id}") == 200  # an operator reads every one


def test_a_search_lists_only_what_the_user_may_read(client: TestClient, store: Store) -> None:
    post(client, b.to_bytes(b.jw301("SEARCH-1")), GEMEENTE)

    def found(key: str) -> list[str]:
        sign_in(client, key)
        answer = client.post(
            "/console/trace/search", data={"csrf": form_token(client), "message": "jw301"}
        )
        assert answer.status_code == 200
        return re.findall(r'/console/messages/([0-9a-f]{32})">JW301', answer.text)

    assert len(found(demo_key(GEMEENTE))) == 1
    assert len(found(demo_key(AGB))) == 1
    assert found(demo_key(OTHER_GEMEENTE)) == []
    assert len(found(operator_key(store))) == 1


def test_every_form_needs_its_csrf_token(client: TestClient) -> None:
    sign_in(client, demo_key(GEMEENTE))
    for path in ("/validate", "/trace", "/trace/search", "/conformance", "/sign-out", "/language"):
        assert client.post(f"/console{path}", data={"csrf": "forged"}).status_code == 403
        assert client.post(f"/console{path}", data={}).status_code == 403
    refused = client.post("/console/sign-in", data={"api_key": demo_key(GEMEENTE)})
    assert refused.status_code == 403


def test_the_session_cookie_is_httponly_strict_and_secure_over_tls(client: TestClient) -> None:
    answer = sign_in(client, demo_key(GEMEENTE))
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert demo_key(GEMEENTE) not in cookie and "zhz-demo-secret" not in cookie
    tls = TestClient(client.app, base_url="https://gateway.example")
    assert "Secure" in sign_in(tls, demo_key(GEMEENTE)).headers["set-cookie"]


def test_a_forged_cookie_is_no_session(client: TestClient) -> None:
    client.cookies.set("ijw_session", "eyJwIjoib3BlcmF0b3I6eCJ9.forged", path="/console")
    assert _status(client, "/parties") == 401


def test_a_revoked_key_ends_its_session_at_once(client: TestClient, store: Store) -> None:
    text, hashed = new_key()
    store.add_key(OTHER_GEMEENTE, hashed)
    sign_in(client, text)
    assert _status(client, "/mailbox") == 200
    store.revoke_key(hashed.key_id)
    assert _status(client, "/mailbox") == 401
    assert sign_in(client, text).status_code == 401


def test_no_key_in_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(client, demo_key(GEMEENTE))
    sign_in(client, "ijw.nobody.wrong-secret")
    assert "secret" not in caplog.text
    assert "console sign-in refused" in caplog.text


def test_sign_out_ends_the_session(client: TestClient) -> None:
    sign_in(client, demo_key(GEMEENTE))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/").text)
    assert token is not None
    client.post("/console/sign-out", data={"csrf": token.group(1)})
    assert _status(client, "/mailbox") == 401


def test_the_gateway_address_leads_to_the_console(client: TestClient) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/console/"
    assert "Validate" in client.get("/").text


def test_the_browser_language_and_the_switch(client: TestClient) -> None:
    dutch = client.get("/console/validate", headers={"Accept-Language": "nl-NL,en;q=0.5"})
    assert '<html lang="nl">' in dutch.text and "<h1>Valideren</h1>" in dutch.text
    switched = client.post(
        "/console/language",
        data={"csrf": form_token(client), "lang": "en", "back": "https://elsewhere.example/x"},
        follow_redirects=False,
    )
    assert switched.headers["location"] == "/console/"  # never to another site
    english = client.get("/console/validate", headers={"Accept-Language": "nl"})
    assert "<h1>Validate</h1>" in english.text


def _run_against(client: TestClient, url: str, headers: dict[str, str] | None = None) -> int:
    status: int = client.post(
        "/console/conformance",
        data={"csrf": form_token(client, "/console/conformance"), "url": url,
              "only": "nothing/matches/*", "skip_answers": "on"},
        headers=headers,
        follow_redirects=False,
    ).status_code  # fmt: skip
    return status


def test_a_party_runs_the_conformance_suite_only_against_this_gateway(
    client: TestClient, store: Store
) -> None:
    """The run's requests leave from the gateway's host: another address (loopback's
    other ports, the internal network) is an operator's choice, not a key holder's. This
    gateway is where it listens (IJW_HOST, IJW_PORT), not the Host header a client sends."""
    sign_in(client, demo_key(AGB))
    page = client.get("/console/conformance").text
    assert 'readonly aria-describedby="url-note" value="http://127.0.0.1:8000"' in page
    for elsewhere in ("http://127.0.0.1:5432/", "http://127.0.0.1:8001/", "http://testserver/",
                      "https://127.0.0.1:8000/", "http://127.0.0.1:x/", "gopher://127.0.0.1:8000/",
                      "http://169.254.169.254/"):  # fmt: skip
        assert _run_against(client, elsewhere) == 403, elsewhere
    forged = {"host": "169.254.169.254"}  # the console answers at whatever Host it is sent
    assert _run_against(client, "http://169.254.169.254/", forged) == 403
    assert _run_against(client, "http://127.0.0.1:8000/v1") == 303  # this gateway
    sign_in(client, operator_key(store))
    assert "readonly" not in client.get("/console/conformance").text
    assert _run_against(client, "http://127.0.0.1:9/") == 303  # an operator's choice
