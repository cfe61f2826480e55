"""The service and releases: a 2.3 message gets one finding; a freeze refuses, retryably.

On SQLite and PostgreSQL. The freeze window is configured with ``IJW_RELEASES``
(``Settings.releases``) and judged by the store's clock, which the tests move.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from ijw_gateway.api.app import create_app
from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.messages.translate import model_of
from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from tests.support.service import AGB, GEMEENTE, PARTIES, TestClient, auth
from tests.support.stuf_support import envelope
from tests.support.variants import catalogue_document
from tests.support.vecozo_stub import metadata

START = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
END = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
WINDOW = f"""
[[freeze]]
release = "3.2"
messages = ["JW301"]
start = {START.isoformat()}
end = {END.isoformat()}
"""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START + timedelta(days=1))


@pytest.fixture
def frozen(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[tuple[Gateway, TestClient]]:
    """A gateway whose exchange is frozen for JW301 of 3.2, and a client of its API."""
    config = tmp_path / "releases.toml"
    config.write_text(WINDOW, encoding="utf-8")
    settings = Settings(database_url=db_url, parties=PARTIES, releases=config)
    store = Store.open(db_url, clock=clock)
    prepare(settings, store)
    gateway = Gateway(settings, store)
    with TestClient(create_app(gateway=gateway, with_worker=False)) as client:
        yield gateway, client
    store.dispose()


def _stored(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM message")).scalar_one())


def _post(client: TestClient, data: bytes, party: str, **headers: str) -> dict[str, object]:
    response = client.post("/v1/messages", content=data, headers={**auth(party), **headers})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("as_json", [False, True])
def test_a_2_3_message_is_answered_with_one_finding_and_goes_nowhere(
    client: TestClient, store: Store, as_json: bool
) -> None:
    data = catalogue_document("JW303", "2.3")
    body = json.dumps(model_of(data)).encode() if as_json else data
    kind = "application/json" if as_json else "application/xml"
    result = _post(client, body, AGB, **{"Content-Type": kind})
    verdict = result["verdict"]
    assert isinstance(verdict, dict)
    assert (verdict["message"], verdict["release"], verdict["schema_valid"]) == (
        "JW303",
        "2.3",
        False,
    )
    (finding,) = verdict["findings"]
    assert (
        "JW303 of iJw release 2.3; it is schema-valid against the iJw 2.3 schemas"
        in (finding["text"])
    )
    assert "A JW323 of iJw 3.2 replaces the JW303" in finding["text"]
    assert result["accepted"] is False and result["retour"] is None and result["delivery"] is None
    message_id = str(result["id"])
    assert [e.kind for e in store.events(message_id)] == ["received", "rejected"]


def test_a_frozen_message_is_refused_with_a_retry_and_taken_once_the_window_is_over(
    frozen: tuple[Gateway, TestClient], clock: Clock
) -> None:
    gateway, client = frozen
    data = b.to_bytes(b.jw301())
    refused = client.post("/v1/messages", content=data, headers=auth(GEMEENTE))
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) == int((END - clock.now).total_seconds())
    error = refused.json()["error"]
    assert error["code"] == "frozen"
    assert "frozen for JW301 messages of iJw 3.2" in error["reason"]
    assert "Send the same message again after 2026-04-01 06:00 UTC" in error["reason"]
    assert _stored(gateway.store) == 0
    other = _post(client, b.to_bytes(b.jw315()), AGB)  # another type is not frozen
    assert other["accepted"] is True, other
    clock.now = END
    assert _post(client, data, GEMEENTE)["accepted"] is True


def test_a_zip_with_one_frozen_message_is_refused_whole(
    frozen: tuple[Gateway, TestClient],
) -> None:
    gateway, client = frozen
    free, held = b.to_bytes(b.jw319()), b.to_bytes(b.jw301())  # the answer is not frozen
    response = client.post("/v1/messages", content=_zip(free, held), headers=auth(GEMEENTE))
    assert response.status_code == 503 and response.json()["error"]["code"] == "frozen"
    assert _stored(gateway.store) == 0


def _zip(*members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, member in enumerate(members):
            archive.writestr(f"m{index}.xml", member)
    return buffer.getvalue()


def test_a_frozen_push_to_the_local_vecozo_is_a_retryable_problem(
    frozen: tuple[Gateway, TestClient],
) -> None:
    gateway, client = frozen
    meta = metadata(("Gemeente", GEMEENTE), ("Instelling", AGB), "JW301")
    files = {
        "berichtMetadata": (None, json.dumps(meta).encode(), "application/json"),
        "payload": ("payload", b.to_bytes(b.jw301()), "application/octet-stream"),
    }
    response = client.post(
        "/vecozo/berichten/rest-push/v1/berichten", files=files, headers=auth(GEMEENTE)
    )
    assert response.status_code == 503 and "retry-after" in response.headers
    problem = response.json()
    assert problem["status"] == 503 and problem["title"] == "frozen"
    assert "frozen for JW301 messages" in problem["detail"]
    assert _stored(gateway.store) == 0


def _envelope(payload: bytes, functie: str, zender: str, ontvanger: str) -> bytes:
    return codec.write(envelope(payload, functie, zender, ontvanger))


def _fault(response: object) -> str | None:
    received = codec.read(response.content)  # type: ignore[attr-defined]
    assert received.kind == "Fo01" and received.fault is not None
    return received.fault.code


def test_a_frozen_envelope_is_answered_with_ib103_and_a_retry(
    frozen: tuple[Gateway, TestClient], clock: Clock
) -> None:
    gateway, client = frozen
    data = _envelope(b.to_bytes(b.jw301()), "JW301", GEMEENTE, AGB)
    headers = {**auth(GEMEENTE), "Content-Type": "text/xml"}
    response = client.post("/v1/stuf/ggk0210", content=data, headers=headers)
    assert response.status_code == 503 and _fault(response) == "IB103"
    assert int(response.headers["retry-after"]) == int((END - clock.now).total_seconds())
    assert b"tot 2026-04-01 06:00 UTC" in response.content
    assert _stored(gateway.store) == 0
    clock.now = END + timedelta(seconds=1)
    again = client.post("/v1/stuf/ggk0210", content=data, headers=headers)
    assert again.status_code == 200 and codec.read(again.content).kind == "Du01"


def test_a_2_3_payload_in_an_envelope_is_stuf055(client: TestClient) -> None:
    data = _envelope(catalogue_document("JW301", "2.3"), "JW301", GEMEENTE, AGB)
    headers = {**auth(GEMEENTE), "Content-Type": "text/xml"}
    response = client.post("/v1/stuf/ggk0210", content=data, headers=headers)
    assert _fault(response) == "StUF055"
