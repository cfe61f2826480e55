"""The gateway as a VECOZO participant against a loopback stub over mutual TLS: push by the
delivery channel, pull with the SHA-256 check, acknowledge, search and status, and every
fault the exchange can answer. The stub judges every request by the published specs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from ijw_gateway.delivery import GiveUp, Parcel, RetryLater
from ijw_gateway.vecozo.channel import VecozoChannel
from ijw_gateway.vecozo.client import Connection, VecozoClient
from ijw_gateway.vecozo.model import ZoekpadOpAlsAntwoordOp, ZoekpadOpConversatieId
from ijw_gateway.wire import WireRefs, wire_id
from tests.support.vecozo_stub import Certificates, Stub, metadata

GEMEENTE, AGB = "0505", "12345678"
PAYLOAD = b"<?xml version='1.0'?><Bericht/>"


def _parcel(**changes: object) -> Parcel:
    values: dict[str, object] = {
        "message_id": uuid.uuid4().hex,
        "endpoint": "",
        "raw": PAYLOAD,
        "type": "JW301",
        "sender": GEMEENTE,
        "trace_id": "t",
        "receiver": AGB,
    }
    values["conversation_id"] = values["message_id"]
    values.update(changes)
    return Parcel(**values)  # type: ignore[arg-type]


_OPEN: list[VecozoChannel] = []


def _channel(connection: Connection) -> VecozoChannel:
    channel = VecozoChannel(connection, timeout=0.5, tries=3, max_seconds=5.0)
    _OPEN.append(channel)
    return channel


@pytest.fixture(autouse=True)
def _close_channels() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def test_a_push_carries_the_metadata_and_the_exact_bytes(
    stub: Stub, connection: Connection
) -> None:
    parcel = _parcel()
    attempt = _channel(connection).send(parcel)
    assert attempt.delivered and attempt.detail == "HTTP 204"
    (pushed,) = stub.pushed
    assert pushed.payload == PAYLOAD
    route, refs = pushed.metadata["routeringgegevens"], pushed.metadata["referentiegegevens"]
    assert route["afzender"] == {"rol": "Gemeente", "code": GEMEENTE}
    assert route["geadresseerden"] == [{"rol": "Instelling", "code": AGB}]
    assert route["berichtstroom"]["berichtsubtype"] == "JW301"
    assert refs == {"traceerId": wire_id(parcel.message_id), "conversatieId": refs["traceerId"]}
    assert stub.peers[0] and "ijw-gateway-test-client" in stub.peers[0]


def test_an_answer_quotes_the_exchanges_ids_of_its_conversation_and_original(
    stub: Stub, connection: Connection
) -> None:
    theirs, conversation = str(uuid.uuid4()), str(uuid.uuid4())
    ours = uuid.uuid4().hex
    parcel = _parcel(
        type="JW302",
        sender=AGB,
        receiver=GEMEENTE,
        answers_id=ours,
        refs=WireRefs(None, conversation, theirs),
    )
    assert _channel(connection).send(parcel).delivered
    refs = stub.pushed[0].metadata["referentiegegevens"]
    assert (refs["alsAntwoordOp"], refs["conversatieId"]) == (theirs, conversation)
    assert _channel(connection).send(_parcel(answers_id=ours)).delivered
    assert stub.pushed[1].metadata["referentiegegevens"]["alsAntwoordOp"] == wire_id(ours)


@pytest.mark.parametrize("status", [400, 422])
def test_a_refusal_is_not_retried_and_says_what_vecozo_named(
    stub: Stub, connection: Connection, status: int
) -> None:
    stub.fail("push", status)
    attempt = _channel(connection).send(_parcel())
    assert not attempt.delivered and not attempt.retryable
    assert attempt.detail.startswith(f"HTTP {status}") and "routeringgegevens" in attempt.detail
    pushes = [r for r in stub.requests if r[0] == "POST"]
    assert len(pushes) == 1 and stub.pushed == []  # one push; after a 422 a status question


def test_a_repeated_push_vecozo_already_has_counts_as_delivered(
    stub: Stub, connection: Connection
) -> None:
    """A worker killed after VECOZO took a push but before it recorded the 204 pushes it
    again; VECOZO refuses the known traceerId (422), and its status says it has it."""
    parcel = _parcel()
    assert _channel(connection).send(parcel).delivered
    again = _channel(connection).send(parcel)
    assert again.delivered and "already" in again.detail
    assert len(stub.pushed) == 1


@pytest.mark.parametrize("fault", [500, 502, 503, "timeout"])
def test_server_errors_and_timeouts_are_retried(
    stub: Stub, connection: Connection, fault: int | str
) -> None:
    stub.fail("push", fault, fault, fault)
    attempt = _channel(connection).send(_parcel())
    assert not attempt.delivered and attempt.retryable
    stub.fail("push", fault)
    assert _channel(connection).send(_parcel()).delivered  # the next quick try passes


def test_a_client_without_a_certificate_fails_tls_and_retries_later(
    stub: Stub, certs: Certificates
) -> None:
    anonymous = Connection(stub.base_url, ca=Path(certs.ca_file), timeout=1.0)
    attempt = _channel(anonymous).send(_parcel())
    assert not attempt.delivered and attempt.retryable and "TLS" in attempt.detail
    assert stub.pushed == []


def test_a_server_of_another_ca_is_not_trusted(
    stub: Stub, certs: Certificates, tmp_path: Path
) -> None:
    other = trustme.CA()
    other.cert_pem.write_to_path(str(tmp_path / "other.pem"))
    wrong = Connection(
        stub.base_url, Path(certs.client_file), ca=tmp_path / "other.pem", timeout=1.0
    )
    attempt = _channel(wrong).send(_parcel())
    assert not attempt.delivered and attempt.retryable and "TLS" in attempt.detail
    assert stub.requests == []


# -- pull -------------------------------------------------------------------------------------


def _ready(stub: Stub, n: int) -> list[str]:
    return [
        stub.add(
            metadata(("Instelling", AGB), ("Gemeente", GEMEENTE), "JW315"), b"<m%d/>" % i
        ).trace
        for i in range(n)
    ]


def test_pull_lists_fetches_checks_and_acknowledges(stub: Stub, connection: Connection) -> None:
    traces = _ready(stub, 3)
    client = VecozoClient(connection)
    ready = client.ready(limit=2)
    assert [str(r.referentiegegevens.traceerId) for r in ready] == traces[:2]
    assert client.payload(ready[0]) == b"<m0/>"
    assert client.acknowledge(ready[0].referentiegegevens.traceerId) is True
    assert client.acknowledge(ready[0].referentiegegevens.traceerId) is False  # 404: done
    assert stub.acknowledged == traces[:1]
    assert [str(r.referentiegegevens.traceerId) for r in client.ready()] == traces[1:]
    client.close()


def test_a_payload_that_is_not_what_its_listing_says_is_refused(
    stub: Stub, connection: Connection
) -> None:
    _ready(stub, 1)
    client = VecozoClient(connection)
    (item,) = client.ready()
    stub.fail("payload", "checksum")
    with pytest.raises(RetryLater, match="SHA-256"):
        client.payload(item)
    longer = item.model_copy(
        update={"basisgegevens": item.basisgegevens.model_copy(
            update={"payload": item.basisgegevens.payload.model_copy(update={"grootte": 4})}
        )}
    )  # fmt: skip
    with pytest.raises(RetryLater, match="bytes"):
        client.payload(longer)
    assert client.payload(item) == b"<m0/>"
    client.close()


@pytest.mark.parametrize("fault", [400, 500, "timeout"])
def test_list_faults_surface_as_retry_or_give_up(
    stub: Stub, connection: Connection, fault: int | str
) -> None:
    stub.fail("list", fault)
    client = VecozoClient(connection)
    with pytest.raises(GiveUp if fault == 400 else RetryLater):
        client.ready()
    client.close()


def test_search_by_conversation_and_by_the_answered_message(
    stub: Stub, connection: Connection
) -> None:
    original = str(uuid.uuid4())
    answer = metadata(("Gemeente", GEMEENTE), ("Instelling", AGB), "JW316", answers=original)
    stub.add(answer, b"<a/>")
    _ready(stub, 2)
    client = VecozoClient(connection)
    found = client.ready(search=ZoekpadOpAlsAntwoordOp.model_validate(
        {"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": original}
    ))  # fmt: skip
    assert [str(f.referentiegegevens.alsAntwoordOp) for f in found] == [original]
    conversation = answer["referentiegegevens"]["conversatieId"]
    found = client.ready(search=ZoekpadOpConversatieId.model_validate(
        {"zoekpadType": "ZoekpadOpConversatieId", "conversatieId": conversation}
    ))  # fmt: skip
    assert len(found) == 1
    client.close()


def test_status_of_a_pushed_message(stub: Stub, connection: Connection) -> None:
    parcel = _parcel()
    assert _channel(connection).send(parcel).delivered
    client = VecozoClient(connection)
    (status,) = client.statuses(traceer_id=uuid.UUID(parcel.message_id))
    assert status.berichtstatus == "Ontvangen"
    assert client.statuses(conversatie_id=uuid.uuid4()) == []
    client.close()


def test_an_answer_the_spec_does_not_allow_is_given_up(
    stub: Stub, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(stub, 1)
    stub.ready[0].metadata["onbekend"] = True
    stub.judge = False  # the stub itself breaks the spec here
    client = VecozoClient(connection)
    with pytest.raises(GiveUp, match="does not allow"):
        client.ready()
    client.close()
    assert json.loads(json.dumps(stub.ready[0].metadata))["onbekend"] is True
