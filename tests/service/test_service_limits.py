"""Limits of the intake: large messages, many findings, big and packed bodies.

Every limit answers with a verdict or a clear refusal; none turns a message into a 503,
and none lets a small request make the gateway store or unpack far more than it was sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace

from sqlalchemy import func, select
from sqlmodel import col

from ijw_gateway.findings import MAX_FINDINGS
from ijw_gateway.gateway import Gateway
from ijw_gateway.received import KEEP_REJECTED, KEPT_PREFIX
from ijw_gateway.store import Store
from ijw_gateway.store.tables import FindingRow, Message
from ijw_gateway.wire import Arrival
from tests.support.service import AGB, GEMEENTE, TestClient, auth, codes, declaration

JsonDict = dict[str, object]


def test_a_large_declaration_is_answered_with_every_line_and_a_capped_list(
    client: TestClient, store: Store
) -> None:
    """4,000 refused lines (a 4 MB JW323): PostgreSQL used to answer 503, because writing
    its history and findings took more than 65,535 parameters in one statement. The
    JW325 refuses every line; the findings list stops at the cap and counts the rest, the
    same in the answer and in the store."""
    response = client.post("/v1/messages", content=declaration(4000), headers=auth(AGB))
    assert response.status_code == 200, response.text[:300]
    body: JsonDict = response.json()
    verdict = body["verdict"]
    assert isinstance(verdict, dict)
    assert len(verdict["findings"]) == MAX_FINDINGS
    assert verdict["findings_omitted"] == 4000 - MAX_FINDINGS
    assert verdict["retourcodes"] == ["9338"]
    retour = body["retour"]
    assert isinstance(retour, dict) and retour["message"] == "JW325"
    assert codes(retour["xml"], "9338") == 4000
    message_id = str(body["id"])
    meta = client.get(f"/v1/messages/{message_id}?format=meta", headers=auth(AGB)).json()
    assert meta["verdict"] == verdict
    with store.session() as session:
        rows = select(func.count()).select_from(FindingRow)
        count = session.execute(rows.where(col(FindingRow.message_id) == message_id)).scalar_one()
    assert count == MAX_FINDINGS


def test_a_zip_bomb_is_answered_without_unpacking_or_storing_it(
    client: TestClient, store: Store
) -> None:
    """Three members of 24 MB of one character in a 73 kB body: the gateway unpacked and
    stored every one of them (the attack of issue F: 30 of them, 750 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"m{n}.xml", b"a" * (24 * 2**20))
    response = client.post("/v1/messages", content=buffer.getvalue(), headers=auth(AGB))
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] is None and "per archive" in item["verdict"]["findings"][0]["text"]
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 0


def _kept_in_store(store: Store) -> int:
    with store.session() as session:
        return int(session.execute(select(func.sum(func.length(Message.raw)))).scalar_one())


def test_a_large_rejected_body_is_kept_as_its_digest_and_its_start(
    client: TestClient, store: Store
) -> None:
    """A 60 MB post (over the 25 MB a message may be) grew the database by 90 MB."""
    data = b"<a>" + b"x" * (60 * 2**20)
    response = client.post("/v1/messages", content=data, headers=auth(AGB))
    assert response.status_code == 200 and response.json()["accepted"] is False
    message_id = response.json()["id"]
    assert _kept_in_store(store) == KEPT_PREFIX
    meta = client.get(f"/v1/messages/{message_id}?format=meta", headers=auth(AGB)).json()
    assert (meta["size"], meta["kept"]) == (len(data), KEPT_PREFIX)
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    raw = client.get(f"/v1/messages/{message_id}", headers=auth(AGB))
    assert raw.status_code == 200 and raw.content == data[:KEPT_PREFIX]
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["x-ijw-kept"] == f"{KEPT_PREFIX} of {len(data)} bytes"
    as_json = client.get(f"/v1/messages/{message_id}?format=json", headers=auth(AGB))
    assert as_json.status_code == 422 and "were kept" in as_json.text
    again = client.post("/v1/messages", content=data, headers=auth(AGB)).json()
    assert again["duplicate"] is True and again["id"] == message_id


def test_rejected_messages_over_a_megabyte_are_kept_as_their_start_delivered_ones_whole(
    client: TestClient, store: Store
) -> None:
    whole = declaration(1100, "W")  # every line refused, yet received (IV087): delivered
    broken = declaration(1100, "B").replace(b"<jw323:Clienten>", b"<jw323:Extra/>", 1)
    small = declaration(3, "S").replace(b"<jw323:Clienten>", b"<jw323:Extra/>", 1)
    assert len(whole) > KEEP_REJECTED and len(small) < KEEP_REJECTED
    kept = {}
    for data in (whole, broken, small):
        answer = client.post("/v1/messages", content=data, headers=auth(AGB)).json()
        meta = client.get(f"/v1/messages/{answer['id']}?format=meta", headers=auth(AGB))
        delivered = answer["delivery"] is not None
        kept[data] = (delivered, meta.json()["kept"], meta.json()["size"])
    assert kept[whole] == (True, len(whole), len(whole))
    assert kept[broken] == (False, KEPT_PREFIX, len(broken))
    assert kept[small] == (False, len(small), len(small))


def test_an_arrival_is_kept_and_listed_within_the_same_limits(
    gateway: Gateway, store: Store
) -> None:
    """A message an exchange delivers (VECOZO, ``arrivals``): its findings are listed up
    to the cap and counted beyond it, and a refused one over a megabyte is kept as its
    digest and its start, as a posted one is."""
    lines = MAX_FINDINGS + 50
    arrival = Arrival("vecozo", "trace-many", sender=AGB, receivers=(GEMEENTE,), type="JW323")
    taken = gateway.arrivals.take(arrival, declaration(lines, "A"), "many", keep_refused=False)
    verdict = json.loads(store.message(taken.id).verdict or "{}")  # type: ignore[union-attr]
    assert (len(verdict["findings"]), verdict["findings_omitted"]) == (MAX_FINDINGS, 50)
    with store.session() as session:
        rows = select(func.count()).select_from(FindingRow)
        count = session.execute(rows.where(col(FindingRow.message_id) == taken.id)).scalar_one()
    assert count == MAX_FINDINGS
    data = declaration(1100, "R")
    elsewhere = replace(arrival, trace_ref="trace-refused", receivers=("0599",))
    refused = gateway.arrivals.take(elsewhere, data, "refused", keep_refused=True)
    assert (refused.outcome, refused.detail) == ("refused", "wrong_receiver")
    message = store.message(refused.id)
    assert message is not None and (message.size, message.kept) == (len(data), KEPT_PREFIX)
    assert message.sha256 == hashlib.sha256(data).hexdigest() and len(data) > KEEP_REJECTED
