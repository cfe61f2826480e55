"""POST /v1/stuf/ggk0210: envelopes in, Bv03/Du01/Fo01 out, on SQLite and PostgreSQL.

Every answer is checked against the published schemas; every refusal has its Fo01 code;
nothing is stored twice and a refused envelope leaves nothing queued."""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest
from lxml import etree

from ijw_gateway.api.app import create_app
from ijw_gateway.api.offload import Offload
from ijw_gateway.errors import StoreUnavailable
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.edit import put
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.codec import Received
from ijw_gateway.stuf.model import SOAP, Envelope, id_of, new_reference
from tests.support.offload import noting_app, offloaded
from tests.support.service import TestClient, answer_of, auth, codes, declaration
from tests.support.stuf_support import AGB, GEMEENTE, envelope, jw301_envelope

URL = "/v1/stuf/ggk0210"
T = TypeVar("T")


def send(
    client: TestClient, data: bytes, party: str | None, schema: etree.XMLSchema
) -> tuple[int, Received]:
    """Post an envelope; the answer, after checking it against the published schemas."""
    headers = auth(party) if party else {}
    response = client.post(URL, content=data, headers={**headers, "Content-Type": "text/xml"})
    assert response.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    if root.tag == f"{{{SOAP}}}Envelope":
        root = root.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
    if not root.tag.endswith("Fault"):
        assert schema.validate(root), schema.error_log
    return response.status_code, codec.read(response.content)


def fault_code(answer: Received) -> str | None:
    assert answer.kind == "Fo01" and answer.fault is not None, answer
    return answer.fault.code


@pytest.mark.parametrize("soap", [True, False])
def test_a_di01_is_taken_in_under_its_reference_and_answered_with_its_return_message(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema, soap: bool
) -> None:
    di01 = jw301_envelope()
    status, answer = send(client, codec.write(di01, soap), GEMEENTE, reference_schema)
    assert status == 200 and answer.kind == "Du01" and answer.soap == soap
    assert answer.envelope is not None and answer.routing is not None
    reference = di01.routing.referentienummer
    assert answer.routing.cross_refnummer == reference and answer.routing.functie == "JW302"
    assert (answer.routing.zender.organisatie, answer.routing.ontvanger.organisatie) == (
        AGB,
        GEMEENTE,
    )
    message = store.message(id_of(reference))
    assert message is not None and message.accepted and message.poster == GEMEENTE
    assert store.raw(message.id) == di01.payload
    assert store.delivery_state(message.id) == "queued"
    retour = store.message(id_of(answer.routing.referentienummer))
    assert retour is not None and retour.answers_id == message.id
    assert b"jw302:Bericht" in answer.envelope.payload


def test_the_same_di01_again_is_stored_once_and_answered_alike(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    data = codec.write(jw301_envelope())
    first = send(client, data, GEMEENTE, reference_schema)[1]
    second = send(client, data, GEMEENTE, reference_schema)[1]
    assert first.envelope is not None and second.envelope is not None
    assert first.envelope.payload == second.envelope.payload
    assert first.routing.referentienummer == second.routing.referentienummer  # type: ignore[union-attr]
    sent = id_of(codec.read(data).routing.referentienummer)  # type: ignore[union-attr]
    kinds = [e.kind for e in store.events(sent)]
    assert kinds.count("received") == 1 and "duplicate_received" in kinds


def test_a_reference_used_for_other_content_is_cc08(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    first = jw301_envelope()
    assert send(client, codec.write(first), GEMEENTE, reference_schema)[0] == 200
    other = replace(first, payload=b.to_bytes(put(b.jw301(), "Client/Bsn", b.synthetic_bsn(7))))
    status, answer = send(client, codec.write(other), GEMEENTE, reference_schema)
    assert (status, fault_code(answer)) == (409, "CC08")
    assert store.raw(id_of(first.routing.referentienummer)) == first.payload


def _refused(
    client: TestClient, data: bytes, party: str | None, schema: etree.XMLSchema
) -> tuple[int, str | None]:
    status, answer = send(client, data, party, schema)
    return status, fault_code(answer)


def test_callers_must_be_known_and_the_envelopes_sender(
    client: TestClient, reference_schema: etree.XMLSchema
) -> None:
    data = codec.write(jw301_envelope())
    assert _refused(client, data, None, reference_schema) == (401, "IB002")
    assert _refused(client, data, AGB, reference_schema) == (403, "IB002")


def test_envelope_faults_have_their_codes(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    di01 = jw301_envelope()
    data = codec.write(di01)
    reference = di01.routing.referentienummer.encode()
    cases = [
        (b"not xml", 400, "RIN001"),
        (data.replace(b"<StUF:functie>", b"<StUF:functie>" + b"x" * 40), 400, "RIN001"),
        (data.replace(reference, reference.upper()), 400, "IB009"),
        (b"<" + b"x" * codec.MAX_ENVELOPE + b">", 413, "IB007"),
    ]
    for body, status, code in cases:
        assert _refused(client, body, GEMEENTE, reference_schema) == (status, code)
    assert store.message(id_of(di01.routing.referentienummer)) is None


def test_an_envelope_that_contradicts_its_payload_is_refused(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    allocation = b.to_bytes(b.jw301())
    elsewhere = b.to_bytes(put(b.jw301(), "Header/Ontvanger", "87654321"))
    unknown = b.to_bytes(put(b.jw301(), "Header/Ontvanger", "99999999"))
    cases: list[tuple[Envelope, int, str]] = [
        (envelope(allocation, "JW315", GEMEENTE, AGB), 400, "IB240"),  # functie
        (envelope(allocation, "JW301", GEMEENTE, AGB, versions=("0003", "0001")), 400, "IB240"),
        (
            envelope(allocation, "JW301", GEMEENTE, AGB, kind="Du01", cross=new_reference()),
            400,
            "IB240",
        ),
        (envelope(allocation, "JW301", GEMEENTE, "87654321"), 422, "IB102"),  # receiver
        (envelope(elsewhere, "JW301", GEMEENTE, AGB), 422, "IB102"),
        (envelope(unknown, "JW301", GEMEENTE, "99999999"), 422, "IB210"),
        (envelope(b"a;b", "JW301", GEMEENTE, AGB, bestandsnaam="lijst.csv"), 400, "StUF055"),
    ]
    for sent, status, code in cases:
        assert _refused(client, codec.write(sent), GEMEENTE, reference_schema) == (status, code)
        assert store.message(id_of(sent.routing.referentienummer)) is None, code


def test_a_payload_that_fails_its_schema_is_stored_rejected_and_answered_stuf055(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    broken = b.to_bytes(b.jw301()).replace(b"<jw301:Bsn>", b"<jw301:Bsn>x")
    sent = envelope(broken, "JW301", GEMEENTE, AGB)
    status, answer = send(client, codec.write(sent), GEMEENTE, reference_schema)
    assert (status, fault_code(answer)) == (400, "StUF055")
    assert answer.routing.cross_refnummer == sent.routing.referentienummer  # type: ignore[union-attr]
    assert answer.fault is not None and answer.fault.details == "JW301-00010000"
    message = store.message(id_of(sent.routing.referentienummer))
    assert message is not None and not message.accepted
    assert store.delivery_state(message.id) is None


def test_an_iwmo_payload_is_not_ijw_stuf055(
    client: TestClient, stuf_samples: dict[str, bytes], reference_schema: etree.XMLSchema
) -> None:
    iwmo = codec.read(stuf_samples["soap-envelope-di01.xml"]).payload
    assert iwmo is not None and b"iwmo" in iwmo
    sent = envelope(iwmo, "JW301", GEMEENTE, AGB)
    assert _refused(client, codec.write(sent), GEMEENTE, reference_schema) == (400, "StUF055")


def test_a_du01_answer_is_linked_and_a_second_answer_is_cc11(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    """The provider answers an allocation that reached it by other means (the JW301 never
    came through this gateway): accepted once, then CC11."""
    answer = answer_of(b.to_bytes(b.jw301()))
    cross = new_reference()
    du01 = envelope(answer, "JW302", AGB, GEMEENTE, kind="Du01", cross=cross)
    status, receipt = send(client, codec.write(du01, True), AGB, reference_schema)
    assert (status, receipt.kind) == (200, "Bv03")
    assert receipt.routing.cross_refnummer == du01.routing.referentienummer  # type: ignore[union-attr]
    again = envelope(
        answer.replace(b"?>", b"?>\n", 1), "JW302", AGB, GEMEENTE, kind="Du01", cross=cross
    )
    assert _refused(client, codec.write(again), AGB, reference_schema) == (409, "CC11")
    assert store.message(id_of(again.routing.referentienummer)) is None


def test_a_fo01_about_our_message_is_noted_and_received(
    client: TestClient, store: Store, reference_schema: etree.XMLSchema
) -> None:
    di01 = jw301_envelope()
    send(client, codec.write(di01), GEMEENTE, reference_schema)
    fo01 = codec.read(codec.write(di01))
    from ijw_gateway.stuf.answers import fault_for

    fault = fault_for(fo01, "IB103", store.clock(), "Jansen 999990019")
    status, answer = send(client, codec.write(fault, True), GEMEENTE, reference_schema)
    assert (status, answer.kind) == (200, "Bv03")
    events = store.events(id_of(di01.routing.referentienummer))
    noted = [e for e in events if e.kind == "fault_received"]
    assert [e.detail for e in noted] == ["Fo01 IB103 (server)"]


def test_our_own_failure_is_a_soap_fault_to_retry(
    client: TestClient, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object) -> None:
        raise StoreUnavailable("database down")

    monkeypatch.setattr(gateway.intake, "submit", down)
    response = client.post(URL, content=codec.write(jw301_envelope()), headers=auth(GEMEENTE))
    assert response.status_code == 503
    root = etree.fromstring(response.content)
    assert root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault/faultcode").text == "soapenv:Server"  # type: ignore[union-attr]


def test_fo01_texts_carry_no_personal_data(
    client: TestClient, reference_schema: etree.XMLSchema
) -> None:
    bsn = b.synthetic_bsn(3)
    broken = b.to_bytes(put(b.jw301(), "Client/Bsn", bsn + "x"))
    sent = envelope(broken, "JW301", GEMEENTE, AGB)
    response = client.post(URL, content=codec.write(sent), headers=auth(GEMEENTE))
    assert response.status_code == 400
    assert bsn.encode() not in response.content
    assert base64.b64encode(broken) not in response.content


def test_a_large_envelope_is_taken_in_by_the_offload_process(
    gateway: Gateway, store: Store, reference_schema: etree.XMLSchema, tmp_path: Path
) -> None:
    """As a large posted message (``api.offload``): judging it does not hold the serve
    process; the answer is the same Du01."""
    di01 = envelope(declaration(300, "S"), "JW323", AGB, GEMEENTE)
    data = codec.write(di01, True)
    assert Offload.takes(data)
    with TestClient(noting_app(gateway, tmp_path)) as client:
        status, answer = send(client, data, AGB, reference_schema)
    assert offloaded(tmp_path)
    assert status == 200 and answer.kind == "Du01" and answer.envelope is not None
    assert answer.routing is not None and answer.routing.functie == "JW325"
    assert codes(answer.envelope.payload.decode(), "9338") == 300
    message = store.message(id_of(di01.routing.referentienummer))
    assert message is not None and message.accepted and store.raw(message.id) == di01.payload


class _Stopped(Offload):
    """An offload process stopped before it answered (SIGTERM's grace ran out)."""

    def submit(self, work: Callable[..., T], *args: object) -> Future[T]:
        future: Future[T] = Future()
        future.cancel()
        return future


def test_a_large_envelope_abandoned_at_shutdown_is_a_soap_fault(
    gateway: Gateway, store: Store
) -> None:
    """A failure of ours, answered as the endpoint answers those: a SOAP Fault with 503,
    so that the sender sends it again (not the API's JSON error)."""
    app = create_app(gateway=gateway, with_worker=False)
    app.state.offload = _Stopped(gateway.settings)
    di01 = envelope(declaration(300, "T"), "JW323", AGB, GEMEENTE)
    with TestClient(app) as client:
        response = client.post(
            URL, content=codec.write(di01, True), headers={**auth(AGB), "Content-Type": "text/xml"}
        )
    assert response.status_code == 503 and response.headers["content-type"].startswith("text/xml")
    fault = etree.fromstring(response.content).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None and b"send it again" in response.content
    assert store.message(id_of(di01.routing.referentienummer)) is None


@pytest.mark.parametrize(("channel", "queued"), [("mailbox", None), ("stuf", "queued")])
def test_a_stuf_senders_return_message_is_also_queued_back_to_it(
    client: TestClient,
    store: Store,
    reference_schema: etree.XMLSchema,
    channel: str,
    queued: str | None,
) -> None:
    """A sender on channel ``stuf`` faces a GGk, which passes no answer back from its HTTP
    call: the return message also travels to it as a Du01 of its own (the same reference)."""
    store.set_channel(GEMEENTE, channel, "https://127.0.0.1:9/stuf" if queued else None, ())
    status, answer = send(client, codec.write(jw301_envelope(), True), GEMEENTE, reference_schema)
    assert status == 200 and answer.routing is not None
    retour = id_of(answer.routing.referentienummer)
    assert store.delivery_state(retour) == queued
    if queued:
        assert store.events(retour)[-1].detail == "back to the sender"
