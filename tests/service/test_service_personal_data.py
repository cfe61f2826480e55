"""Personal data in unusual places does not reach logs, events, stored data or texts.

Each of these leaked before: the access log wrote query strings (``?bsn=…``); a BSN or a
name in ``Afzender`` reached the warning log, the event and the 403 text; any client
``X-Trace-Id`` was logged and stored as given; zip member names were stored and echoed.
The gateway now logs and stores only what it made or checked.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.edit import put
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Event, Message
from tests.support.procs import Proc, free_port, gateway_env, wait_healthy
from tests.support.service import AGB, GEMEENTE, PARTIES, TestClient, auth, zip_of

BSN, NAME = "999990019", "Jansen"
_OWN_TRACE = re.compile(r"[0-9a-f]{32}")


def _loose_events(store: Store) -> list[Event]:
    """Events that name no message (refused requests)."""
    with store.session() as session:
        return list(session.exec(select(Event).where(col(Event.message_id).is_(None))))


def test_a_bsn_or_name_as_afzender_is_not_repeated(
    client: TestClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for stated in (BSN, f"{NAME} {BSN}"):
        data = b.to_bytes(put(b.jw301(), "Header/Afzender", stated))
        refused = client.post("/v1/messages", content=data, headers=auth(GEMEENTE))
        assert refused.status_code == 403
        reason = refused.json()["error"]["reason"]
        assert "a sender that is not a party here" in reason and GEMEENTE in reason
        assert BSN not in reason and NAME not in reason
    foreign = client.post("/v1/messages", content=b.to_bytes(b.jw301()), headers=auth(AGB))
    assert GEMEENTE in foreign.json()["error"]["reason"]  # a party's code is said
    details = [e.detail for e in _loose_events(store)]
    assert len(details) == 3 and not [d for d in details if BSN in d or NAME in d]
    assert BSN not in caplog.text and NAME not in caplog.text


def test_only_a_trace_id_of_a_known_format_is_kept(
    client: TestClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    kept = ("0af7651916cd43dd8448eb211c80319c", "0f6c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
    for trace in (*kept, BSN, f"{NAME}-{BSN}", "x" * 32):
        response = client.post(
            "/v1/messages",
            content=b.to_bytes(b.jw301(f"TR-{len(trace)}-{trace[:3]}")),
            headers={**auth(GEMEENTE), "X-Trace-Id": trace},
        )
        assert response.status_code == 200
        given = response.headers["x-trace-id"]
        if trace in kept:
            assert given == trace
        else:
            assert _OWN_TRACE.fullmatch(given) and given != trace
        events = store.events(response.json()["id"])
        assert {e.trace_id for e in events} == {given}
    assert BSN not in caplog.text and NAME not in caplog.text


def test_zip_members_are_named_by_position(client: TestClient, store: Store) -> None:
    members = {
        f"{BSN} {NAME}.xml": b.to_bytes(b.jw305("ZIP-1")),
        f"{NAME}/{BSN}.xml": b"not xml",
    }
    response = client.post("/v1/messages", content=zip_of(members), headers=auth(AGB))
    items = response.json()["items"]
    assert [i["verdict"]["file"] for i in items] == ["<member 1>", "<member 2>"]
    assert BSN not in response.text and NAME not in response.text
    with store.session() as session:
        stored = session.exec(select(Message.file, Message.verdict)).all()
    assert stored and all(BSN not in f"{f}{v}" and NAME not in f"{f}{v}" for f, v in stored)
    meta = client.get(f"/v1/messages/{items[0]['id']}?format=meta", headers=auth(AGB))
    assert meta.json()["verdict"]["file"] == "<member 1>"


def test_the_access_log_writes_no_query_string_or_path_as_sent(tmp_path: Path) -> None:
    """A real ``serve``: its log has one line per request with the route's template."""
    port, log = free_port(), tmp_path / "serve.log"
    env = gateway_env(f"sqlite:///{tmp_path / 'gateway.db'}", PARTIES)
    proc = Proc(["serve", "--port", str(port), "--no-worker"], env, log).start()
    try:
        wait_healthy(port, proc)
        base, key = (
            f"http://127.0.0.1:{port}",
            {"X-API-Key": f"ijw.demo-{AGB}.zhz-demo-secret-{AGB}"},
        )
        assert httpx.get(f"{base}/health?bsn={BSN}&naam={NAME}").status_code == 200
        assert httpx.get(f"{base}/v1/mailbox?bsn={BSN}", headers=key).status_code == 200
        assert httpx.get(f"{base}/v1/messages/{BSN}{NAME}", headers=key).status_code == 422
    finally:
        proc.stop()
    written = log.read_text()
    assert "GET /health 200" in written and "GET /v1/mailbox 200" in written
    assert "GET /v1/messages/{message_id} 422" in written
    assert BSN not in written and NAME not in written, written
