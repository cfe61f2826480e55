"""Done-when: a ZHZ provider and municipality exchange a full conversation through a running
gateway: 301 → 302 → 305 → 306 → 307 → 308 → 323 → 325, over HTTP on loopback.

The municipality (Dordrecht, 0505) pulls its mailbox; the provider (12345678) gets pushes
on its endpoint from the gateway's delivery worker. Every answer is the gateway's return
message, composed by ``retour`` from the verdict.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from lxml import etree

from ijw_gateway.fixtures import builders as b
from tests.support.procs import (
    Proc,
    Receiver,
    free_port,
    gateway_env,
    parties_file,
    running_receiver,
    wait_healthy,
    wait_until,
)
from tests.support.service import AGB, GEMEENTE, auth

JsonDict = dict[str, object]


def _codes(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode())
    return [e.text or "" for e in root.iter() if etree.QName(e).localname == "RetourCode"]


class Parties:
    def __init__(self, base: str) -> None:
        self.base = base

    def send(self, party: str, data: bytes, answer: str) -> JsonDict:
        response = httpx.post(f"{self.base}/v1/messages", content=data, headers=auth(party))
        assert response.status_code == 200, response.text
        result: JsonDict = response.json()
        assert result["accepted"] is True, result["verdict"]
        retour = result["retour"]
        assert isinstance(retour, dict) and retour["message"] == answer
        assert not {"0001"} & set(_codes(str(retour["xml"])))
        return result

    def pull_one(self, party: str, message_id: object, data: bytes) -> None:
        def arrived() -> bool:
            box = httpx.get(f"{self.base}/v1/mailbox", headers=auth(party)).json()
            return message_id in [i["id"] for i in box["items"]]

        wait_until(arrived, 30, f"{message_id} in the mailbox of {party}")
        raw = httpx.get(f"{self.base}/v1/messages/{message_id}", headers=auth(party))
        assert raw.content == data
        ack = httpx.post(f"{self.base}/v1/mailbox/{message_id}/ack", headers=auth(party))
        assert ack.json()["state"] == "acked"

    def get(self, path: str, party: str) -> JsonDict:
        response = httpx.get(f"{self.base}{path}", headers=auth(party))
        assert response.status_code == 200, response.text
        result: JsonDict = response.json()
        return result


def _messages() -> dict[str, bytes]:
    stop = b.stop_product(einddatum="2026-03-20")
    return {
        "JW301": b.to_bytes(b.jw301("ZHZ-301")),
        "JW305": b.to_bytes(b.jw305("ZHZ-305", dagtekening="2026-03-04")),
        "JW307": b.to_bytes(b.jw307("ZHZ-307", stops=[stop], dagtekening="2026-03-25")),
        "JW323": b.to_bytes(b.jw323("ZHZ-323", clients={b.BSN: [b.prestatie(volume=120)]})),
    }


def _exchange(parties: Parties, receiver: Receiver) -> dict[str, JsonDict]:
    data = _messages()
    done = {"JW301": parties.send(GEMEENTE, data["JW301"], "JW302")}
    wait_until(lambda: done["JW301"]["id"] in receiver.ids(), 30, "the push of the JW301")
    pushed = receiver.deliveries[0]
    assert pushed.body == data["JW301"] and pushed.path == "/provider"
    for heen, answer in (("JW305", "JW306"), ("JW307", "JW308"), ("JW323", "JW325")):
        done[heen] = parties.send(AGB, data[heen], answer)
        parties.pull_one(GEMEENTE, done[heen]["id"], data[heen])
    return done


def test_a_full_conversation_through_the_running_gateway(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    with running_receiver(Receiver()) as receiver:
        parties = parties_file(tmp_path, {AGB: receiver.url("/provider")})
        env = gateway_env(db_url, parties, IJW_WORKER_POLL_SECONDS="0.1")
        proc = Proc(["serve", "--port", str(port), "--log-level", "warning"], env, tmp_path / "log")
        proc.start()
        try:
            wait_healthy(port, proc)
            client = Parties(f"http://127.0.0.1:{port}")
            done = _exchange(client, receiver)
            _check_trails(client, done)
        finally:
            proc.stop()


def _check_trails(client: Parties, done: dict[str, JsonDict]) -> None:
    events = client.get(f"/v1/messages/{done['JW301']['id']}/events", GEMEENTE)["events"]
    kinds = [e["kind"] for e in events]  # type: ignore[attr-defined]
    assert kinds == ["received", "accepted", "retour_composed", "queued", "delivered"]
    for heen, answer in (("JW301", "JW302"), ("JW323", "JW325")):
        conversation = client.get(f"/v1/conversations/{done[heen]['id']}", AGB)
        kinds = [m["message"] for m in conversation["messages"]]  # type: ignore[attr-defined]
        assert kinds == [heen, answer]
    box = client.get("/v1/mailbox", GEMEENTE)
    assert box["items"] == []
