"""The envelope codec: the published samples read correctly, what we write is what the
exchange accepts (checked with the published schemas), and hostile input is a finding."""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace
from typing import Any

import pytest
from lxml import etree

from ijw_gateway.errors import UsageError
from ijw_gateway.fixtures import builders as b
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.answers import NO_REFERENCE, du01_for, fault_for, receipt_for
from ijw_gateway.stuf.model import (
    SOAP,
    Envelope,
    Fault,
    Receipt,
    application_versions,
    id_of,
    is_uuid4,
    reference_of,
    tijdstip,
    versions_of,
)
from tests.support.stuf_support import AGB, GEMEENTE, NOW, envelope, jw301_envelope


def _reference_valid(schema: etree.XMLSchema, data: bytes) -> bool:
    root = etree.fromstring(data)
    if root.tag == f"{{{SOAP}}}Envelope":
        root = root.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
    return bool(schema.validate(root)) or pytest.fail(str(schema.error_log))


def test_the_published_samples_are_read_field_by_field(stuf_samples: dict[str, bytes]) -> None:
    di01 = codec.read(stuf_samples["envelopHeenbericht-ggk_Di01_v21-xml.xml"])
    assert di01.valid and di01.kind == "Di01" and not di01.soap and di01.envelope is not None
    routing = di01.envelope.routing
    assert (routing.zender.organisatie, routing.zender.applicatie) == ("0548", "Wmo Applicatie")
    assert (routing.ontvanger.organisatie, routing.ontvanger.applicatie) == ("01023456", "GGk")
    assert routing.referentienummer == "9c0f7b90-5c69-41e5-a837-0800200c9a66"
    assert (routing.tijdstip, routing.functie, routing.cross_refnummer) == (
        "20160421132514",
        "WMO301",
        None,
    )
    assert di01.versions == ("0004", "0003", "0002", "0002")
    assert di01.envelope.payload == b"Hier staat een iWmo/iJw-heenbericht."
    text = codec.read(stuf_samples["envelopHeenbericht-ggk_Di01_v21-tekst.xml"]).envelope
    assert text is not None and text.bestandsnaam == "AanleveringQ1.csv"
    du01 = codec.read(stuf_samples["soap-envelope-du01.xml"])
    assert du01.soap and du01.kind == "Du01" and du01.envelope is not None
    assert du01.envelope.routing.cross_refnummer == routing.referentienummer
    fo01 = codec.read(stuf_samples["Fo01.xml"])
    assert fo01.kind == "Fo01" and fo01.fault is not None
    assert (fo01.fault.code, fo01.fault.plek, fo01.fault.details) == (
        "IB210",
        "client",
        "JW315-00010004",
    )
    soap_di01 = codec.read(stuf_samples["soap-envelope-di01.xml"])
    assert soap_di01.payload is not None and b"<wmo301:Bericht" in soap_di01.payload


def test_every_sample_is_valid_bare_and_in_soap(stuf_samples: dict[str, bytes]) -> None:
    for name, data in stuf_samples.items():
        received = codec.read(data)
        assert received.valid, (name, received.findings)
        assert received.soap == name.startswith("soap-")


@pytest.mark.parametrize("soap", [False, True])
def test_what_we_write_passes_the_published_schemas_and_reads_back(
    reference_schema: etree.XMLSchema, soap: bool
) -> None:
    di01 = jw301_envelope()
    data = codec.write(di01, soap)
    assert _reference_valid(reference_schema, data)
    assert not data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8")
    received = codec.read(data)
    assert received.valid and received.soap == soap and received.envelope == di01
    answers: list[Envelope | Fault | Receipt] = [
        fault_for(received, "StUF055", NOW, "line 3"),
        receipt_for(received, NOW),
        du01_for(received, b"<x/>", "JW302", NOW, AGB, str(uuid.uuid4())),
    ]
    for answer in answers:
        written = codec.write(answer, soap)
        assert _reference_valid(reference_schema, written)
        assert codec.read(written).routing.cross_refnummer == di01.routing.referentienummer  # type: ignore[union-attr]


def test_a_du01_names_the_di01_it_answers_and_travels_back() -> None:
    received = codec.read(codec.write(jw301_envelope()))
    reference = str(uuid.uuid4())
    du01 = du01_for(received, b"<x/>", "JW302", NOW, AGB, reference)
    assert du01.kind == "Du01" and du01.routing.referentienummer == reference
    assert du01.routing.cross_refnummer == received.routing.referentienummer  # type: ignore[union-attr]
    assert (du01.routing.zender.organisatie, du01.routing.ontvanger.organisatie) == (AGB, GEMEENTE)
    assert (du01.functie_versie, du01.functie_subversie) == ("0003", "0002")
    assert (du01.applicatie_versie, du01.applicatie_subversie) == application_versions()


def test_answers_to_a_broken_envelope_are_still_valid(reference_schema: etree.XMLSchema) -> None:
    """What a sender wrote is repeated only where it fits: an answer to garbage is valid."""
    long = "x" * 300
    di01 = jw301_envelope()
    routing = replace(
        di01.routing,
        referentienummer="not-a-uuid-" + "9" * 40,
        zender=replace(di01.routing.zender, organisatie=long),
    )
    received = codec.Received("Di01", False, (), routing, versions=("1", "2", "3", "4"))
    fault = fault_for(received, "IB009", NOW, "y" * 400)
    assert (
        fault.routing.cross_refnummer == NO_REFERENCE
        and fault.routing.ontvanger.organisatie is None
    )
    assert len(fault.omschrijving) == 200
    assert _reference_valid(reference_schema, codec.write(fault))
    nothing = fault_for(codec.read(b"not xml"), "RIN001", NOW)
    assert _reference_valid(reference_schema, codec.write(nothing))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"referentienummer": "9c0f7b90-5c69-11e5-a837-0800200c9a66"}, "version 4"),
        ({"referentienummer": "9C0F7B90-5C69-41E5-A837-0800200C9A66"}, "version 4"),
        ({"functie": ""}, "functie"),
    ],
)
def test_the_writer_refuses_what_the_exchange_would(change: dict[str, Any], why: str) -> None:
    di01 = jw301_envelope()
    with pytest.raises(UsageError, match=why):
        codec.write(replace(di01, routing=replace(di01.routing, **change)))


def test_a_du01_without_its_di01_reference_is_not_written() -> None:
    du01 = envelope(b"<x/>", "JW302", AGB, GEMEENTE, kind="Du01")
    with pytest.raises(UsageError, match="Di01"):
        codec.write(du01)
    with pytest.raises(UsageError, match="four digits"):
        codec.write(replace(jw301_envelope(), functie_versie="3"))


def test_ids_and_references_are_one_number_in_two_spellings() -> None:
    message_id = uuid.uuid4().hex
    assert is_uuid4(reference_of(message_id)) and id_of(reference_of(message_id)) == message_id
    assert versions_of("3.2") == ("0003", "0002") and application_versions("1.4.2") == (
        "0104",
        "0002",
    )
    assert tijdstip(NOW) == "20260302113000000"  # Dutch winter time is UTC+1


def _finding_codes(data: bytes) -> list[str | None]:
    return [f.rule for f in codec.read(data).findings]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "RIN001"),
        (b"not xml at all", "RIN001"),
        (b"\xef\xbb\xbf<a/>", "RIN001"),
        (b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "RIN001"),
        (b"<a>" * 40 + b"</a>" * 40, "RIN001"),
        (b"<Bericht xmlns='http://www.istandaarden.nl/ijw/3_2/jw301/schema'/>", "RIN001"),
        (f"<s:Envelope xmlns:s='{SOAP}'/>".encode(), "RIN001"),
        (f"<s:Envelope xmlns:s='{SOAP}'><s:Body/></s:Envelope>".encode(), "RIN001"),
        (f"<s:Envelope xmlns:s='{SOAP}'><s:Body><a/><b/></s:Body></s:Envelope>".encode(), "RIN001"),
        (
            f"<s:Envelope xmlns:s='{SOAP}'><s:Header><h s:mustUnderstand='1'/></s:Header>"
            "<s:Body><a/></s:Body></s:Envelope>".encode(),
            "RIN001",
        ),
    ],
)
def test_hostile_or_foreign_input_is_a_finding(data: bytes, code: str) -> None:
    received = codec.read(data)
    assert not received.valid and received.code == code and received.envelope is None


def test_bad_reference_numbers_answer_ib009_and_other_faults_rin001() -> None:
    data = codec.write(jw301_envelope())
    reference = codec.read(data).routing.referentienummer  # type: ignore[union-attr]
    assert _finding_codes(data.replace(reference.encode(), reference.upper().encode())) == ["IB009"]
    broken = data.replace(b"<StUF:functie>", b"<StUF:functie>" + b"x" * 40)
    assert _finding_codes(broken) == ["RIN001"]


def test_an_oversized_envelope_answers_ib007_before_it_is_parsed() -> None:
    received = codec.read(b"<" + b"x" * codec.MAX_ENVELOPE)
    assert received.code == "IB007" and "25 MB" in received.findings[0].text


def test_a_payload_of_18_mb_in_one_text_node_is_read() -> None:
    """libxml2 refuses text nodes over 10 MB unless told otherwise; a 25 MB envelope holds
    one of up to 19 MB (base64 adds a third)."""
    payload = b.to_bytes(b.jw301()) + b"<!--" + b"p" * (18 * 2**20) + b"-->"
    received = codec.read(codec.write(replace(jw301_envelope(), payload=payload)))
    assert received.valid and received.payload == payload


def test_schema_findings_never_repeat_the_value() -> None:
    data = codec.write(jw301_envelope())
    secret = base64.b64encode(b"999990019 Jansen").decode()
    broken = data.replace(
        b"<StUF:applicatie>ijw-gateway<", f"<StUF:applicatie>{secret * 3}<".encode()
    )
    received = codec.read(broken)
    assert received.code == "RIN001"
    assert all(secret not in f.text for f in received.findings)
