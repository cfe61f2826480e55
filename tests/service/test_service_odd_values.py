"""Schema-valid messages with odd values, found by mutating every message type and sending
each variant through the intake: each gets a verdict, never a 500.

* A value split by a comment or processing instruction reads whole, as the schema reads it
  (it used to read up to the comment: a wrong sender, an invalid return message).
* Dates and times the schema admits but no calendar holds are refused as DATE-RANGE (they
  used to crash the cross-message rules and the history).
* A second return message for an original that never came here is ``409
  already_answered`` (it used to collide until the intake gave up with ``busy``).
* A party code a refused message states that is no party's code is not repeated in the
  answer, the event and the log (a newline in it used to forge a log line).
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.edit import put
from ijw_gateway.runtime import build_validator
from tests.support.service import AGB, GEMEENTE, TestClient, answer_of, auth, post, retour_codes


def _split(data: bytes, element: str, value: str, cut: int) -> bytes:
    """``data`` with the value of ``element`` split by a comment after ``cut`` characters."""
    pattern = rf"(<(\w+:)?{element}>){value}(</)".encode()
    split = f"{value[:cut]}<!-- split -->{value[cut:]}".encode()
    changed, count = re.subn(pattern, rb"\g<1>" + split + rb"\g<3>", data)
    assert count == 1
    return changed


def test_a_value_split_by_a_comment_is_read_whole(client: TestClient) -> None:
    data = _split(b.to_bytes(b.jw301()), "Afzender", GEMEENTE, 2)
    data = _split(data, "Bsn", b.BSN, 4)  # CS002 would fail on "9999"
    result = post(client, data, GEMEENTE)
    assert result["accepted"] is True, result["verdict"]
    assert result["delivery"] == {"receiver": AGB, "state": "queued"}
    retour = result["retour"]["xml"].encode()
    assert build_validator().validate(retour).schema_valid
    header = etree.fromstring(retour).find("{*}Header")
    assert header is not None and header.findtext("{*}Afzender") == GEMEENTE


EXPLAINED = rules()["DATE-RANGE"].text("en")


def test_dates_and_times_no_calendar_holds_are_refused_not_a_crash(client: TestClient) -> None:
    cases = [
        (b.jw301(), "Header/BerichtIdentificatie/Dagtekening", "-2026-03-02", GEMEENTE),
        (b.jw301(), "Client/ToegewezenProducten/ToegewezenProduct/0/Toewijzingstijd", "24:00:00",
         GEMEENTE),
        (b.jw323(), "Declaratie/DeclaratiePeriode/Begindatum", "-2026-03-01", AGB),
        (b.jw323(), "Header/BerichtIdentificatie/Dagtekening", "12026-04-02", AGB),
    ]  # fmt: skip
    for model, path, value, sender in cases:
        result = post(client, b.to_bytes(put(model, path, value)), sender)
        verdict = result["verdict"]
        assert verdict["schema_valid"] is True and result["accepted"] is False, path
        assert [f["rule"] for f in verdict["findings"]] == ["DATE-RANGE"], path
        # the catalogue's text alone: a date can be personal data (a birth date)
        assert [f["text"] for f in verdict["findings"]] == [EXPLAINED], path
        assert retour_codes(result["retour"]["xml"])[:1] == ["0001"], path


def test_a_second_retour_for_an_original_that_never_came_here_is_already_answered(
    client: TestClient,
) -> None:
    answer = answer_of(b.to_bytes(b.jw301()))  # the provider answers an allocation itself
    assert post(client, answer, AGB)["accepted"] is True
    again = client.post(
        "/v1/messages", content=answer.replace(b"?>", b"?>\n", 1), headers=auth(AGB)
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_answered"


def test_a_stated_party_code_that_is_no_partys_is_not_repeated(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    forged = GEMEENTE + "\nERROR forged log line" + "1" * 1000
    refused = client.post(
        "/v1/messages",
        content=b.to_bytes(put(b.jw301(), "Header/Afzender", forged)),
        headers=auth(GEMEENTE),
    )
    assert refused.status_code == 403
    reason = refused.json()["error"]["reason"]
    assert "travels from a sender that is not a party here and" in reason
    assert "forged" not in reason and "1" * 30 not in reason
    logged = [r.getMessage() for r in caplog.records if "intake refused" in r.getMessage()]
    assert logged and all("\n" not in line and "forged" not in line for line in logged)
    unknown = client.post(
        "/v1/messages",
        content=b.to_bytes(put(b.jw301(), "Header/Ontvanger", "9" * 1000)),
        headers=auth(GEMEENTE),
    )
    assert unknown.status_code == 422 and "9" * 30 not in unknown.json()["error"]["reason"]
