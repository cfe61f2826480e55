"""Start/stop (CS058, TR018), requests (TR383, CD043, CD066–CD068, TR352, TR353, TR380)
and the answer message (CD085, CD086, TR377, TR409)."""

from __future__ import annotations

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.within_kit import RuleCheck, jw307

SP = "/Bericht/Client/StartProducten/StartProduct"
ST = "/Bericht/Client/StopProducten/StopProduct"
AP = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
VERZOEK = "/Bericht/Client/Verzoek"
ANTWOORD = "/Bericht/Antwoord"


# --- JW305 / JW307 -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["1", "3"])
def test_cs058_allowed_status(check: RuleCheck, status: str) -> None:
    check.passes(b.jw305(starts=[b.start_product(status=status)]), "CS058")
    check.passes(jw307(stops=[b.stop_product(status=status)]), "CS058")


@pytest.mark.parametrize("status", ["2", "9"])
def test_cs058_forbidden_status(check: RuleCheck, status: str) -> None:
    check.breaks(
        b.jw305(starts=[b.start_product(status=status)]), "CS058", f"{SP}/StatusAanlevering"
    )
    check.breaks(jw307(stops=[b.stop_product(status=status)]), "CS058", f"{ST}/StatusAanlevering")
    two = [b.start_product(), b.start_product(status=status, begindatum="2026-03-01")]
    check.breaks(b.jw305(starts=two), "CS058", f"{SP}[2]/StatusAanlevering")


def test_tr018_stop_not_before_start(check: RuleCheck) -> None:
    check.passes(jw307(stops=[b.stop_product(einddatum="2026-03-02")]), "TR018")
    check.breaks(jw307(stops=[b.stop_product(einddatum="2026-03-01")]), "TR018", f"{ST}/Einddatum")


# --- JW315 ---------------------------------------------------------------------------


def test_tr383_unique_references(check: RuleCheck) -> None:
    same = [b.aangevraagd_product("A"), b.aangevraagd_product("A", code="45A02")]
    check.breaks(b.jw315(products=same), "TR383", f"{AP}[2]/ReferentieAanbieder")
    other = [b.aangevraagd_product("A"), b.aangevraagd_product("B", code="45A02")]
    check.passes(b.jw315(products=other), "TR383")


def with_beschikking(nummer: str | None, ingang: str | None) -> JsonObject:
    product = b.aangevraagd_product()
    if nummer:
        product["BeschikkingNummer"] = nummer
    if ingang:
        product["BeschikkingIngangsdatum"] = ingang
    return b.jw315(products=[product])


def test_cd043_decision_number_and_date(check: RuleCheck) -> None:
    check.passes(with_beschikking("4711", "2026-03-15"), "CD043")
    check.passes(with_beschikking(None, None), "CD043")
    check.breaks(with_beschikking("4711", None), "CD043", AP)
    check.breaks(with_beschikking(None, "2026-03-15"), "CD043", f"{AP}/BeschikkingIngangsdatum")


def referred(type_: str, naam: str | None = None, agb: str | None = None) -> JsonObject:
    product = b.aangevraagd_product(verwijzer_type=type_, verwijzer_naam=naam, verwijzer_agb=agb)
    return b.jw315(products=[product])


@pytest.mark.parametrize("type_", ["02", "03", "04", "05"])
def test_cd066_cd067_medical_referrer(check: RuleCheck, type_: str) -> None:
    both = referred(type_, naam="Dokter", agb="01234567")
    check.breaks(both, "CD066", f"{AP}/Verwijzer/Naam")
    check.passes(referred(type_, agb="01234567"), "CD066")
    check.breaks(referred(type_), "CD067", f"{AP}/Verwijzer")
    check.passes(referred(type_, naam="Dokter"), "CD067")
    check.passes(referred(type_, agb="01234567"), "CD068")


@pytest.mark.parametrize("type_", ["01", "06", "08"])
def test_cd068_agb_only_for_medical_referrer(check: RuleCheck, type_: str) -> None:
    check.breaks(referred(type_, agb="01234567"), "CD068", f"{AP}/Verwijzer/ZorgverlenerCode")
    check.passes(referred(type_, naam="Wijkteam"), "CD068")
    check.passes(referred(type_, naam="Wijkteam"), "CD066")
    check.passes(referred(type_), "CD067")


# --- JW317 ---------------------------------------------------------------------------


def te_wijzigen() -> JsonObject:
    return {
        "ToewijzingNummer": "1002",
        "GewensteIngangsdatum": "2026-03-01",
        "Einddatum": "2026-12-31",
    }


def nieuw(start: str = "2026-04-01") -> JsonObject:
    return {
        "Product": b.product("45", "45A01"),
        "GewensteIngangsdatum": start,
        "Einddatum": "2026-12-31",
        "Omvang": b.omvang(2, "04", "4"),
    }


def test_tr352_current_package_listed(check: RuleCheck) -> None:
    check.breaks(b.jw317(nieuw=[nieuw()]), "TR352", VERZOEK)
    check.passes(b.jw317(ongewijzigd=[1001], nieuw=[nieuw()]), "TR352")
    check.passes(b.jw317(te_wijzigen=[te_wijzigen()]), "TR352")


def test_tr353_something_changes(check: RuleCheck) -> None:
    check.breaks(b.jw317(ongewijzigd=[1001]), "TR353", VERZOEK)
    check.passes(b.jw317(ongewijzigd=[1001], te_wijzigen=[te_wijzigen()]), "TR353")
    check.passes(b.jw317(ongewijzigd=[1001], nieuw=[nieuw()]), "TR353")


def test_tr380_new_product_starts_after_message_date(check: RuleCheck) -> None:
    path = f"{VERZOEK}/NieuweProducten/NieuwProduct/GewensteIngangsdatum"
    check.breaks(b.jw317(ongewijzigd=[1001], nieuw=[nieuw(b.DAGTEKENING)]), "TR380", path)
    check.breaks(b.jw317(ongewijzigd=[1001], nieuw=[nieuw("2026-01-01")]), "TR380", path)
    check.passes(b.jw317(ongewijzigd=[1001], nieuw=[nieuw("2026-03-03")]), "TR380")
    # a product to change may be asked for from a past date (TR357 decides, cross-message)
    check.passes(b.jw317(te_wijzigen=[te_wijzigen()]), "TR380")


# --- JW319 ---------------------------------------------------------------------------


def test_cd085_rejection_has_reason(check: RuleCheck) -> None:
    check.breaks(b.jw319(antwoord="1"), "CD085", ANTWOORD)
    check.passes(b.jw319(antwoord="1", reden="4"), "CD085")
    check.passes(b.jw319(antwoord="2"), "CD085")


def test_cd086_investigation_has_no_reason(check: RuleCheck) -> None:
    check.breaks(b.jw319(antwoord="2", reden="4"), "CD086", f"{ANTWOORD}/RedenAfwijzingVerzoek")
    check.passes(b.jw319(antwoord="2"), "CD086")
    check.passes(b.jw319(antwoord="1", reden="4"), "CD086")


def test_tr377_residence_principle_names_municipality(check: RuleCheck) -> None:
    check.breaks(b.jw319(antwoord="1", reden="8"), "TR377", ANTWOORD)
    check.passes(b.jw319(antwoord="1", reden="8", woonplaats_gemeente="0599"), "TR377")


def test_tr409_municipality_only_for_reason_8(check: RuleCheck) -> None:
    path = f"{ANTWOORD}/Woonplaatsbeginsel"
    check.breaks(b.jw319(antwoord="1", reden="5", woonplaats_gemeente="0599"), "TR409", path)
    check.breaks(b.jw319(antwoord="2", woonplaats_gemeente="0599"), "TR409", path)
    check.passes(b.jw319(antwoord="1", reden="8", woonplaats_gemeente="0599"), "TR409")
    check.passes(b.jw319(antwoord="1", reden="5"), "TR409")
