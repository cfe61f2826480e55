"""POST /v1/messages: what a body may be (XML, zip, JSON) and the language of its verdict.

Every test runs on both paths the hot route has (``path_client``): ``api.fastroute``
serving its endpoint directly, and FastAPI's own request handling.
"""

from __future__ import annotations

import json

import httpx
import pytest
from sqlmodel import func, select

from ijw_gateway.api import bodies
from ijw_gateway.api.bodies import takes_json, xml_of_json
from ijw_gateway.api.errors import ErrorAnswer
from ijw_gateway.api.language import preferred_language
from ijw_gateway.errors import Unprocessable, UnsupportedMediaType
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import to_xml_bytes
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Event, Message
from tests.support.service import GEMEENTE, TestClient, auth

Response = httpx.Response

JsonDict = dict[str, object]


def _bad_bsn() -> bytes:
    return b.to_bytes(b.jw301(bsn="123456789"))  # fails the eleven-test (CS002)


def _texts(answer: JsonDict) -> list[str]:
    verdict = answer["verdict"]
    assert isinstance(verdict, dict)
    return [str(f["text"]) for f in verdict["findings"]]


# --- Accept-Language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("nl", "nl"),
        ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
        ("en;q=0.5, nl", "nl"),
        ("nl;q=0.4, EN", "en"),
        ("de, fr;q=0.8", "en"),
        ("de, nl;q=0.1", "nl"),
        ("nl;q=0", "en"),
        ("nl;q=abc, en;q=0.2", "en"),
        ("*;q=0.5, nl;q=0.4", "en"),
        ("", "en"),
        (",,;;q=,", "en"),
    ],
)
def test_the_preferred_language_of_accept_language(header: str | None, lang: str) -> None:
    assert preferred_language(header) == lang


def test_findings_come_in_the_language_accept_language_prefers(path_client: TestClient) -> None:
    dutch = path_client.post(
        "/v1/messages", content=_bad_bsn(), headers={**auth(GEMEENTE), "Accept-Language": "nl-NL"}
    )
    assert dutch.status_code == 200 and dutch.headers["content-language"] == "nl"
    assert "Accept-Language" in dutch.headers["vary"]
    [text] = _texts(dutch.json())
    assert text.startswith("Het burgerservicenummer (Bsn) van een cliënt")
    schema = b.to_bytes(b.jw301("L-2")).replace(b"<jw301:Geslacht>0", b"<jw301:Geslacht>X")
    answer = path_client.post(
        "/v1/messages", content=schema, headers={**auth(GEMEENTE), "Accept-Language": "nl"}
    )
    assert _texts(answer.json())[0].startswith("<Geslacht> bevat een code die niet in de codelijst")


def test_findings_are_in_english_by_default(path_client: TestClient) -> None:
    english = path_client.post("/v1/messages", content=_bad_bsn(), headers=auth(GEMEENTE))
    assert english.status_code == 200 and english.headers["content-language"] == "en"
    [text] = _texts(english.json())
    assert text.startswith("A client's citizen service number (Bsn)")


# --- what a body may be ------------------------------------------------------------------


def _stored(store: Store) -> tuple[int, int]:
    """How many messages and events the store holds."""
    with store.session() as session:
        messages = session.exec(select(func.count()).select_from(Message)).one()
        events = session.exec(select(func.count()).select_from(Event)).one()
    return int(messages), int(events)


def _post(client: TestClient, body: bytes, content_type: str | None) -> Response:
    headers = {**auth(GEMEENTE), **({"Content-Type": content_type} if content_type else {})}
    response: Response = client.post("/v1/messages", content=body, headers=headers)
    return response


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"this is not xml", None, 422, "not_a_message"),
        (b"this is not xml", "text/plain", 415, "unsupported_media_type"),
        (b"this is not xml", "application/xml", 422, "not_a_message"),
        (b'{"message": "JW301"}', None, 422, "not_a_message"),
        (
            b'{"message": "JW301"}',
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        (b"%PDF-1.7 \x00\x01", "application/pdf", 415, "unsupported_media_type"),
        (b"  ", "text/xml", 422, "not_a_message"),
        (b"<jw301:Bericht/>", "application/json", 422, "invalid_json_model"),
        (
            b'{"message": "JW301", "Kop": {}}',
            "application/json; charset=utf-8",
            422,
            "invalid_json_model",
        ),
    ],
)
def test_a_body_that_is_no_message_is_refused_and_never_stored(
    path_client: TestClient,
    store: Store,
    body: bytes,
    content_type: str | None,
    status: int,
    code: str,
) -> None:
    response = _post(path_client, body, content_type)
    assert response.status_code == status, response.text
    error = ErrorAnswer.model_validate(response.json()).error
    assert error.code == code
    documented = path_client.get("/openapi.json").json()["paths"]["/v1/messages"]["post"]
    assert str(status) in documented["responses"]
    assert _stored(store) == (0, 0)


def test_the_reason_says_what_to_send() -> None:
    """The texts a sender reads (checked once, here, not per path)."""
    with pytest.raises(UnsupportedMediaType, match=r"application/xml.*application/json"):
        takes_json(b"plain", "text/plain")
    with pytest.raises(Unprocessable, match="Content-Type: application/json"):
        takes_json(b'{"message": "JW301"}', None)
    with pytest.raises(Unprocessable, match="unknown element\\(s\\) Kop"):
        xml_of_json(b'{"message": "JW301", "Kop": {}}')


def test_xml_is_recognised_whatever_its_content_type_says(path_client: TestClient) -> None:
    response = _post(path_client, b.to_bytes(b.jw301()), "text/plain")
    assert response.status_code == 200 and response.json()["accepted"] is True


def test_a_json_model_is_judged_stored_and_delivered_as_its_xml(
    path_client: TestClient, store: Store
) -> None:
    """Stored as the canonical XML it stands for: the same XML posted later is the same
    message (a duplicate), and reads, return messages and delivery see XML only."""
    model = b.jw301()
    response = _post(path_client, json.dumps(model).encode(), "application/json")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["accepted"] is True and answer["retour"]["message"] == "JW302"
    assert answer["delivery"] == {"receiver": b.AGB, "state": "queued"}
    message_id = str(answer["id"])
    assert store.raw(message_id) == to_xml_bytes(model) == b.to_bytes(model)
    read = path_client.get(f"/v1/messages/{message_id}?format=json", headers=auth(GEMEENTE))
    assert read.json() == model
    again = _post(path_client, b.to_bytes(model), "application/xml")
    assert again.json()["duplicate"] is True and again.json()["id"] == message_id


def test_a_json_model_that_fails_validation_gets_the_verdict_of_its_xml(
    path_client: TestClient,
) -> None:
    model = b.jw301(bsn="123456789")
    as_json = _post(path_client, json.dumps(model).encode(), "application/json").json()
    as_xml = _post(path_client, b.to_bytes(model), None).json()
    assert as_json["verdict"]["retourcodes"] == ["0001"] and as_json["accepted"] is False
    assert as_xml["duplicate"] is True and as_xml["verdict"] == as_json["verdict"]


def test_a_json_model_over_25_mb_is_413(
    path_client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bodies, "MAX_BYTES", 1000)  # the real 25 MB, smaller
    response = _post(path_client, json.dumps(b.jw301()).encode(), "application/json")
    assert response.status_code == 413 and _stored(store) == (0, 0)
