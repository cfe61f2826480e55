"""Retours JW302/306/308/316/318/320 in every shape IV028 knows, valid under both schemas."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue, to_json
from ijw_gateway.retour import DEFAULT_XSD_VERSIE, compose
from ijw_gateway.schemas import SchemaRegistry
from tests.support.retour_support import (
    DAY,
    answer,
    assert_valid,
    at,
    children,
    codes_of,
    finding,
    only,
)


def _rich_301() -> JsonObject:
    """A JW301 that uses every class of the retour: relations with contacts, two products."""
    model = b.jw301(
        products=[
            b.toegewezen_product(1001),
            b.toegewezen_product(1002, ingangsdatum="2027-01-01", einddatum="2027-06-30"),
        ]
    )
    client = model["Client"]
    assert isinstance(client, dict)
    relatie: JsonObject = {
        "Nummer": "REL-1",
        "Soort": "03",
        "Naam": {"Geslachtsnaam": {"Achternaam": "Ouder"}, "NaamGebruik": "1"},
        "Contact": b.contact("02"),
    }
    rich: JsonObject = {}
    for key, value in client.items():  # keep the catalogue's order readable
        if key == "Contactgegevens":
            rich["Relaties"] = {"Relatie": [relatie, dict(relatie, Nummer="REL-2")]}
        rich[key] = value
    model["Client"] = rich
    return model


# heen type -> (a model using all its classes, the path of one deeper class in it)
CASES: dict[str, tuple[Callable[[], JsonObject], str]] = {
    "JW301": (_rich_301, "Client/ToegewezenProducten/ToegewezenProduct[2]"),
    "JW305": (
        lambda: b.jw305(starts=[b.start_product(1001), b.start_product(1002)]),
        "Client/StartProducten/StartProduct[2]",
    ),
    "JW307": (
        lambda: b.jw307(stops=[b.stop_product(1001), b.stop_product(1002)]),
        "Client/StopProducten/StopProduct[1]",
    ),
    "JW315": (
        lambda: b.jw315(products=[b.aangevraagd_product("A-1"), b.aangevraagd_product("A-2")]),
        "Client/AangevraagdeProducten/AangevraagdProduct[2]",
    ),
    "JW317": (
        lambda: b.jw317(
            ongewijzigd=[1001],
            te_wijzigen=[{"ToewijzingNummer": "1002", "GewensteIngangsdatum": "2026-05-01"}],
            nieuw=[
                {
                    "Product": b.product("45", "45A02"),
                    "GewensteIngangsdatum": "2026-05-01",
                    "Einddatum": "2026-12-31",
                    "Omvang": b.omvang(2, "04", "2"),
                }
            ],
        ),
        "Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct",
    ),
    "JW319": (
        lambda: b.jw319(antwoord="1", reden="8", woonplaats_gemeente="0599"),
        "Antwoord/Woonplaatsbeginsel",
    ),
}
HEEN = sorted(CASES)


@pytest.fixture
def registries(
    registry: SchemaRegistry, official_registry: SchemaRegistry
) -> tuple[SchemaRegistry, ...]:
    return registry, official_registry


def _without_codes(value: JsonValue) -> JsonValue:
    if isinstance(value, dict):
        return {k: _without_codes(v) for k, v in value.items() if k != "RetourCodes"}
    if isinstance(value, list):
        return [_without_codes(v) for v in value]
    return value


def _body_name(heen: str) -> str:
    return MESSAGES[heen].classes["Root"][1].name


@pytest.mark.parametrize("heen", HEEN)
def test_nothing_wrong_gives_a_bare_header(
    heen: str, registries: tuple[SchemaRegistry, ...]
) -> None:
    model = CASES[heen][0]()
    result = answer(model, ident="RET-00000001")
    root = assert_valid(result, registries)
    header = only(root, "*:Header")
    assert result.message == b.RETOUR_OF[heen] and result.answers == heen
    assert codes_of(header) == [] and len(root) == 1 and result.accepted
    original = model["Header"]
    assert isinstance(original, dict)
    copied = to_json(root)["Header"]
    assert isinstance(copied, dict)
    assert copied == {
        **original,
        "BerichtCode": MESSAGES[result.message].berichtcode,
        "IdentificatieRetour": "RET-00000001",
        "DagtekeningRetour": DAY.isoformat(),
        "XsdVersieRetour": dict(DEFAULT_XSD_VERSIE),
    }


@pytest.mark.parametrize("heen", HEEN)
def test_a_within_message_fault_gives_the_header_with_0001(
    heen: str, registries: tuple[SchemaRegistry, ...]
) -> None:
    model = CASES[heen][0]()
    deep = "/Bericht/" + CASES[heen][1] + "/Whatever"
    result = answer(model, [finding(deep, "0001", level="message"), finding(deep, "9999")])
    root = assert_valid(result, registries)
    assert codes_of(only(root, "*:Header")) == ["0001"] and len(root) == 1
    assert children(only(root, "*:Header"), "XsltVersie") == [] and not result.accepted


@pytest.mark.parametrize("heen", HEEN)
def test_a_class_fault_copies_the_client_with_every_class_coded(
    heen: str, registries: tuple[SchemaRegistry, ...]
) -> None:
    model, deep = CASES[heen]
    original = model()
    result = answer(original, [finding(f"/Bericht/{deep}/Begindatum", "9019")])
    root = assert_valid(result, registries)
    assert codes_of(only(root, "*:Header")) == ["0200"]
    body = _body_name(heen)
    copied = to_json(root)[body]
    assert _without_codes(copied) == original[body]  # all classes, unchanged
    faulty = at(root, deep)
    assert codes_of(faulty) == ["9019"]
    others = [e for e in root.iter() if e is not faulty and children(e, "RetourCodes")]
    assert all(codes_of(e) == ["0200"] for e in others), [codes_of(e) for e in others]
    assert not result.accepted


@pytest.mark.parametrize("heen", HEEN)
def test_a_header_fault_gives_the_header_alone_with_its_codes(
    heen: str, registries: tuple[SchemaRegistry, ...]
) -> None:
    deep = "/Bericht/" + CASES[heen][1]
    findings = [
        finding("/Bericht/Header/BerichtIdentificatie/Identificatie", "9056"),
        finding(deep, "9019"),
        finding("/Bericht/Header/Afzender", "S300", level="contract"),
    ]
    result = answer(CASES[heen][0](), findings)
    root = assert_valid(result, registries)
    assert codes_of(only(root, "*:Header")) == ["9056", "S300"] and len(root) == 1


def test_several_codes_and_several_faulty_classes(registries: tuple[SchemaRegistry, ...]) -> None:
    tp = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
    findings = [
        finding(f"{tp}[1]/ToewijzingNummer", "9332"),
        finding(f"{tp}[1]/ReferentieAanbieder", "9379"),
        finding(f"{tp}[2]", "9385"),
        finding("/Bericht/Client/Relaties/Relatie[2]/Contact/Adres", "S300"),
    ]
    root = assert_valid(answer(_rich_301(), findings), registries)
    products = root.findall("{*}Client/{*}ToegewezenProducten/{*}ToegewezenProduct")
    assert [codes_of(p) for p in products] == [["9332", "9379"], ["9385"]]
    relations = root.findall("{*}Client/{*}Relaties/{*}Relatie")
    assert [codes_of(r) for r in relations] == [["0200"], ["0200"]]
    assert [codes_of(only(r, "*:Contact")) for r in relations] == [["0200"], ["S300"]]
    assert codes_of(only(root, "*:Client")) == ["0200"]


def test_a_fault_on_the_client_itself(registries: tuple[SchemaRegistry, ...]) -> None:
    root = assert_valid(
        answer(
            b.jw317(
                ongewijzigd=[1001],
                nieuw=[
                    {
                        "Product": b.product("45", "45A02"),
                        "GewensteIngangsdatum": "2026-05-01",
                        "Einddatum": "2026-12-31",
                        "Omvang": b.omvang(2, "04", "2"),
                    }
                ],
            ),
            [finding("/Bericht/Client/Bsn", "8187")],
        ),
        registries,
    )
    assert codes_of(only(root, "*:Client")) == ["8187"]
    assert codes_of(only(root, "*:Client/*:Verzoek")) == ["0200"]


def test_xslt_versie_only_when_the_caller_ran_the_official_xslts(
    registries: tuple[SchemaRegistry, ...],
) -> None:
    from ijw_gateway.findings import Report
    from ijw_gateway.messages.jsonmodel import from_json

    report = Report("t", "JW305", "3.2", True, (finding("/Bericht/Client", "0001", "message"),))
    result = compose(
        from_json(b.jw305()), report, identificatie="X", dagtekening=DAY, xslt_versie="1.2.0"
    )
    root = assert_valid(result, registries)
    assert only(root, "*:Header/*:XsltVersie").text == "1.2.0"
    assert codes_of(only(root, "*:Header")) == ["0001"]


def test_the_retour_keeps_the_original_direction(registries: tuple[SchemaRegistry, ...]) -> None:
    model = b.jw305(gemeente="0599", agb="87654321")
    root = assert_valid(answer(model), registries)
    assert only(root, "*:Header/*:Afzender").text == "87654321"  # the provider sent the 305
    assert only(root, "*:Header/*:Ontvanger").text == "0599"
