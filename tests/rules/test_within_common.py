"""Within-message rules shared by several messages: CS002, TR101, TR002, CS139, TR134, names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ijw_gateway import xmlparse
from ijw_gateway.findings import Level
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.base import RuleContext, run
from ijw_gateway.rules.within_common import elfproef
from ijw_gateway.validation import ParsedMessage
from tests.support.within_kit import TODAY, RuleCheck, client, items, jw307, obj, relatie

LEVEL_2: frozenset[Level] = frozenset({"message"})

GOOD_BSN = b.synthetic_bsn(3)
WRONG_IN_TEST_RANGE = "999900007"  # inside the test range, but fails the eleven-test
TYPO = "123456789"

# message builder taking a BSN -> (model, path of that BSN)
SINGLE_CLIENT: dict[str, Callable[[str], JsonObject]] = {
    "JW301": lambda bsn: b.jw301(bsn=bsn),
    "JW305": lambda bsn: b.jw305(bsn=bsn),
    "JW307": lambda bsn: jw307(bsn=bsn),
    "JW315": lambda bsn: b.jw315(bsn=bsn),
    "JW317": lambda bsn: b.jw317(bsn=bsn, ongewijzigd=[1001], te_wijzigen=[_te_wijzigen()]),
}


def _te_wijzigen() -> JsonObject:
    return {
        "ToewijzingNummer": "1002",
        "GewensteIngangsdatum": "2026-04-01",
        "Einddatum": "2026-12-31",
    }


# --- CS002 ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["999900006", "999999990", "111222333", b.BSN])
def test_elfproef_accepts_valid_and_test_numbers(number: str) -> None:
    assert elfproef(number)


@pytest.mark.parametrize("number", [WRONG_IN_TEST_RANGE, TYPO, "12345678", "12345678a"])
def test_elfproef_rejects(number: str) -> None:
    assert not elfproef(number)


@pytest.mark.parametrize("message", sorted(SINGLE_CLIENT))
def test_cs002_breaks_and_passes(check: RuleCheck, message: str) -> None:
    build = SINGLE_CLIENT[message]
    check.passes(build(GOOD_BSN), "CS002")
    for wrong in (WRONG_IN_TEST_RANGE, TYPO):
        finding = check.breaks(build(wrong), "CS002", "/Bericht/Client/Bsn")
        assert wrong not in finding.text  # never personal data in a finding


def test_cs002_in_a_declaration_points_at_the_wrong_client(check: RuleCheck) -> None:
    model = b.jw323(
        clients={GOOD_BSN: [b.prestatie("P-1")], TYPO: [b.prestatie("P-2", nummer=1002)]}
    )
    check.breaks(model, "CS002", "/Bericht/Declaratie/Clienten/Client[2]/Bsn")
    check.passes(b.jw323(), "CS002")


# --- TR101 ---------------------------------------------------------------------------


def test_tr101_jw301_contacts_relations_and_allocations(check: RuleCheck) -> None:
    check.passes(b.jw301(), "TR101")
    model = b.jw301()
    client(model)["Contactgegevens"] = {"Contact": [b.contact("01"), b.contact("01")]}
    check.breaks(model, "TR101", "/Bericht/Client/Contactgegevens/Contact[2]")

    model = b.jw301()
    client(model)["Relaties"] = {"Relatie": [relatie("R1"), relatie("R1")]}
    check.breaks(model, "TR101", "/Bericht/Client/Relaties/Relatie[2]")
    client(model)["Relaties"] = {"Relatie": [relatie("R1"), relatie("R2")]}
    check.passes(model, "TR101")

    twice = [
        b.toegewezen_product(1001, einddatum="2026-06-30"),
        b.toegewezen_product(1001, ingangsdatum="2026-07-01"),
    ]
    check.breaks(
        b.jw301(products=twice), "TR101", "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]"
    )


def test_tr101_jw301_allocation_numbers_compare_as_numbers(check: RuleCheck) -> None:
    model = b.jw301(
        products=[
            b.toegewezen_product(1001, einddatum="2026-06-30"),
            b.toegewezen_product(1002, ingangsdatum="2026-07-01"),
        ]
    )
    products = items(obj(client(model)["ToegewezenProducten"])["ToegewezenProduct"])
    products[1]["ToewijzingNummer"] = "01001"
    check.breaks(model, "TR101", "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]")


def test_tr101_start_and_stop_keys(check: RuleCheck) -> None:
    same = [b.start_product(), b.start_product()]
    check.breaks(b.jw305(starts=same), "TR101", "/Bericht/Client/StartProducten/StartProduct[2]")
    other_day = [b.start_product(), b.start_product(begindatum="2026-03-01")]
    check.passes(b.jw305(starts=other_day), "TR101")

    stops = [b.stop_product(einddatum="2026-03-20"), b.stop_product(einddatum="2026-03-20")]
    check.breaks(jw307(stops=stops), "TR101", "/Bericht/Client/StopProducten/StopProduct[2]")
    stops = [
        b.stop_product(einddatum="2026-03-20"),
        b.stop_product(einddatum="2026-03-20", reden="20"),
    ]
    check.passes(jw307(stops=stops), "TR101")


def test_tr101_requests(check: RuleCheck) -> None:
    aps = [b.aangevraagd_product("A"), b.aangevraagd_product("A", code="45A02")]
    check.breaks(
        b.jw315(products=aps),
        "TR101",
        "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]",
    )
    aps = [b.aangevraagd_product("A"), b.aangevraagd_product("B", code="45A02")]
    check.passes(b.jw315(products=aps), "TR101")

    verzoek = "/Bericht/Client/Verzoek"
    check.breaks(
        b.jw317(ongewijzigd=[1001, 1001], te_wijzigen=[_te_wijzigen()]),
        "TR101",
        f"{verzoek}/OngewijzigdeProducten/OngewijzigdProduct[2]",
    )
    check.breaks(
        b.jw317(ongewijzigd=[1001], te_wijzigen=[_te_wijzigen(), _te_wijzigen()]),
        "TR101",
        f"{verzoek}/TeWijzigenProducten/TeWijzigenProduct[2]",
    )
    nieuw: JsonObject = {
        "Product": b.product("45"),
        "GewensteIngangsdatum": "2026-04-01",
        "Einddatum": "2026-06-30",
    }
    check.breaks(
        b.jw317(ongewijzigd=[1001], nieuw=[nieuw, dict(nieuw)]),
        "TR101",
        f"{verzoek}/NieuweProducten/NieuwProduct[2]",
    )
    later: JsonObject = {**nieuw, "GewensteIngangsdatum": "2026-07-01", "Einddatum": "2026-09-30"}
    check.passes(b.jw317(ongewijzigd=[1001], nieuw=[nieuw, later]), "TR101")


def test_tr101_declaration_keys_are_per_client(check: RuleCheck) -> None:
    model = b.jw323(clients={GOOD_BSN: [b.prestatie("P-1"), b.prestatie("P-1", nummer=1002)]})
    check.breaks(model, "TR101", "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]")
    # the same reference under two clients is not a duplicate class (TR314 is cross-message)
    other = b.synthetic_bsn(4)
    model = b.jw323(
        clients={GOOD_BSN: [b.prestatie("P-1")], other: [b.prestatie("P-1", nummer=1002)]}
    )
    check.passes(model, "TR101")

    model = b.jw323(
        clients={GOOD_BSN: [b.prestatie("P-1")], other: [b.prestatie("P-2", nummer=1002)]}
    )
    clients = items(obj(obj(model["Declaratie"])["Clienten"])["Client"])
    clients[1]["Bsn"] = GOOD_BSN
    finding = check.breaks(model, "TR101", "/Bericht/Declaratie/Clienten/Client[2]")
    assert GOOD_BSN not in finding.text


# --- TR002 / CS139: birth dates ------------------------------------------------------


def with_birth(model: JsonObject, datum: str, gebruik: str | None = None) -> JsonObject:
    geboorte: JsonObject = {"Datum": datum}
    if gebruik:
        geboorte["DatumGebruik"] = gebruik
    client(model)["Geboortedatum"] = geboorte
    return model


PERSON_MESSAGES: dict[str, Callable[[], JsonObject]] = {
    "JW301": b.jw301,
    "JW305": b.jw305,
    "JW307": jw307,
    "JW315": b.jw315,
}


@pytest.mark.parametrize("message", sorted(PERSON_MESSAGES))
def test_tr002_birth_date_at_most_120_years_back(check: RuleCheck, message: str) -> None:
    build = PERSON_MESSAGES[message]
    dagtekening = obj(obj(build()["Header"])["BerichtIdentificatie"])["Dagtekening"]
    assert isinstance(dagtekening, str)
    year = int(dagtekening[:4]) - 120
    limit = f"{year}{dagtekening[4:]}"
    check.passes(with_birth(build(), limit), "TR002")
    check.passes(with_birth(build(), "1900-01-01", "3"), "TR002")
    too_old = f"{year - 1}{dagtekening[4:]}"
    check.breaks(with_birth(build(), too_old), "TR002", "/Bericht/Client/Geboortedatum/Datum")


@pytest.mark.parametrize(
    ("datum", "gebruik", "ok"),
    [
        ("2014-05-01", "1", True),
        ("2014-05-15", "1", False),
        ("2014-01-01", "2", True),
        ("2014-05-01", "2", False),
        ("1900-01-01", "3", True),
        ("2014-01-01", "3", False),
        ("2014-05-15", None, True),
    ],
)
@pytest.mark.parametrize("message", sorted(PERSON_MESSAGES))
def test_cs139_placeholders(
    check: RuleCheck, message: str, datum: str, gebruik: str | None, ok: bool
) -> None:
    model = with_birth(PERSON_MESSAGES[message](), datum, gebruik)
    if ok:
        check.passes(model, "CS139")
    else:
        check.breaks(model, "CS139", "/Bericht/Client/Geboortedatum/Datum")


def test_cs139_relation_birth_date(check: RuleCheck) -> None:
    model = b.jw301()
    client(model)["Relaties"] = {"Relatie": [relatie("R1")]}
    check.passes(model, "CS139")
    rel = items(obj(client(model)["Relaties"])["Relatie"])[0]
    obj(rel["Geboortedatum"])["Datum"] = "1980-03-01"
    check.breaks(model, "CS139", "/Bericht/Client/Relaties/Relatie/Geboortedatum/Datum")


# --- TR134 (provisional) -------------------------------------------------------------


def test_tr134_dates_not_after_message_date(check: RuleCheck) -> None:
    for build in PERSON_MESSAGES.values():
        check.passes(build(), "TR134")
        check.breaks(
            with_birth(build(), "2026-12-01"), "TR134", "/Bericht/Client/Geboortedatum/Datum"
        )

    late = b.toegewezen_product(toewijzingsdatum="2026-03-03")
    check.breaks(
        b.jw301(products=[late]),
        "TR134",
        "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Toewijzingsdatum",
    )
    model = b.jw301()
    rel = relatie("R1")
    obj(rel["Geboortedatum"])["Datum"] = "2027-01-01"
    client(model)["Relaties"] = {"Relatie": [rel]}
    check.breaks(model, "TR134", "/Bericht/Client/Relaties/Relatie/Geboortedatum/Datum")

    start = b.start_product(begindatum="2026-03-03")
    check.breaks(
        b.jw305(starts=[start]), "TR134", "/Bericht/Client/StartProducten/StartProduct/Begindatum"
    )
    late_stop = b.stop_product(einddatum="2026-03-24")  # the default message is of 03-23
    check.breaks(
        b.jw307(stops=[late_stop]), "TR134", "/Bericht/Client/StopProducten/StopProduct/Einddatum"
    )

    check.passes(b.jw323(), "TR134")
    early = b.jw323(dagtekening="2026-04-01", declaratie_dagtekening="2026-04-02")
    check.breaks(early, "TR134", "/Bericht/Declaratie/DeclaratieDagtekening")


# --- CS050 / CS318: names ------------------------------------------------------------


def with_naamgebruik(code: str, *, partner: bool = False) -> JsonObject:
    model = b.jw301()
    naam = obj(client(model)["Naam"])
    naam["NaamGebruik"] = code
    if partner:
        naam["Partnernaam"] = {"Achternaam": "Anders"}
    return model


@pytest.mark.parametrize(
    ("code", "partner", "ok"),
    [
        ("1", False, True),
        ("2", False, False),
        ("5", False, False),
        ("6", False, True),
        ("1", True, True),
        ("4", True, True),
        ("5", True, False),
        ("6", True, False),
    ],
)
def test_cs050_naamgebruik(check: RuleCheck, code: str, partner: bool, ok: bool) -> None:
    model = with_naamgebruik(code, partner=partner)
    if ok:
        check.passes(model, "CS050")
    else:
        check.breaks(model, "CS050", "/Bericht/Client/Naam/NaamGebruik")


def test_cs050_relation(check: RuleCheck) -> None:
    model = b.jw301()
    client(model)["Relaties"] = {"Relatie": [relatie("R1", naamgebruik="3")]}
    check.breaks(model, "CS050", "/Bericht/Client/Relaties/Relatie/Naam/NaamGebruik")
    client(model)["Relaties"] = {"Relatie": [relatie("R1", partner=True, naamgebruik="3")]}
    check.passes(model, "CS050")


def test_cs318_client_is_a_person(check: RuleCheck) -> None:
    check.passes(b.jw301(), "CS318")
    check.breaks(with_naamgebruik("6"), "CS318", "/Bericht/Client/Naam/NaamGebruik")
    model = b.jw301()
    client(model)["Relaties"] = {"Relatie": [relatie("R1", naamgebruik="6")]}
    check.passes(model, "CS318")  # a relation may be an organisation


def test_no_personal_data_in_findings(check: RuleCheck) -> None:
    model = with_birth(with_naamgebruik("2"), "1850-07-13")
    report = check.report(model)
    assert report.findings
    for finding in report.findings:
        for personal in (b.BSN, "Testpersoon", "Sam", "1850-07-13"):
            assert personal not in finding.text


def test_findings_speak_dutch_when_asked() -> None:
    data = b.to_bytes(b.jw301(products=[b.toegewezen_product(toewijzingsdatum="2026-03-03")]))
    message = ParsedMessage("JW301", "3.2", xmlparse.parse(data), data)
    (found,) = [f for f in run(RuleContext(message, TODAY, "nl"), LEVEL_2) if f.rule == "TR134"]
    assert found.text.startswith("Deze datum")
    assert found.text.endswith("(dagtekening 2026-03-02)")
