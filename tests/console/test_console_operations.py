"""The operators' actions and the paged lists of the console over the test client, on
SQLite and PostgreSQL, both ways: discard a dead letter (with its reason), remove a party
(refused while it has undelivered messages), the keys' states, and the "next page" of
every list, with the API's cursors."""

from __future__ import annotations

import re

from ijw_gateway.fixtures import builders as b
from ijw_gateway.parties import new_key
from ijw_gateway.store import Store
from ijw_gateway.store.operations import DEAD
from ijw_gateway.store.outbox import outbox_row
from tests.support.console_client import form_token, operator_key, sign_in
from tests.support.service import AGB, GEMEENTE, OTHER_GEMEENTE, TestClient, demo_key, post


def _sent(client: TestClient, identification: str) -> str:
    return str(post(client, b.to_bytes(b.jw301(identification)), GEMEENTE)["id"])


def _dead(store: Store, message_id: str) -> None:
    """The message's delivery gave up (as the worker marks it after its deadline)."""
    with store.session() as session:
        row = outbox_row(session, message_id)
        assert row is not None
        row.state = DEAD
        session.add(row)


def _dead_on_page(client: TestClient) -> list[str]:
    return re.findall(r'<tr id="dead-([0-9a-f]{32})"', client.get("/console/dead-letters").text)


def test_a_dead_letter_is_discarded_by_an_operator_with_a_reason(
    client: TestClient, store: Store
) -> None:
    message_id = _sent(client, "DISCARD-1")
    _dead(store, message_id)
    action = f"/console/dead-letters/{message_id}/discard"
    token = form_token(client)
    assert client.post(action, data={"csrf": token, "reason": "a duplicate"}).status_code == 401
    sign_in(client, demo_key(AGB))  # the receiver itself is no operator
    refused = client.post(action, data={"csrf": form_token(client), "reason": "a duplicate"})
    assert refused.status_code == 403
    sign_in(client, operator_key(store))
    assert _dead_on_page(client) == [message_id]
    token = form_token(client, "/console/dead-letters")
    for reason in ("", "no"):
        unsaid = client.post(action, data={"csrf": token, "reason": reason})
        assert unsaid.status_code == 422 and "needs a reason" in unsaid.text
    assert client.post(action, data={"reason": "a duplicate"}).status_code == 403  # no CSRF
    assert _dead_on_page(client) == [message_id]  # nothing refused changed anything
    done = client.post(action, data={"csrf": token, "reason": "a duplicate"})
    assert done.status_code == 200 and done.url.path == "/console/dead-letters"
    assert _dead_on_page(client) == []
    event = store.events(message_id)[-1]
    assert (event.kind, event.detail) == ("discarded", "by operator region: a duplicate")
    assert store.delivery_state(message_id) == "discarded"
    assert "discarded" in client.get(f"/console/messages/{message_id}").text


def _key_row(client: TestClient, key_id: str) -> str:
    found = re.search(
        rf'<tr id="key-{key_id}">(.*?)</tr>', client.get("/console/parties").text, re.S
    )
    assert found is not None
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1))


def test_each_key_shows_its_state_and_when_it_was_last_used(
    client: TestClient, store: Store
) -> None:
    text, hashed = new_key()
    store.add_key(AGB, hashed)
    sign_in(client, operator_key(store))
    assert "active" in _key_row(client, hashed.key_id) and "never" in _key_row(
        client, hashed.key_id
    )
    assert client.get("/v1/mailbox", headers={"Authorization": f"Bearer {text}"}).status_code == 200
    used = _key_row(client, hashed.key_id)
    assert "never" not in used and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", used)
    store.revoke_key(hashed.key_id)
    revoked = _key_row(client, hashed.key_id)
    assert "revoked" in revoked and "Revoke" not in revoked  # no button for a revoked key


def test_a_party_is_removed_only_by_an_operator_and_only_when_nothing_waits(
    client: TestClient, store: Store
) -> None:
    sent = _sent(client, "REMOVE-1")
    action = f"/console/parties/{AGB}/remove"
    sign_in(client, demo_key(AGB))
    assert client.post(action, data={"csrf": form_token(client)}).status_code == 403
    sign_in(client, operator_key(store))
    token = form_token(client, "/console/parties")
    assert client.post(action, data={}).status_code == 403  # no CSRF token
    refused = client.post(action, data={"csrf": token})
    assert refused.status_code == 409
    assert f"Party {AGB} cannot be removed: 1 message(s) for it are not delivered" in refused.text
    assert store.party(AGB) is not None
    store.acknowledge(sent, AGB, "trace")
    removed = client.post(action, data={"csrf": token})
    assert removed.status_code == 200 and f"Party {AGB} is removed" in removed.text
    assert store.party(AGB) is None and f'id="party-{AGB}"' not in removed.text
    assert client.post(action, data={"csrf": token}).status_code == 404
    dutch = client.post(
        f"/console/parties/{GEMEENTE}/remove",
        data={"csrf": token},
        headers={"Accept-Language": "nl"},
    )
    assert dutch.status_code == 200 and f"Partij {GEMEENTE} is verwijderd" in dutch.text


def _walk(client: TestClient, path: str, rows: str, pages_of: str) -> list[list[str]]:
    """The rows (``rows``: the pattern of a row's id) of each page of a list, from ``path``
    through the "Next page" links of the list's own navigation (``Pages of <pages_of>``)."""
    nav = rf'<nav class="pages" aria-label="Pages of {pages_of}">(.*?)</nav>'
    pages: list[list[str]] = []
    while path:
        answer = client.get(path)
        assert answer.status_code == 200, answer.text
        pages.append(re.findall(rows, answer.text))
        links = re.search(nav, answer.text, re.S)
        following = links and re.search(r'<a href="([^"]+)" rel="next">', links.group(1))
        path = following.group(1).replace("&amp;", "&") if following else ""
    return pages


def test_dead_letters_and_the_outbox_page_with_the_apis_cursors(
    client: TestClient, store: Store
) -> None:
    sent = [_sent(client, f"PAGE-{n}") for n in range(3)]
    for message_id in sent[:3]:
        _dead(store, message_id)
    sign_in(client, demo_key(GEMEENTE))
    assert client.get("/console/dead-letters?limit=2&dead_after=1").status_code == 403
    sign_in(client, operator_key(store))
    dead = _walk(
        client, "/console/dead-letters?limit=2", r'<tr id="dead-([0-9a-f]{32})"', "Dead letters"
    )
    assert dead == [sent[:2], sent[2:]]
    outbox = r'<tr><td><a href="/console/messages/([0-9a-f]{32})">JW301</a></td><td>[0-9]+</td>'
    assert _walk(client, "/console/dead-letters?limit=1", outbox, "Outbox") == [[i] for i in sent]
    html = client.get("/console/dead-letters?limit=2").text
    assert "outbox_after=" in html and "First page" not in html
    later = client.get("/console/dead-letters?limit=2&outbox_after=" + "9" * 18)
    assert '<a href="/console/dead-letters?limit=2">First page</a>' in later.text
    for bad in ("limit=0", "limit=101", "dead_after=x", "outbox_after=-1"):
        refused = client.get(f"/console/dead-letters?{bad}")
        assert refused.status_code == 422 and "Traceback" not in refused.text, bad


def test_the_mailbox_pages_with_the_apis_cursor(client: TestClient, store: Store) -> None:
    sent = [_sent(client, f"BOX-{n}") for n in range(3)]
    sign_in(client, operator_key(store))
    assert client.get("/console/mailbox?limit=2").status_code == 403
    sign_in(client, demo_key(AGB))
    rows = r'<a href="/console/messages/([0-9a-f]{32})">JW301'
    assert _walk(client, "/console/mailbox?limit=2", rows, "Mailbox") == [sent[:2], sent[2:]]
    assert _walk(client, "/console/mailbox", rows, "Mailbox") == [sent]
    sign_in(client, demo_key(GEMEENTE))
    assert _walk(client, "/console/mailbox?limit=1", rows, "Mailbox") == [[]]  # not its own
    assert client.get("/console/mailbox?after=abc").status_code == 422


def _searched(client: TestClient, fields: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """A search's rows (JW301 only) and the fields its "Next page" form posts ({}: none)."""
    answer = client.post("/console/trace/search", data={"csrf": form_token(client), **fields})
    assert answer.status_code == 200, answer.text
    found = re.findall(r'/console/messages/([0-9a-f]{32})">JW301', answer.text)
    forms = re.findall(r"<form[^>]*trace/search[^>]*>(.*?)</form>", answer.text, re.S)
    following = [f for f in forms if "Next page" in f and 'name="after"' in f]
    if not following:
        return found, {}
    return found, dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', following[0]))


def test_the_search_pages_with_the_apis_cursor(client: TestClient, store: Store) -> None:
    sent = [_sent(client, f"SEEK-{n}") for n in range(3)]
    for key in (demo_key(GEMEENTE), operator_key(store)):
        sign_in(client, key)
        first, following = _searched(client, {"message": "JW301", "limit": "2"})
        assert first == sent[::-1][:2] and following["message"] == "JW301"
        rest, last = _searched(client, following)
        assert rest == sent[::-1][2:] and last == {}
    sign_in(client, demo_key(OTHER_GEMEENTE))  # reads none of them, on any page
    assert _searched(client, {"message": "JW301", "limit": "1"}) == ([], {})
    sign_in(client, demo_key(GEMEENTE))
    refused = client.post(
        "/console/trace/search", data={"csrf": form_token(client), "after": "not-a-cursor"}
    )
    assert refused.status_code == 422 and "cursor" in refused.text
