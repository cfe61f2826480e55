"""The operator routes over HTTP, both ways: an operator sees and acts on everything, a
party sees only its own messages and cannot use the operator actions. Dead letters are
redelivered to the crash test's receiver (``tests.support.procs.Receiver``), which
fails and then recovers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Select, and_, text

from ijw_gateway.api.answers import EventsAnswer, MailboxAnswer
from ijw_gateway.api.operations_answers import (
    ActionAnswer,
    DeadLettersAnswer,
    MessagesAnswer,
    OutboxAnswer,
    PartiesAnswer,
)
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway, KeyCache
from ijw_gateway.parties import load_directory
from ijw_gateway.store import Store
from ijw_gateway.store.directory import keys
from ijw_gateway.store.migrate import current, downgrade, upgrade
from ijw_gateway.store.operations import MessageFilter, page_query, party_sides
from tests.support.procs import Receiver, running_receiver
from tests.support.service import (
    AGB,
    GEMEENTE,
    OTHER_AGB,
    PARTIES,
    JsonDict,
    TestClient,
    auth,
    operator_key,
    post,
)


@pytest.fixture
def operator(store: Store) -> dict[str, str]:
    return operator_key(store)


def _ok(response: httpx.Response, model: type[object] | None = None) -> JsonDict:
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    if model is not None:
        model.model_validate(body)  # type: ignore[attr-defined]
    return body


def _refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def _send(client: TestClient, n: int, agb: str = AGB, trace: str | None = None) -> str:
    product = b.toegewezen_product(6000 + n)
    if agb == OTHER_AGB:  # contracted for intensive treatment in hours
        product = b.toegewezen_product(6000 + n, code="45A10", volume=b.omvang(2, "04", "2"))
    model = b.jw301(f"OPS-{n}", agb=agb, products=[product])
    headers = {**auth(GEMEENTE), **({"X-Trace-Id": trace} if trace else {})}
    response = client.post("/v1/messages", content=b.to_bytes(model), headers=headers)
    assert response.status_code == 200 and response.json()["accepted"], response.text
    return str(response.json()["id"])


def _pages(client: TestClient, headers: dict[str, str], path: str, **params: object) -> list[str]:
    """Every id of a listing, read two at a time along its cursors."""
    ids: list[str] = []
    after: str | None = None
    while True:
        query = {**params, "limit": 2, **({"after": after} if after else {})}
        body = _ok(client.get(path, params=query, headers=headers))
        ids += [item["id"] for item in body["items"]]
        if not body["has_more"]:
            return ids
        after = body["next"]


def test_an_operator_reads_every_message_its_events_and_conversation(
    client: TestClient, operator: dict[str, str]
) -> None:
    sent = _send(client, 1, agb=OTHER_AGB)
    _refused(client.get(f"/v1/messages/{sent}", headers=auth(AGB)), 403, "not_your_message")
    assert _ok(client.get(f"/v1/messages/{sent}?format=meta", headers=operator))["id"] == sent
    events = _ok(client.get(f"/v1/messages/{sent}/events", headers=operator), EventsAnswer)
    assert [e["kind"] for e in events["events"]][:2] == ["received", "accepted"]
    talk = _ok(client.get(f"/v1/conversations/{sent}", headers=operator))
    assert [m["message"] for m in talk["messages"]] == ["JW301", "JW302"]  # and its retour
    data = b.to_bytes(b.jw301("OPS-X"))
    _refused(client.post("/v1/messages", content=data, headers=operator), 403, "operator_key")
    _refused(client.get("/v1/mailbox", headers=operator), 403, "operator_key")


def test_messages_are_listed_newest_first_with_filters_and_a_cursor(
    client: TestClient, operator: dict[str, str]
) -> None:
    mine = [_send(client, n) for n in range(5)]
    other = _send(client, 9, agb=OTHER_AGB, trace="ab" * 16)
    rejected = post(client, b"<not-ijw/>", GEMEENTE)["id"]
    everything = _pages(client, operator, "/v1/messages")
    assert everything[0] == rejected and len(everything) == 13  # with 6 retours (JW302)
    assert set(mine) < set(everything)
    assert _pages(client, operator, "/v1/messages", message="JW301") == [other, *mine[::-1]]
    assert _pages(client, auth(AGB), "/v1/messages", message="JW301") == mine[::-1]
    assert _pages(client, operator, "/v1/messages", party=OTHER_AGB, message="JW301") == [other]
    traced = _pages(client, operator, "/v1/messages", trace_id="ab" * 16)
    assert len(traced) == 2 and other in traced  # it and its retour
    by_id = _pages(client, operator, "/v1/messages", identification="OPS-3", message="JW301")
    assert by_id == [mine[3]]  # (its retour copies the identification)
    assert _pages(client, operator, "/v1/messages", state="rejected") == [rejected]
    queued = _pages(client, operator, "/v1/messages", state="queued", message="JW301")
    assert queued == [other, *mine[::-1]]  # by delivery state: in the order queued
    by_state = _ok(client.get("/v1/messages?state=queued&limit=1", headers=operator))
    wrong = {"after": by_state["next"]}  # a cursor of a page by state, for another page
    _refused(client.get("/v1/messages", params=wrong, headers=operator), 422, "bad_cursor")
    assert other not in _pages(client, auth(AGB), "/v1/messages")
    assert _pages(client, auth(AGB), "/v1/messages", party=OTHER_AGB) == []
    body = _ok(client.get("/v1/messages?limit=1", headers=operator), MessagesAnswer)
    assert body["items"][0]["state"] == "rejected" and body["has_more"]
    future = _ok(client.get("/v1/messages", params={"from": "2999-01-01"}, headers=operator))
    assert future["items"] == [] and not future["has_more"]


def test_a_bad_filter_or_cursor_is_a_clear_422(
    client: TestClient, operator: dict[str, str]
) -> None:
    _refused(client.get("/v1/messages?after=bm9wZQ", headers=operator), 422, "bad_cursor")
    _refused(client.get("/v1/messages?state=lost", headers=operator), 422, "bad_state")
    response = client.get("/v1/messages?party=123456789012", headers=operator)
    assert response.status_code == 422


def test_the_mailbox_is_paged_with_a_cursor(client: TestClient) -> None:
    sent = [_send(client, n) for n in range(5)]
    assert _pages(client, auth(AGB), "/v1/mailbox") == sent
    page = _ok(client.get("/v1/mailbox?limit=2", headers=auth(AGB)), MailboxAnswer)
    assert page["has_more"] and page["next"]


def test_parties_cannot_use_the_operator_actions(client: TestClient) -> None:
    sent = _send(client, 1)
    for method, path, body in (
        ("GET", "/v1/deadletters", None),
        ("GET", "/v1/outbox", None),
        ("GET", "/v1/parties", None),
        ("POST", f"/v1/deadletters/{sent}/redeliver", None),
        ("POST", "/v1/deadletters/redeliver", {}),
        ("POST", f"/v1/deadletters/{sent}/discard", {"reason": "not needed"}),
        ("POST", "/v1/deadletters/discard", {"reason": "not needed"}),
        ("DELETE", f"/v1/parties/{AGB}", None),
    ):
        response = client.request(method, path, json=body, headers=auth(GEMEENTE))
        _refused(response, 403, "operator_only")


def _dead_letters(gateway: Gateway, client: TestClient, receiver: Receiver, n: int) -> list[str]:
    """``n`` messages pushed to ``receiver`` while it refuses them (a 4xx: dead at once)."""
    gateway.store.set_endpoint(AGB, receiver.url("/push"))
    receiver.status["/push"] = 404
    sent = [_send(client, i) for i in range(n)]
    assert _drain(gateway) == n
    return sent


def _drain(gateway: Gateway) -> int:
    """Deliveries a worker made until none was due."""
    worker, done = gateway.worker(concurrency=2), 0
    while batch := worker.run_once():
        done += batch
    worker.close()
    return done


def test_a_dead_letter_is_redelivered_once_when_the_receiver_recovers(
    gateway: Gateway, client: TestClient, operator: dict[str, str]
) -> None:
    with running_receiver(Receiver()) as receiver:
        sent = _dead_letters(gateway, client, receiver, 3)
        listed = _ok(client.get("/v1/deadletters", headers=operator), DeadLettersAnswer)
        assert [i["id"] for i in listed["items"]] == sent
        assert _pages(client, operator, "/v1/deadletters", receiver=AGB) == sent
        assert _pages(client, operator, "/v1/deadletters", receiver=OTHER_AGB) == []
        receiver.status["/push"] = 200  # it recovers
        one = client.post(f"/v1/deadletters/{sent[0]}/redeliver", headers=operator)
        assert _ok(one, ActionAnswer) == {"action": "redeliver", "done": 1, "more": False}
        assert _drain(gateway) == 1
        assert receiver.ids().count(sent[0]) == 2  # the refused push, then the one
        rest = _ok(
            client.post("/v1/deadletters/redeliver", json={"receiver": AGB}, headers=operator)
        )
        assert rest["done"] == 2
        assert _drain(gateway) == 2
        assert all(receiver.ids().count(i) == 2 for i in sent)
    assert {gateway.store.delivery_state(i) for i in sent} == {"delivered"}
    kinds = [e.kind for e in gateway.store.events(sent[0])]
    assert kinds[-3:] == ["dead_lettered", "requeued", "delivered"]
    requeued = [e for e in gateway.store.events(sent[0]) if e.kind == "requeued"]
    assert requeued[0].detail == "by operator ops" and requeued[0].party == AGB
    again = client.post(f"/v1/deadletters/{sent[0]}/redeliver", headers=operator)
    assert _ok(again)["done"] == 0  # no longer a dead letter


def test_a_dead_letter_is_discarded_with_a_reason(
    gateway: Gateway, client: TestClient, operator: dict[str, str]
) -> None:
    with running_receiver(Receiver()) as receiver:
        sent = _dead_letters(gateway, client, receiver, 2)
    no_reason = client.post(f"/v1/deadletters/{sent[0]}/discard", json={}, headers=operator)
    assert no_reason.status_code == 422
    body = {"reason": "sent again by the municipality"}
    done = client.post(f"/v1/deadletters/{sent[0]}/discard", json=body, headers=operator)
    assert _ok(done, ActionAnswer)["done"] == 1
    event = gateway.store.events(sent[0])[-1]
    assert (event.kind, event.detail) == ("discarded", "by operator ops: " + body["reason"])
    assert [m.message_id for m in gateway.store.mailbox(AGB, 10)] == [sent[1]]
    batch = {"ids": sent, "reason": "duplicates"}
    assert _ok(client.post("/v1/deadletters/discard", json=batch, headers=operator))["done"] == 1
    assert _pages(client, operator, "/v1/deadletters") == []
    listed = _ok(client.get("/v1/messages", params={"state": "discarded"}, headers=operator))
    assert {i["id"] for i in listed["items"]} == set(sent)


def test_the_outbox_lists_what_waits_per_receiver_and_state(
    gateway: Gateway, client: TestClient, operator: dict[str, str]
) -> None:
    with running_receiver(Receiver()) as receiver:
        dead = _dead_letters(gateway, client, receiver, 2)
    queued = _send(client, 7, agb=OTHER_AGB)
    body = _ok(client.get("/v1/outbox", headers=operator), OutboxAnswer)
    assert {(c["receiver"], c["state"], c["count"]) for c in body["counts"]} == {
        (AGB, "dead", 2),
        (OTHER_AGB, "queued", 1),
    }
    assert _pages(client, operator, "/v1/outbox") == [*dead, queued]
    assert _pages(client, operator, "/v1/outbox", state="queued") == [queued]
    only = _ok(client.get("/v1/outbox", params={"receiver": OTHER_AGB}, headers=operator))
    assert [c["receiver"] for c in only["counts"]] == [OTHER_AGB]


def test_a_party_is_removed_only_when_nothing_waits_for_it(
    gateway: Gateway, client: TestClient, operator: dict[str, str]
) -> None:
    sent = _send(client, 1)
    refused = client.delete(f"/v1/parties/{AGB}", headers=operator)
    _refused(refused, 409, "party_has_undelivered")
    assert "1 undelivered" in refused.json()["error"]["reason"]
    client.post(f"/v1/mailbox/{sent}/ack", headers=auth(AGB))
    parties = _ok(client.get("/v1/parties", headers=operator), PartiesAnswer)["parties"]
    keys = next(p for p in parties if p["code"] == AGB)["keys"]
    assert keys[0]["state"] == "active" and keys[0]["last_used_at"] is not None
    assert _ok(client.delete(f"/v1/parties/{AGB}", headers=operator)) == {
        "code": AGB,
        "removed": True,
    }
    parties = _ok(client.get("/v1/parties", headers=operator), PartiesAnswer)["parties"]
    assert AGB not in {p["code"] for p in parties}
    _refused(client.delete(f"/v1/parties/{AGB}", headers=operator), 404, "not_found")
    gateway._keys = KeyCache()  # forget the keys verified so far (trusted 5 s)
    _refused(client.get("/v1/mailbox", headers=auth(AGB)), 401, "invalid_api_key")
    loaded = gateway.store.load_directory(load_directory(PARTIES))
    assert AGB in loaded.removed and gateway.store.party(AGB) is None


def test_the_migration_keeps_parties_and_keys_and_goes_back(empty_url: str) -> None:
    """From the revision before (0006) with a party and its key: both kept, present
    and never used; and down to it again without loss of them."""
    store = Store.open(empty_url)
    upgrade(store.engine, "0006")
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO party (code, kind, name, created_at, channel) "
                "VALUES ('0505', 'gemeente', '', '2026-01-01 00:00:00', 'mailbox')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO api_key (key_id, party_code, salt, digest, created_at) "
                "VALUES ('k-1', '0505', 's', 'd', '2026-01-01 00:00:00')"
            )
        )
    upgrade(store.engine)
    assert current(store.engine) == "0007"
    assert [p.code for p in store.parties()] == ["0505"]
    with store.session() as session:
        assert [(k.key_id, k.state, k.last_used_at) for k in keys(session)] == [
            ("k-1", "active", None)
        ]
    downgrade(store.engine, "0006")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM api_key")).scalar_one() == 1
    store.dispose()


PAGES = {
    "everything": MessageFilter(),
    "a type": MessageFilter(type="JW323"),
    "rejected": MessageFilter(state="rejected"),
    "a delivery state": MessageFilter(state="dead"),
    "an identification": MessageFilter(identification="B-7"),
    "a trace id": MessageFilter(trace_id="ab" * 16),
}
FEW = {"an identification", "a trace id"}  # an exact id: its few matches may be sorted


def _plan(store: Store, statement: Select[Any]) -> str:
    """The database's plan of ``statement``; PostgreSQL told to avoid sequential scans, so
    that on a small table, too, it shows whether an index can serve the page."""
    with store.engine.connect() as connection:
        compiled = statement.compile(dialect=connection.dialect)
        if store.postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {compiled.string}", compiled.params)
        else:
            params = tuple(compiled.params[k] for k in compiled.positiontup or ())
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", params)
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_of_messages_is_read_through_an_index(store: Store, name: str) -> None:
    """Every page, alone and on each side of a party, is read through an index; on
    SQLite (whose plans do not depend on the table's size) one that also gives the page
    its order, so a page reads about ``limit`` rows (``bench_operations.py`` times it)."""
    for side in [and_(True), *party_sides(AGB)]:  # alone, and with a party's each side
        plan = _plan(store, page_query(PAGES[name], None, 100, side))
        if store.postgres:
            assert "Seq Scan" not in plan, plan
            continue
        assert all("USING" in line for line in plan.splitlines() if "B-TREE" not in line), plan
        assert name in FEW or "TEMP B-TREE" not in plan, plan
