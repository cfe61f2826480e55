"""The StUF channel: parcels out as Di01/Du01, the receiver's answer judged, over real
mutual TLS to a back office on loopback; faults, 5xx and timeouts handled; a reply taken in
once."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from lxml import etree

from ijw_gateway.delivery import Parcel
from ijw_gateway.errors import ConfigurationError
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.answers import du01_for
from ijw_gateway.stuf.model import SOAP, id_of, new_reference, reference_of
from ijw_gateway.stuf_channel import StufChannel, StufSettings, stuf_channel
from ijw_gateway.stuf_intake import reply_taker
from tests.support.backoffice_stub import (
    BackOffice,
    Pki,
    back_office,
    bv03,
    fo01,
    make_pki,
    silent,
    status,
)
from tests.support.service import TestClient, answer_of, post
from tests.support.stuf_support import AGB, GEMEENTE, NOW

ALLOCATION = b.to_bytes(b.jw301())


def parcel(type_: str = "JW301", raw: bytes = ALLOCATION, answers: str | None = None) -> Parcel:
    sender, receiver = (GEMEENTE, AGB) if type_ == "JW301" else (AGB, GEMEENTE)
    return Parcel(uuid.uuid4().hex, "", raw, type_, sender, "trace-1", receiver, None, answers)


@pytest.fixture
def pki(tmp_path: Path) -> tuple[Pki, object]:
    return make_pki(tmp_path)


def channel(office: BackOffice, pki: Pki, **options: object) -> StufChannel:
    settings = StufSettings(office.url, certificate=pki.client, ca=pki.ca, timeout=2.0)
    return StufChannel(StufSettings(**{**settings.__dict__, **options}), clock=lambda: NOW)


def _body_element(data: bytes) -> etree._Element:
    return etree.fromstring(data).find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]


def test_a_first_message_goes_out_as_a_di01_over_mutual_tls(
    pki: tuple[Pki, object], reference_schema: etree.XMLSchema
) -> None:
    paths, ca = pki
    sent = parcel()
    with back_office(ca, [bv03]) as office:  # type: ignore[arg-type]
        attempt = channel(office, paths).send(sent)
    assert attempt.delivered and attempt.detail == "Bv03"
    (received,) = office.received
    assert received.valid and received.soap and received.envelope is not None
    routing = received.envelope.routing
    assert routing.referentienummer == reference_of(sent.message_id) and routing.functie == "JW301"
    assert (routing.zender.organisatie, routing.ontvanger.organisatie) == (GEMEENTE, AGB)
    assert received.envelope.payload == ALLOCATION
    assert office.headers[0]["SOAPAction"].endswith('ggk0210/ggk_Di01"')
    assert reference_schema.validate(_body_element(office.bodies[0])), reference_schema.error_log


def test_an_answer_goes_out_as_a_du01_naming_the_di01_it_answers(
    reference_schema: etree.XMLSchema,
) -> None:
    seen: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, content=b"")

    original = uuid.uuid4().hex
    sent = parcel("JW302", answer_of(ALLOCATION), original)
    stuf = StufChannel(
        StufSettings("http://127.0.0.1:9/stuf", soap=False), httpx.MockTransport(handle)
    )
    assert stuf.send(sent).delivered
    assert reference_schema.validate(etree.fromstring(seen[0])), reference_schema.error_log
    du01 = codec.read(seen[0]).envelope
    assert du01 is not None and du01.kind == "Du01"
    assert du01.routing.cross_refnummer == reference_of(original)
    assert du01.routing.referentienummer == reference_of(sent.message_id)


def test_what_cannot_be_enveloped_is_given_up_without_a_post() -> None:
    calls: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(200))  # type: ignore[func-returns-value]
    stuf = StufChannel(StufSettings("http://127.0.0.1:9/stuf"), transport)
    for bad in (parcel("JW302"), Parcel("c" * 32, "", ALLOCATION, None, GEMEENTE, "t", AGB)):
        attempt = stuf.send(bad)
        assert (
            not attempt.delivered and not attempt.retryable and "no StUF envelope" in attempt.detail
        )
    not_v4 = Parcel("c" * 32, "", ALLOCATION, "JW301", GEMEENTE, "t", AGB)
    assert "version 4" in stuf.send(not_v4).detail and not calls


@pytest.mark.parametrize(
    ("answers", "delivered", "retryable", "detail", "posts"),
    [
        ([fo01("StUF055")], False, False, "Fo01 StUF055", 1),
        ([fo01("IB210")], False, False, "Fo01 IB210", 1),
        ([fo01("IB103")], False, True, "Fo01 IB103", 3),
        ([fo01("IB103"), bv03], True, False, "Bv03", 2),
        ([status(503)], False, True, "HTTP 503", 3),
        ([status(502), status(500), bv03], True, False, "Bv03", 3),
        ([status(400)], False, False, "HTTP 400", 1),
        ([status(422)], False, False, "HTTP 422", 1),
        ([status(204)], True, False, "HTTP 204", 1),
    ],
)
def test_the_back_offices_answer_decides(
    pki: tuple[Pki, object],
    answers: list[object],
    delivered: bool,
    retryable: bool,
    detail: str,
    posts: int,
) -> None:
    paths, ca = pki
    sent = parcel()
    with back_office(ca, answers) as office:  # type: ignore[arg-type]
        attempt = channel(office, paths, max_seconds=5.0).send(sent)
    assert (attempt.delivered, attempt.retryable, attempt.detail) == (delivered, retryable, detail)
    assert len(office.received) == posts
    references = {r.routing.referentienummer for r in office.received}  # type: ignore[union-attr]
    assert references == {reference_of(sent.message_id)}  # every try: the same reference


def test_a_timeout_is_retried_with_the_same_reference(pki: tuple[Pki, object]) -> None:
    paths, ca = pki
    sent = parcel()
    with back_office(ca, [silent(1.0), bv03]) as office:  # type: ignore[arg-type]
        attempt = channel(office, paths, timeout=0.3).send(sent)
    assert attempt.delivered and len(office.received) == 2
    assert {r.routing.referentienummer for r in office.received} == {reference_of(sent.message_id)}  # type: ignore[union-attr]


def test_tls_failures_are_reported_not_raised(pki: tuple[Pki, object]) -> None:
    paths, ca = pki
    with back_office(ca, [bv03]) as office:  # type: ignore[arg-type]
        strange = channel(office, paths, certificate=paths.stranger, tries=1).send(parcel())
        untrusted = channel(office, paths, ca=None, tries=1).send(parcel())
        anonymous = channel(office, paths, certificate=None, tries=1).send(parcel())
    for attempt in (strange, untrusted, anonymous):
        assert not attempt.delivered and attempt.retryable
        assert attempt.detail.startswith(("TLS failed", "connection failed"))
    assert not office.received


def _reply_with_answer(received: codec.Received) -> tuple[int, bytes]:
    """The back office answers the allocation on the spot with its JW302 in a Du01."""
    assert received.envelope is not None
    retour = answer_of(received.envelope.payload)
    du01 = du01_for(received, retour, "JW302", NOW, AGB, new_reference())
    return 200, codec.write(du01, True)


def test_a_du01_answered_on_the_spot_is_taken_in_once(
    pki: tuple[Pki, object], gateway: Gateway, store: Store
) -> None:
    """The allocation reached the back office through this channel only (it is not in
    the store); its JW302 comes back in the HTTP answer and is stored under its own
    reference, once, also when the parcel is sent again."""
    paths, ca = pki
    sent = parcel()
    with back_office(ca, [_reply_with_answer]) as office:  # type: ignore[arg-type]
        stuf = StufChannel(channel(office, paths).settings, on_reply=reply_taker(gateway))
        first, second = stuf.send(sent), stuf.send(sent)
    assert first.delivered and first.detail == "Du01" and second.delivered
    answers = [codec.read(r.envelope.payload) for r in office.received]  # type: ignore[union-attr]
    assert len(answers) == 2
    replies = [e for e in store.events(id_of(reference_of(sent.message_id)))]
    assert replies == []  # the allocation itself was never stored here
    stored = store.mailbox(GEMEENTE, 10)
    assert [m.type for m in stored] == ["JW302"]  # one answer, queued for the municipality


def test_a_reply_that_cannot_be_stored_sends_the_parcel_again(
    pki: tuple[Pki, object], gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ijw_gateway.errors import StoreUnavailable

    def down(*args: object) -> None:
        raise StoreUnavailable("database down")

    monkeypatch.setattr(gateway.intake, "submit", down)
    paths, ca = pki
    with back_office(ca, [_reply_with_answer]) as office:  # type: ignore[arg-type]
        stuf = StufChannel(channel(office, paths, tries=2).settings, on_reply=reply_taker(gateway))
        attempt = stuf.send(parcel())
    assert not attempt.delivered and attempt.retryable and len(office.received) == 2


def test_the_factory_takes_plain_settings_and_refuses_wrong_ones(tmp_path: Path) -> None:
    built = stuf_channel({"endpoint": "https://ggk.example/stuf", "application": "Regio BO"})
    assert built.name == "stuf" and built.settings.application == "Regio BO"
    stored = {"soap": "false", "timeout": "2.5", "tries": "2", "max_seconds": "20"}
    typed = stuf_channel({"endpoint": "https://x", **stored}).settings  # as the store keeps them
    assert (typed.soap, typed.timeout, typed.tries, typed.max_seconds) == (False, 2.5, 2, 20)
    for wrong in (
        {},
        {"endpoint": "https://x", "colour": "red"},
        {"endpoint": "https://x", "soap": "yes"},
        {"endpoint": "https://x", "tries": "2.5"},
        {"endpoint": "https://x", "timeout": "nan"},
        {"endpoint": "https://x", "application_version": "1"},
        {"endpoint": "https://x", "certificate": str(tmp_path / "missing.pem")},
    ):
        with pytest.raises(ConfigurationError):
            stuf_channel(wrong)


# -- the channel in the gateway: a party whose channel is stuf ------------------------------


def _queued_and_sent(client: TestClient, gateway: Gateway) -> str:
    """A JW301 posted by the municipality, and one round of the gateway's own worker."""
    message_id = str(post(client, ALLOCATION, GEMEENTE)["id"])
    worker = gateway.worker()
    try:
        assert worker.run_once() == 1
    finally:
        worker.close()
    return message_id


def test_a_stuf_party_gets_its_message_as_a_di01_through_the_worker(
    pki: tuple[Pki, object], client: TestClient, gateway: Gateway, store: Store
) -> None:
    """The gateway's switchboard builds the party's StUF channel from its endpoint and
    channel settings (kept as text, over mutual TLS) and the worker delivers over it."""
    paths, ca = pki
    with back_office(ca, [bv03]) as office:  # type: ignore[arg-type]
        tls = (("ca", str(paths.ca)), ("certificate", str(paths.client)), ("timeout", "5"))
        store.set_channel(AGB, "stuf", office.url, tls)
        message_id = _queued_and_sent(client, gateway)
    (received,) = office.received
    assert received.valid and received.envelope is not None
    assert received.envelope.kind == "Di01" and received.envelope.payload == ALLOCATION
    routing = received.envelope.routing
    assert routing.referentienummer == reference_of(message_id) and routing.functie == "JW301"
    assert (routing.zender.organisatie, routing.ontvanger.organisatie) == (GEMEENTE, AGB)
    assert store.delivery_state(message_id) == "delivered"
    assert store.events(message_id)[-1].detail == f"to {AGB} by stuf: Bv03"


def test_a_stuf_party_whose_settings_cannot_work_is_dead_lettered_with_the_reason(
    client: TestClient, gateway: Gateway, store: Store
) -> None:
    store.set_channel(AGB, "stuf", "https://127.0.0.1:9/stuf", (("soap", "yes"),))
    message_id = _queued_and_sent(client, gateway)
    assert store.delivery_state(message_id) == "dead"
    failed = [e.detail for e in store.events(message_id) if e.kind == "delivery_failed"]
    assert failed == ["channel stuf cannot be used: StUF channel: soap has the wrong type"]
