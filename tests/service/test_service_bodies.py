"""POST /v1/messages: what a body may be (XML, zip, JSON) and the language of its verdict.

Every test runs on both paths the hot route has (``path_client``): ``api.fastroute``
serving its endpoint directly, and FastAPI's own request handling.
"""

from __future__ import annotations

import pytest

from ijw_gateway.api.language import preferred_language
from ijw_gateway.fixtures import builders as b
from tests.service.conftest import GEMEENTE, TestClient, auth

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
