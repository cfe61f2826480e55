"""A message's events stay bounded and come a page at a time.

Anyone with a key could grow a victim's events without bound: every refused read and
every re-post was an event row of its own (1,000 forbidden reads = 1,000 events) and
``/events`` answered them all at once. Now each party's refused reads and re-posts of a
message are one event, counted, and ``/events`` pages with a cursor and ``has_more``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from ijw_gateway.api.answers import EventsAnswer
from ijw_gateway.fixtures import builders as b
from ijw_gateway.store import Store
from ijw_gateway.store.migrate import upgrade
from tests.support.service import AGB, GEMEENTE, TestClient, auth, post

STRANGERS = ("0512", "98761001")
TRIES = 40


def test_refused_reads_and_reposts_are_counted_not_repeated(
    client: TestClient, store: Store
) -> None:
    data = b.to_bytes(b.jw301())
    message_id = post(client, data, GEMEENTE)["id"]
    for _ in range(TRIES):
        for stranger in STRANGERS:
            for path in ("", "/events", "?format=meta"):
                url = f"/v1/messages/{message_id}{path}"
                assert client.get(url, headers=auth(stranger)).status_code == 403
        assert post(client, data, GEMEENTE)["duplicate"] is True
    events = store.events(message_id)
    assert len(events) == 4 + len(STRANGERS) + 1  # the intake's four, one per stranger, one
    counted = {(e.kind, e.party): e for e in events if e.count > 1}
    for stranger in STRANGERS:
        refused = counted[("forbidden", stranger)]
        assert refused.count == 3 * TRIES and refused.last_at is not None
        assert refused.last_at >= refused.at
    assert counted[("duplicate_received", GEMEENTE)].count == TRIES


def _pages(client: TestClient, message_id: str, limit: int) -> Iterator[EventsAnswer]:
    after = ""
    while True:
        url = f"/v1/messages/{message_id}/events?limit={limit}{after}"
        page = EventsAnswer.model_validate(client.get(url, headers=auth(GEMEENTE)).json())
        yield page
        if not page.has_more:
            return
        assert page.next is not None
        after = f"&after={page.next}"


def test_events_come_a_page_at_a_time(client: TestClient) -> None:
    data = b.to_bytes(b.jw301())
    message_id = post(client, data, GEMEENTE)["id"]
    client.get(f"/v1/messages/{message_id}", headers=auth(STRANGERS[0]))
    client.post(f"/v1/mailbox/{message_id}/ack", headers=auth(AGB))
    post(client, data, GEMEENTE)
    whole = list(_pages(client, message_id, 500))
    assert len(whole) == 1 and whole[0].next is None
    kinds = [e.kind for e in whole[0].events]
    assert kinds == [
        "received",
        "accepted",
        "retour_composed",
        "queued",
        "forbidden",
        "acknowledged",
        "duplicate_received",
    ]
    for limit in (1, 2, 3):
        pages = list(_pages(client, message_id, limit))
        assert all(len(p.events) <= limit for p in pages)
        assert [e.kind for p in pages for e in p.events] == kinds
    for bad in ("limit=0", "limit=501", "after=x", "after=-1"):
        response = client.get(f"/v1/messages/{message_id}/events?{bad}", headers=auth(GEMEENTE))
        assert response.status_code == 422, bad


def test_the_upgrade_folds_repeated_events_already_stored(empty_url: str) -> None:
    store = Store.open(empty_url)
    upgrade(store.engine, "0001")
    first = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = [
        ("received", GEMEENTE),
        *[("forbidden", STRANGERS[0])] * 5,
        ("forbidden", STRANGERS[1]),
        *[("duplicate_received", GEMEENTE)] * 3,
        *[("forbidden", None)] * 2,  # a refused intake names no message: not folded
    ]
    rows = [
        {"m": "m" * 32 if party else None, "at": first + timedelta(minutes=n), "kind": kind,
         "party": party or GEMEENTE, "trace": f"t{n}"}
        for n, (kind, party) in enumerate(kinds)
    ]  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event (message_id, at, kind, party, detail, trace_id) "
                "VALUES (:m, :at, :kind, :party, '', :trace)"
            ),
            rows,
        )
    upgrade(store.engine)
    events = store.events("m" * 32)
    assert [(e.kind, e.party, e.count, e.trace_id) for e in events] == [
        ("received", GEMEENTE, 1, "t0"),
        ("forbidden", STRANGERS[0], 5, "t1"),
        ("forbidden", STRANGERS[1], 1, "t6"),
        ("duplicate_received", GEMEENTE, 3, "t7"),
    ]
    assert events[1].last_at == first + timedelta(minutes=5)
    assert events[2].last_at is None
    with store.engine.connect() as connection:
        loose = "SELECT count(*) FROM event WHERE message_id IS NULL"
        assert connection.execute(text(loose)).scalar_one() == 2
    store.dispose()
