"""Done-when of issue H: provider software that speaks VECOZO REST and a municipality's back
office that speaks StUF-GGk exchange a whole conversation through the gateway,
315 → 316 → 301 → 302 → 305 → 306 → 307 → 308 → 323 → 325, on SQLite and PostgreSQL.

The provider (12345678) pushes to and pulls from the local VECOZO (``/vecozo``; every
request and answer is held to VECOZO's published OpenAPI files). The municipality (0505) is
a back office on loopback behind real mutual TLS (certificates made in the test): the
gateway's worker delivers to it as Di01/Du01 over its channel ``stuf``, built from the
party's stored settings, and it sends its JW301 as a Di01 to the gateway's SOAP endpoint.
Every envelope the gateway writes is checked against the published envelope schema. Every
answer is the gateway's return message, composed from its verdict; all messages are built
by the fixture builders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway
from ijw_gateway.store import Store
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.model import SOAP, id_of, reference_of
from tests.support.backoffice_stub import BackOffice, Pki, back_office, bv03, make_pki
from tests.support.service import AGB, GEMEENTE, TestClient, answer_of, auth, retour_codes
from tests.support.stuf_support import envelope, published_schema
from tests.support.vecozo_facade import PULL, STATUS, Facade
from tests.support.vecozo_spec import require_specs
from tests.support.vecozo_stub import metadata

PROVIDER, MUNICIPALITY = ("Instelling", AGB), ("Gemeente", GEMEENTE)
ANSWERS = {"JW315": "JW316", "JW301": "JW302", "JW305": "JW306", "JW307": "JW308"}
ANSWERS |= {"JW323": "JW325"}
STUF = "/v1/stuf/ggk0210"


@dataclass(frozen=True)
class Sent:
    """A message the gateway took in: our id, and the ids it travelled with."""

    type: str
    id: str
    trace: str  # VECOZO's traceerId, or the Di01's referentienummer
    conversation: str


def _messages() -> dict[str, bytes]:
    stop = b.stop_product(einddatum="2026-03-20")
    built = {
        "JW315": b.jw315("ZHZ-315"),
        "JW301": b.jw301("ZHZ-301"),
        "JW305": b.jw305("ZHZ-305", dagtekening="2026-03-04"),
        "JW307": b.jw307("ZHZ-307", stops=[stop], dagtekening="2026-03-25"),
        "JW323": b.jw323("ZHZ-323", clients={b.BSN: [b.prestatie(volume=120)]}),
    }
    return {name: b.to_bytes(tree) for name, tree in built.items()}


def _published_valid(body: bytes) -> None:
    """The envelope (inside its SOAP Body) is valid by the published StUF-GGk schema."""
    root = etree.fromstring(body)
    if root.tag == f"{{{SOAP}}}Envelope":
        root = root.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
    schema = published_schema()
    assert schema.validate(root), schema.error_log


class Chain:
    """The two sides of the chain, and the gateway's worker between them."""

    def __init__(self, client: TestClient, gateway: Gateway, office: BackOffice) -> None:
        self.facade = Facade(client)
        self.client = client
        self.gateway = gateway
        self.store = gateway.store
        self.office = office

    def provider_pushes(self, type_: str, data: bytes) -> Sent:
        meta = metadata(PROVIDER, MUNICIPALITY, type_)
        assert self.facade.push(AGB, meta, data).status_code == 204
        refs = meta["referentiegegevens"]
        message_id = self.store.named("vecozo", refs["traceerId"])
        assert message_id is not None
        return self._accepted(Sent(type_, message_id, refs["traceerId"], refs["conversatieId"]))

    def municipality_sends(self, type_: str, data: bytes) -> tuple[Sent, codec.Received]:
        """A Di01 to the SOAP endpoint; the gateway answers at once with a Du01."""
        di01 = envelope(data, type_, GEMEENTE, AGB)
        reference = di01.routing.referentienummer
        headers = {**auth(GEMEENTE), "Content-Type": "text/xml"}
        response = self.client.post(STUF, content=codec.write(di01, True), headers=headers)
        assert response.status_code == 200, response.text
        _published_valid(response.content)
        answer = codec.read(response.content)
        assert answer.kind == "Du01" and answer.routing is not None
        assert answer.routing.cross_refnummer == reference
        assert answer.routing.functie == ANSWERS[type_]
        return self._accepted(Sent(type_, id_of(reference), reference, reference)), answer

    def _accepted(self, sent: Sent) -> Sent:
        message = self.store.message(sent.id)
        assert message is not None and message.type == sent.type
        assert message.accepted, message.verdict
        return sent

    def deliver(self) -> int:
        """One round of the gateway's own worker (it builds the stuf channel per party)."""
        worker = self.gateway.worker()
        try:
            return worker.run_once()
        finally:
            worker.close()

    def delivered_to_back_office(self, sent: Sent, data: bytes) -> None:
        """The message reached the back office as a Di01 that names it by our id."""
        assert self.deliver() == 1
        received = self.office.received[-1]
        _published_valid(self.office.bodies[-1])
        assert received.valid and received.envelope is not None
        assert received.envelope.kind == "Di01" and received.envelope.payload == data
        routing = received.envelope.routing
        assert routing.referentienummer == reference_of(sent.id) and routing.functie == sent.type
        assert (routing.zender.organisatie, routing.ontvanger.organisatie) == (AGB, GEMEENTE)
        assert routing.cross_refnummer is None
        assert self.store.delivery_state(sent.id) == "delivered"

    def provider_pulls(self, type_: str) -> tuple[dict[str, Any], bytes]:
        """The one message waiting for the provider: listed, fetched, checked, acknowledged."""
        (item,) = self.facade.ready(AGB)
        assert item["routeringgegevens"]["berichtstroom"]["berichtsubtype"] == type_
        assert item["routeringgegevens"]["afzender"] == {"rol": "Gemeente", "code": GEMEENTE}
        download = item["basisgegevens"]["payload"]
        body = self.facade.send(AGB, "GET", httpx.URL(download["url"]).path).content
        assert hashlib.sha256(body).hexdigest() == download["checksum"]["waarde"]
        assert len(body) == download["grootte"]
        trace = item["referentiegegevens"]["traceerId"]
        assert self.facade.send(AGB, "DELETE", f"{PULL}/{trace}").status_code == 202
        assert self.facade.ready(AGB) == []
        return item["referentiegegevens"], body

    def provider_pulls_answer(self, sent: Sent) -> str:
        """The gateway's return message to ``sent``, with VECOZO's answer links; its id."""
        refs, body = self.provider_pulls(ANSWERS[sent.type])
        assert refs["alsAntwoordOp"] == sent.trace
        assert refs["conversatieId"] == sent.conversation
        answer = self.store.message(id_of(refs["traceerId"]))
        assert answer is not None and answer.answers_id == sent.id
        assert answer.conversation_id == self.store.message(sent.id).conversation_id  # type: ignore[union-attr]
        assert self.store.raw(answer.id) == body
        assert "0001" not in retour_codes(body.decode())
        return answer.id


def _allocation(chain: Chain, data: bytes) -> Sent:
    """The JW301 from the back office: its JW302 back in the answer and once more as a Du01
    through the municipality's channel; the JW301 itself pulled by the provider."""
    allocation, du01 = chain.municipality_sends("JW301", data)
    assert du01.routing is not None and du01.envelope is not None
    assert chain.deliver() == 1  # the JW302 to the back office (the JW301 waits in a mailbox)
    delivered = chain.office.received[-1]
    _published_valid(chain.office.bodies[-1])
    assert delivered.envelope is not None and delivered.envelope.kind == "Du01"
    routing = delivered.envelope.routing
    assert routing.cross_refnummer == allocation.trace
    assert routing.referentienummer == du01.routing.referentienummer
    assert delivered.envelope.payload == du01.envelope.payload
    retour = chain.store.message(id_of(routing.referentienummer))
    assert retour is not None and retour.type == "JW302" and retour.answers_id == allocation.id
    refs, body = chain.provider_pulls("JW301")
    assert body == data and refs["traceerId"] == allocation.trace
    assert refs["conversatieId"] == allocation.conversation and "alsAntwoordOp" not in refs
    return allocation


def _conversation(chain: Chain) -> dict[str, Sent]:
    data = _messages()
    sent: dict[str, Sent] = {}
    for type_ in ("JW315", "JW301", "JW305", "JW307", "JW323"):
        if type_ == "JW301":
            sent[type_] = _allocation(chain, data[type_])
            continue
        sent[type_] = chain.provider_pushes(type_, data[type_])
        chain.delivered_to_back_office(sent[type_], data[type_])
        chain.provider_pulls_answer(sent[type_])
    return sent


@pytest.fixture
def pki(tmp_path: Path) -> tuple[Pki, Any]:
    require_specs()
    return make_pki(tmp_path)


def test_a_whole_conversation_over_vecozo_and_stuf_ggk(
    pki: tuple[Pki, Any], client: TestClient, gateway: Gateway, store: Store
) -> None:
    paths, ca = pki
    with back_office(ca, [bv03]) as office:
        tls = (("ca", str(paths.ca)), ("certificate", str(paths.client)), ("timeout", "5"))
        store.set_channel(GEMEENTE, "stuf", office.url, tls)
        chain = Chain(client, gateway, office)
        sent = _conversation(chain)
        _second_jw325_refused(chain, sent["JW323"], _messages()["JW323"])
    assert len(office.received) == 5  # 315, 302, 305, 307, 323: each once
    _trails(chain, sent)


def _second_jw325_refused(chain: Chain, declaration: Sent, data: bytes) -> None:
    """The gateway answered the JW323: a JW325 of the back office's own, in a Du01 that
    names the JW323, is refused with Fo01 CC11 (one JW325 per JW323) and stored nowhere."""
    du01 = envelope(
        answer_of(data), "JW325", GEMEENTE, AGB, kind="Du01", cross=reference_of(declaration.id)
    )
    headers = {**auth(GEMEENTE), "Content-Type": "text/xml"}
    response = chain.client.post(STUF, content=codec.write(du01, True), headers=headers)
    _published_valid(response.content)
    fault = codec.read(response.content).fault
    assert response.status_code == 409 and fault is not None and fault.code == "CC11"
    assert chain.store.message(id_of(du01.routing.referentienummer)) is None


def _trails(chain: Chain, sent: dict[str, Sent]) -> None:
    """Events, conversations and VECOZO statuses tell the same story."""
    for heen in sent.values():
        kinds = [e.kind for e in chain.store.events(heen.id)]
        assert kinds[:4] == ["received", "accepted", "retour_composed", "queued"], kinds
        assert kinds[-1] in {"delivered", "acknowledged"}, kinds
        conversation = chain.client.get(f"/v1/conversations/{heen.id}", headers=auth(AGB))
        messages = [m["message"] for m in conversation.json()["messages"]]
        assert messages == [heen.type, ANSWERS[heen.type]]
    request = sent["JW315"]
    assert chain.store.events(request.id)[-1].detail == f"to {GEMEENTE} by stuf: Bv03"
    history = chain.facade.send(AGB, "GET", STATUS, params={"traceerId": request.trace}).json()
    mine = [
        h["berichtstatus"] for h in history if h["referentiegegevens"]["traceerId"] == request.trace
    ]
    assert mine == ["Ontvangen", "VerwerkingVoltooid", "WordtAangeboden", "Bezorgd"]
