"""The operator actions on the command line: ``messages list``, ``deadletters
list|redeliver|discard``, ``outbox list``, ``parties remove``, the key states, and
``--json`` on every list command (the same objects the API answers with)."""

from __future__ import annotations

import json

import pytest

from ijw_gateway.cli import main
from ijw_gateway.cli.messages import STATES as CLI_STATES
from ijw_gateway.errors import Conflict
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.store.operations import STATES
from tests.support.procs import Receiver, running_receiver
from tests.support.service import AGB, GEMEENTE, PARTIES, JsonDict, TestClient, auth, post


@pytest.fixture
def env(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    monkeypatch.setenv("IJW_DATABASE_URL", gateway.settings.database_url)
    monkeypatch.setenv("IJW_PARTIES", str(PARTIES))
    return gateway


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> JsonDict:
    status, out = _cli(capsys, *args, "--json")
    assert status == 0, out
    body: JsonDict = json.loads(out)
    return body


def _sent(client: TestClient, n: int) -> list[str]:
    models = [b.jw301(f"CLI-{i}", products=[b.toegewezen_product(4000 + i)]) for i in range(n)]
    return [str(post(client, b.to_bytes(m), GEMEENTE)["id"]) for m in models]


def _dead(env: Gateway, client: TestClient, receiver: Receiver, n: int) -> list[str]:
    env.store.set_endpoint(AGB, receiver.url("/push"))
    receiver.status["/push"] = 404
    sent = _sent(client, n)
    worker = env.worker()
    while worker.run_once():
        pass
    worker.close()
    return sent


def test_the_command_line_knows_every_state_a_listing_has() -> None:
    assert CLI_STATES == STATES


def test_messages_list_pages_and_filters(
    env: Gateway, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = _sent(client, 3)
    first = _json(capsys, "messages", "list", "--type", "JW301", "--limit", "2")
    assert [i["id"] for i in first["items"]] == sent[:0:-1] and first["has_more"]
    rest = _json(capsys, "messages", "list", "--type", "JW301", "--after", first["next"])
    assert [i["id"] for i in rest["items"]] == [sent[0]] and not rest["has_more"]
    status, out = _cli(capsys, "messages", "list", "--type", "JW301", "--state", "queued")
    assert status == 0 and [line.split("\t")[0] for line in out.splitlines()] == sent[::-1]
    assert _cli(capsys, "messages", "list", "--after", "nonsense")[0] == 2
    assert _cli(capsys, "messages", "list", "--party", "x")[0] == 2


def test_dead_letters_are_listed_redelivered_and_discarded(
    env: Gateway, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_receiver(Receiver()) as receiver:
        sent = _dead(env, client, receiver, 3)
        listed = _json(capsys, "deadletters", "list", "--receiver", AGB)
        assert [i["id"] for i in listed["items"]] == sent
        assert _cli(capsys, "deadletters", "redeliver")[0] == 2  # neither ids nor filters
        receiver.status["/push"] = 200
        assert _cli(capsys, "deadletters", "redeliver", sent[0]) == (0, "redelivered: 1\n")
        worker = env.worker()
        assert worker.run_once() == 1
        worker.close()
        assert receiver.ids().count(sent[0]) == 2
    assert _cli(capsys, "deadletters", "discard", "--all")[0] == 2  # a reason is required
    status, out = _cli(capsys, "deadletters", "discard", "--all", "--reason", "sent twice")
    assert (status, out) == (0, "discarded: 2\n")
    assert env.store.events(sent[1])[-1].detail == "by operator command line: sent twice"
    assert _json(capsys, "deadletters", "list")["items"] == []


def test_outbox_list_counts_per_receiver_and_state(
    env: Gateway, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = _sent(client, 2)
    body = _json(capsys, "outbox", "list")
    assert body["counts"] == [{"receiver": AGB, "state": "queued", "count": 2}]
    assert [i["id"] for i in body["items"]] == sent
    status, out = _cli(capsys, "outbox", "list", "--state", "dead")
    assert status == 0 and out == ""


def test_parties_remove_keys_and_json_lists(
    env: Gateway, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = _sent(client, 1)
    status = main(["parties", "remove", AGB])
    assert status == Conflict.exit_code
    assert "1 undelivered message(s)" in capsys.readouterr().err
    client.post(f"/v1/mailbox/{sent[0]}/ack", headers=auth(AGB))
    keys = _json(capsys, "parties", "key", "list", AGB)["keys"]
    assert [(k["party"], k["state"]) for k in keys] == [(AGB, "active")]
    assert keys[0]["last_used_at"] is not None  # the acknowledgement used it
    assert _cli(capsys, "parties", "remove", AGB)[0] == 0
    assert AGB not in {p["code"] for p in _json(capsys, "parties", "list")["parties"]}
    assert [k["state"] for k in _json(capsys, "parties", "key", "list", AGB)["keys"]] == ["revoked"]
    assert _cli(capsys, "operators", "add", "region")[0] == 0
    assert _cli(capsys, "operators", "key", "add", "region", "--id", "region-1")[0] == 0
    operators = _json(capsys, "operators", "list")["operators"]
    assert [(o["name"], [k["id"] for k in o["keys"]]) for o in operators] == [
        ("region", ["region-1"])
    ]
