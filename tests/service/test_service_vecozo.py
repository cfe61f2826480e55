"""The local VECOZO (``/vecozo``, ``api/vecozo.py``): VECOZO's routes and payload shapes, served by the gateway.
Every request and every answer of these tests is judged by the published OpenAPI files."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from ijw_gateway.api.offload import Offload
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.edit import put
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store
from ijw_gateway.store.tables import Event
from tests.support.offload import noting_app, offloaded
from tests.support.service import TestClient, declaration
from tests.support.vecozo_facade import PULL, PUSH, STATUS, Facade
from tests.support.vecozo_spec import require_specs
from tests.support.vecozo_stub import metadata

GEMEENTE, AGB = b.GEMEENTE, b.AGB
PROVIDER, MUNICIPALITY = ("Instelling", AGB), ("Gemeente", GEMEENTE)


@pytest.fixture(autouse=True)
def _specs() -> None:
    require_specs()


@pytest.fixture
def facade(client: TestClient) -> Facade:
    return Facade(client)


def _request(identificatie: str = "R-1", **refs: str) -> tuple[dict[str, Any], bytes]:
    return metadata(PROVIDER, MUNICIPALITY, "JW315", **refs), b.to_bytes(b.jw315(identificatie))


def test_a_push_is_taken_in_and_its_answer_waits_for_the_sender(
    facade: Facade, store: Store
) -> None:
    meta, data = _request()
    refs = meta["referentiegegevens"]
    assert facade.push(AGB, meta, data).status_code == 204
    message_id = store.named("vecozo", refs["traceerId"])
    assert message_id is not None
    assert [m.message_id for m in store.mailbox(GEMEENTE, 10)] == [message_id]
    (answer,) = facade.ready(AGB)
    answer_refs = answer["referentiegegevens"]
    assert answer_refs["alsAntwoordOp"] == refs["traceerId"]
    assert answer_refs["conversatieId"] == refs["conversatieId"]
    assert answer["routeringgegevens"]["berichtstroom"]["berichtsubtype"] == "JW316"
    assert answer["routeringgegevens"]["afzender"] == {"rol": "Gemeente", "code": GEMEENTE}
    download = answer["basisgegevens"]["payload"]
    path = httpx.URL(download["url"]).path
    body = facade.send(AGB, "GET", path).content
    assert hashlib.sha256(body).hexdigest() == download["checksum"]["waarde"]
    assert len(body) == download["grootte"] and b"<JW316" not in body[:0]
    trace = answer_refs["traceerId"]
    assert facade.send(AGB, "DELETE", f"{PULL}/{trace}").status_code == 202
    assert facade.ready(AGB) == []
    assert facade.send(AGB, "DELETE", f"{PULL}/{trace}").status_code == 404
    assert facade.send(AGB, "GET", path).status_code == 404


def test_the_municipality_pulls_the_request_with_the_senders_ids(facade: Facade) -> None:
    meta, data = _request()
    facade.push(AGB, meta, data)
    (item,) = facade.ready(GEMEENTE)
    assert item["referentiegegevens"] == meta["referentiegegevens"]
    assert item["routeringgegevens"]["afzender"] == {"rol": "Instelling", "code": AGB}
    assert facade.ready(AGB, limit="1")[0]["routeringgegevens"]["berichtstroom"][
        "berichtsubtype"
    ] == "JW316"  # fmt: skip
    assert (
        facade.send(
            GEMEENTE, "GET", httpx.URL(item["basisgegevens"]["payload"]["url"]).path
        ).content
        == data
    )
    assert (
        facade.send(AGB, "GET", httpx.URL(item["basisgegevens"]["payload"]["url"]).path).status_code
        == 404
    )


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["referentiegegevens"].update(traceerId="not-a-uuid"),
        lambda m: m["routeringgegevens"].update(geadresseerden=[]),
        lambda m: m["routeringgegevens"]["berichtstroom"].pop("actie"),
        lambda m: m.update(onbekend=1),
    ],
)
def test_metadata_the_spec_refuses_is_400_with_the_fields(facade: Facade, change: Any) -> None:
    meta, data = _request()
    change(meta)
    body = _problem(facade.push(AGB, meta, data, judge_request=False), 400)
    assert body["errors"]


def test_a_push_without_its_payload_is_400(facade: Facade) -> None:
    meta, _ = _request()
    files = {"berichtMetadata": (None, json.dumps(meta).encode(), "application/json")}
    _problem(facade.send(AGB, "POST", PUSH, files=files, judge_request=False), 400)


def _retour_without_reference() -> tuple[dict[str, Any], bytes]:
    allocation = b.jw301("A-1")
    return metadata(PROVIDER, MUNICIPALITY, "JW302"), b.to_bytes(b.retour(allocation))


@pytest.mark.parametrize(
    ("party", "arrange", "code"),
    [
        (GEMEENTE, _request, "not_the_sender"),  # pushing as another party
        (AGB, _retour_without_reference, "answer_without_reference"),
        (AGB, lambda: (metadata(PROVIDER, MUNICIPALITY, "JW317"), _request()[1]), "wrong_message_type"),
        (AGB, lambda: (metadata(PROVIDER, ("Gemeente", "0599"), "JW315"), _request()[1]), "wrong_receiver"),
        (AGB, lambda: (metadata(("Instelling", "87654321"), MUNICIPALITY, "JW315"), _request()[1]), "not_the_sender"),
    ],
)  # fmt: skip
def test_a_push_that_disagrees_with_itself_is_422_and_not_stored(
    facade: Facade, store: Store, party: str, arrange: Any, code: str
) -> None:
    meta, data = arrange()
    body = _problem(facade.push(party, meta, data), 422)
    assert body["title"] == code
    assert store.named("vecozo", meta["referentiegegevens"]["traceerId"]) is None


def test_a_refusal_repeats_no_code_the_payload_states_unless_it_is_a_partys(
    facade: Facade, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """An Afzender may hold a BSN or a name: the answer, the events and the log say which
    party the exchange named, never what the payload stated (as for POST /v1/messages)."""
    caplog.set_level(logging.INFO)
    bsn = "999990019"
    meta, _ = _request()
    data = b.to_bytes(put(b.jw315("R-1"), "Header/Afzender", bsn))
    body = _problem(facade.push(AGB, meta, data), 422)
    assert body["title"] == "not_the_sender"
    assert "a code that is not a party here" in body["detail"] and AGB in body["detail"]
    assert bsn not in json.dumps(body) and bsn not in caplog.text
    with store.session() as session:
        assert not [e for e in session.exec(select(Event)) if bsn in e.detail]


def test_exactly_one_jw325_per_jw323(facade: Facade, store: Store) -> None:
    declaration = b.jw323("D-1", clients={b.BSN: [b.prestatie(volume=120)]})
    meta = metadata(PROVIDER, MUNICIPALITY, "JW323")
    assert facade.push(AGB, meta, b.to_bytes(declaration)).status_code == 204
    (answer,) = facade.ready(AGB)  # the gateway answered the JW323 with its JW325
    assert answer["routeringgegevens"]["berichtstroom"]["berichtsubtype"] == "JW325"
    second = metadata(
        MUNICIPALITY,
        PROVIDER,
        "JW325",
        answers=meta["referentiegegevens"]["traceerId"],
        conversation=meta["referentiegegevens"]["conversatieId"],
    )
    body = _problem(facade.push(GEMEENTE, second, b.to_bytes(b.jw325(declaration))), 422)
    assert body["title"] == "already_answered"
    without = metadata(MUNICIPALITY, PROVIDER, "JW325")
    body = _problem(facade.push(GEMEENTE, without, b.to_bytes(b.jw325(declaration, "T325-2"))), 422)
    assert body["title"] == "answer_without_reference"


def test_the_same_push_again_is_the_same_message_another_with_its_id_is_refused(
    facade: Facade, store: Store
) -> None:
    meta, data = _request()
    assert facade.push(AGB, meta, data).status_code == 204
    assert facade.push(AGB, meta, data).status_code == 204
    assert len(store.mailbox(GEMEENTE, 10)) == 1
    _, other = _request("R-2")
    assert _problem(facade.push(AGB, meta, other), 422)["title"] == "traceer_id_used"


def test_statuses_follow_the_gateways_events(facade: Facade) -> None:
    meta, data = _request()
    facade.push(AGB, meta, data)
    trace = meta["referentiegegevens"]["traceerId"]
    history = facade.send(AGB, "GET", STATUS, params={"traceerId": trace}).json()
    mine = [h["berichtstatus"] for h in history if h["referentiegegevens"]["traceerId"] == trace]
    assert mine == ["Ontvangen", "VerwerkingVoltooid", "WordtAangeboden"]
    answers = [h for h in history if h["referentiegegevens"].get("alsAntwoordOp") == trace]
    assert [h["berichtstatus"] for h in answers] == ["WordtAangeboden"]  # the JW316
    (item,) = facade.ready(GEMEENTE)
    facade.send(GEMEENTE, "DELETE", f"{PULL}/{item['referentiegegevens']['traceerId']}")
    conversation = meta["referentiegegevens"]["conversatieId"]
    history = facade.send(GEMEENTE, "GET", STATUS, params={"conversatieId": conversation}).json()
    assert [h["berichtstatus"] for h in history][-1] == "Bezorgd"
    stranger = facade.send("0482", "GET", STATUS, params={"traceerId": trace}).json()
    assert stranger == []


def test_a_rejected_push_says_why_in_its_status(facade: Facade) -> None:
    bad = b.jw315("R-9", bsn="123456789")  # fails the BSN check (level 2)
    meta = metadata(PROVIDER, MUNICIPALITY, "JW315")
    assert facade.push(AGB, meta, b.to_bytes(bad)).status_code == 204
    trace = meta["referentiegegevens"]["traceerId"]
    history = facade.send(AGB, "GET", STATUS, params={"traceerId": trace}).json()
    refused = [h for h in history if h["berichtstatus"] == "AfgekeurdDoorDienst"]
    assert refused and refused[0]["meldingen"][0]["code"] == "0001"
    (answer,) = facade.ready(AGB)  # the JW316 with 0001 waits for the provider
    assert answer["referentiegegevens"]["alsAntwoordOp"] == trace


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"traceerId": "nope"},
        {"traceerId": str(uuid.uuid4()), "conversatieId": str(uuid.uuid4())},
    ],
)
def test_a_status_question_needs_one_uuid(facade: Facade, params: dict[str, str]) -> None:
    _problem(facade.send(AGB, "GET", STATUS, params=params, judge_request=False), 400)


def test_search_by_the_answered_message_and_by_conversation(facade: Facade) -> None:
    meta, data = _request()
    facade.push(AGB, meta, data)
    facade.push(AGB, *_request("R-2"))
    refs = meta["referentiegegevens"]
    by_answer = {"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": refs["traceerId"]}
    found = facade.send(AGB, "POST", f"{PULL}/zoeken", json=by_answer).json()
    assert [f["referentiegegevens"]["alsAntwoordOp"] for f in found] == [refs["traceerId"]]
    by_conversation = {
        "zoekpadType": "ZoekpadOpConversatieId",
        "conversatieId": refs["conversatieId"],
    }
    assert len(facade.send(AGB, "POST", f"{PULL}/zoeken", json=by_conversation).json()) == 1
    by_stream = {
        "zoekpadType": "ZoekpadOpBerichtstroom",
        "berichttype": "JW",
        "berichtsubtype": "JW316",
    }
    assert len(facade.send(AGB, "POST", f"{PULL}/zoeken", json=by_stream).json()) == 2
    unknown = {"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": str(uuid.uuid4())}
    assert facade.send(AGB, "POST", f"{PULL}/zoeken", json=unknown).json() == []
    bad = {"zoekpadType": "ZoekpadOpConversatieId"}
    _problem(facade.send(AGB, "POST", f"{PULL}/zoeken", json=bad, judge_request=False), 400)


@pytest.mark.parametrize("limit", ["0", "251", "x"])
def test_a_limit_outside_1_to_250_is_400(facade: Facade, limit: str) -> None:
    response = facade.send(AGB, "GET", PULL, params={"limit": limit}, judge_request=False)
    _problem(response, 400)


def test_without_an_api_key_nothing_is_answered(client: TestClient) -> None:
    response = client.get(PULL)
    assert response.status_code == 401 and response.json()["title"] == "missing_api_key"


def test_a_large_push_is_taken_in_by_the_offload_process(
    gateway: Gateway, store: Store, tmp_path: Path
) -> None:
    """As a large posted message (``api.offload``); its return message waits for the
    sender all the same."""
    meta = metadata(PROVIDER, MUNICIPALITY, "JW323")
    data = declaration(300, "V")
    assert Offload.takes(data)
    with TestClient(noting_app(gateway, tmp_path)) as client:
        facade = Facade(client)
        assert facade.push(AGB, meta, data).status_code == 204
        (answer,) = facade.ready(AGB)
    assert offloaded(tmp_path)
    message_id = store.named("vecozo", meta["referentiegegevens"]["traceerId"])
    assert message_id is not None and store.raw(message_id) == data
    assert answer["routeringgegevens"]["berichtstroom"]["berichtsubtype"] == "JW325"
