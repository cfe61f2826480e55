"""JW325 Declaratie-antwoord in all five shapes of IV087, with totals that obey TR342."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject, to_json
from ijw_gateway.schemas import SchemaRegistry
from tests.support.retour_support import (
    DAY,
    answer,
    assert_valid,
    children,
    codes_of,
    finding,
    only,
)

BSN_A, BSN_B = b.synthetic_bsn(0), b.synthetic_bsn(1)
CLIENT = "/Bericht/Declaratie/Clienten/Client"


def _declaration() -> JsonObject:
    """Two clients; the first has a debit and a credit, the second one debit. Total 450.00."""
    return b.jw323(
        clients={
            BSN_A: [
                b.prestatie("P-1"),  # 240 × 1.50 = 360.00 D
                b.prestatie("P-2", volume=60, debet_credit="C", vorig_referentie="P-OLD"),
            ],
            BSN_B: [b.prestatie("P-3", nummer=1002, volume=120)],  # 180.00 D
        }
    )


def _prestatie(client: int, prestatie: int) -> str:
    return f"{CLIENT}[{client}]/Prestaties/Prestatie[{prestatie}]"


@pytest.fixture(scope="module")
def registries(
    registry: SchemaRegistry, official_registry: SchemaRegistry
) -> tuple[SchemaRegistry, ...]:
    return registry, official_registry


def _signed(element: etree._Element) -> int:
    amount = int(element[0].text or "0")
    return -amount if element[1].text == "C" else amount


def assert_tr342(root: etree._Element) -> None:
    """Σ signed refused Prestaties = signed claimed − signed granted; zeros are debit."""
    antwoord = only(root, "*:DeclaratieAntwoord")
    claimed = _signed(only(antwoord, "*:TotaalIngediendBedrag"))
    granted = _signed(only(antwoord, "*:TotaalToegekendBedrag"))
    refused = sum(_signed(only(p, "*:IngediendBedrag")) for p in root.iter("{*}Prestatie"))
    assert refused == claimed - granted
    for amount in root.iter("{*}TotaalToegekendBedrag", "{*}TotaalIngediendBedrag"):
        if amount[0].text == "0":
            assert amount[1].text == "D"


def _granted(root: etree._Element) -> int:
    return _signed(only(root, "*:DeclaratieAntwoord/*:TotaalToegekendBedrag"))


def test_fully_granted(registries: tuple[SchemaRegistry, ...]) -> None:
    declaration = _declaration()
    result = answer(declaration, ident="ANT-1")
    root = assert_valid(result, registries)
    assert result.message == "JW325" and result.accepted
    assert codes_of(only(root, "*:Header")) == ["0200"]
    assert codes_of(only(root, "*:DeclaratieAntwoord")) == ["8001"]
    assert _granted(root) == 45000 and not root.findall(".//{*}Clienten")
    assert_tr342(root)


def test_the_jw325_header_is_the_municipalitys_own(registries: tuple[SchemaRegistry, ...]) -> None:
    declaration = _declaration()
    header = to_json(assert_valid(answer(declaration, ident="ANT-1"), registries))["Header"]
    heen = declaration["Header"]
    assert isinstance(header, dict) and isinstance(heen, dict)
    assert header["Afzender"] == heen["Ontvanger"] == b.GEMEENTE
    assert header["Ontvanger"] == heen["Afzender"] == b.AGB
    assert header["BerichtIdentificatie"] == {"Identificatie": "ANT-1", "Dagtekening": "2026-03-03"}
    assert header["DeclaratieIdentificatie"] == heen["BerichtIdentificatie"]
    assert header["XsdVersieDeclaratie"] == heen["XsdVersie"]
    assert header["BerichtCode"] == "491" and "XsltVersie" not in header


def test_a_within_message_fault_gives_the_header_alone_with_0001(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [finding(_prestatie(1, 1), "0001", level="message"), finding(_prestatie(2, 1), "9340")]
    root = assert_valid(answer(_declaration(), found), registries)
    assert codes_of(only(root, "*:Header")) == ["0001"] and len(root) == 1


def test_a_header_fault_gives_the_header_alone_with_its_code(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [
        finding("/Bericht/Header/BerichtIdentificatie", "8848", level="contract"),
        finding(_prestatie(2, 1), "9340"),
    ]
    root = assert_valid(answer(_declaration(), found), registries)
    assert codes_of(only(root, "*:Header")) == ["8848"] and len(root) == 1


def test_a_fault_in_the_declaration_refuses_all_of_it(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [
        finding("/Bericht/Declaratie/DeclaratieNummer", "9333"),
        finding(_prestatie(2, 1), "9340"),
    ]
    root = assert_valid(answer(_declaration(), found), registries)
    assert codes_of(only(root, "*:Header")) == ["0200"]
    antwoord = only(root, "*:DeclaratieAntwoord")
    assert codes_of(antwoord) == ["9333"] and children(antwoord, "Clienten") == []
    assert _granted(root) == 0
    assert only(antwoord, "*:DeclaratieNummer").text == "DECL0001"
    assert _signed(only(antwoord, "*:TotaalIngediendBedrag")) == 45000


def test_a_refused_prestatie_comes_back_under_its_client(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [
        finding(_prestatie(2, 1) + "/ProductCode", "9340"),
        finding(_prestatie(2, 1) + "/Eenheid", "9341"),
    ]
    root = assert_valid(answer(_declaration(), found), registries)
    assert codes_of(only(root, "*:Header")) == ["0200"]
    assert codes_of(only(root, "*:DeclaratieAntwoord")) == ["0200"]
    (client,) = root.iter("{*}Client")
    assert only(client, "*:Bsn").text == BSN_B and codes_of(client) == ["0200"]
    assert [codes_of(p) for p in client.iter("{*}Prestatie")] == [["9340", "9341"]]
    assert _granted(root) == 27000
    assert_tr342(root)


def test_a_refused_credit_raises_the_granted_total(registries: tuple[SchemaRegistry, ...]) -> None:
    root = assert_valid(answer(_declaration(), [finding(_prestatie(1, 2), "8017")]), registries)
    (prestatie,) = root.iter("{*}Prestatie")
    assert only(prestatie, "*:IngediendBedrag/*:DebetCredit").text == "C"
    assert _granted(root) == 54000
    assert_tr342(root)


def test_a_refused_client_returns_all_its_prestaties_unassessed(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [finding(f"{CLIENT}[1]/Bsn", "8187"), finding(_prestatie(2, 1), "9307")]
    root = assert_valid(answer(_declaration(), found), registries)
    first, second = root.iter("{*}Client")
    assert codes_of(first) == ["8187"]
    assert [codes_of(p) for p in first.iter("{*}Prestatie")] == [["0233"], ["0233"]]
    assert codes_of(second) == ["0200"]
    assert [codes_of(p) for p in second.iter("{*}Prestatie")] == [["9307"]]
    assert _granted(root) == 0
    assert only(root, "*:DeclaratieAntwoord/*:TotaalToegekendBedrag/*:DebetCredit").text == "D"
    assert_tr342(root)


def test_a_prestatie_of_a_refused_client_keeps_its_own_code(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    found = [finding(f"{CLIENT}[1]", "8187"), finding(_prestatie(1, 2), "9390")]
    root = assert_valid(answer(_declaration(), found), registries)
    first = next(root.iter("{*}Client"))
    assert [codes_of(p) for p in first.iter("{*}Prestatie")] == [["0233"], ["9390"]]


def test_a_credit_declaration_can_end_with_a_credit_grant(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    declaration = b.jw323(
        clients={
            BSN_A: [
                b.prestatie("P-1", volume=10, tarief=1000),  # 100.00 D
                b.prestatie("P-2", volume=30, tarief=1000, debet_credit="C", vorig_referentie="X"),
            ]
        }
    )
    root = assert_valid(answer(declaration, [finding(_prestatie(1, 1), "9308")]), registries)
    antwoord = only(root, "*:DeclaratieAntwoord")
    assert only(antwoord, "*:TotaalIngediendBedrag/*:DebetCredit").text == "C"
    assert _granted(root) == -30000
    assert only(antwoord, "*:TotaalToegekendBedrag/*:DebetCredit").text == "C"
    assert_tr342(root)


def test_agrees_with_the_fixture_suites_independent_builder() -> None:
    """Two engineers, one reading of IV087: the fixture builder gives the same JW325."""
    builder = getattr(b, "jw325", None)
    if builder is None:
        pytest.skip("the fixture suite's JW325 builder is not there")
    declaration = _declaration()
    ours = answer(declaration, [finding(_prestatie(2, 1), "9340")], ident="T325-1")
    theirs = builder(declaration, "T325-1", dagtekening=DAY.isoformat(), rejected={"P-3": ["9340"]})
    assert to_json(ours.element()) == theirs


_amounts = st.tuples(st.integers(0, 99_999), st.sampled_from("DC"))


@st.composite
def _claims(draw: st.DrawFn) -> tuple[JsonObject, list[str]]:
    """A random declaration and random level-3 faults on its clients and Prestaties."""
    clients: dict[str, list[JsonObject]] = {}
    paths: list[str] = []
    for i in range(draw(st.integers(1, 3))):
        rows = []
        for j in range(draw(st.integers(1, 3))):
            amount, dc = draw(_amounts)
            dc = "D" if amount == 0 else dc
            rows.append(
                b.prestatie(
                    f"P{i}-{j}",
                    volume=amount,
                    eenheid="83",
                    tarief=None,
                    debet_credit=dc,
                    vorig_referentie="V" if dc == "C" else None,
                )
            )
            if draw(st.booleans()):
                paths.append(_prestatie(i + 1, j + 1))
        clients[b.synthetic_bsn(i)] = rows
        if draw(st.integers(0, 4)) == 0:
            paths.append(f"{CLIENT}[{i + 1}]")
    return b.jw323(clients=clients), paths


@settings(max_examples=60, deadline=None)
@given(_claims())
def test_any_mix_of_faults_gives_a_valid_answer_with_consistent_totals(
    registries: tuple[SchemaRegistry, ...], claim: tuple[JsonObject, list[str]]
) -> None:
    declaration, paths = claim
    root = assert_valid(answer(declaration, [finding(p, "9307") for p in paths]), registries)
    assert_tr342(root)
    returned = {only(c, "*:Bsn").text for c in root.iter("{*}Client")}
    faulty = {b.synthetic_bsn(int(p.split("Client[")[1][0]) - 1) for p in paths}
    assert returned == faulty
    if not paths:
        assert codes_of(only(root, "*:DeclaratieAntwoord")) == ["8001"]
