"""Contract rules on messages: each one accepts what fits and refuses what does not."""

from __future__ import annotations

from datetime import date

import pytest

from ijw_gateway.contracts import ContractBook, parse_contracts
from ijw_gateway.findings import Finding
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.stages import contract_check
from ijw_gateway.runtime import build_validator
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.contract_support import OTHER_AGB, TEST_REGION, Judge, rules_of


def _one(findings: list[Finding], rule: str) -> Finding:
    assert rules_of(findings) == [rule], [(f.rule, f.text) for f in findings]
    return findings[0]


# --- the builders' defaults pass the default (ZHZ) configuration ----------------------


@pytest.mark.parametrize("name", ["jw301", "jw305", "jw307", "jw315", "jw319", "jw323"])
def test_default_messages_pass_the_zhz_contracts(judge_zhz: Judge, name: str) -> None:
    assert judge_zhz(getattr(b, name)()) == []


def test_the_default_validator_accepts_the_builders_jw301() -> None:
    report = build_validator().validate(b.to_bytes(b.jw301()))
    assert report.accepted, report.findings


def test_zhz_task_based_lookup_for_tr019(zhz: ContractBook) -> None:
    assert zhz.is_task_based("0505", "98761005", "45", "45T01")
    assert not zhz.is_task_based("0505", b.AGB, "45", "45A01")
    assert not zhz.is_task_based("0482", "98761005", "45", "45T01")  # no contract there
    assert zhz.is_task_based("0505", "98761001", "43", None) is False  # 43 has effort too
    assert zhz.is_task_based("0505", "98761009", None, None)  # a task-only provider


# --- CONTRACT-MATCH -------------------------------------------------------------------


def test_unknown_municipality_points_at_the_header(judge: Judge) -> None:
    found = _one(judge(b.jw301(gemeente="0363")), "CONTRACT-MATCH")
    assert found.path == "/Bericht/Header/Afzender" and found.retourcode is None
    assert "0363" in found.text and "TST" in found.text


def test_unknown_provider_points_at_its_agb(judge: Judge) -> None:
    found = _one(judge(b.jw323(agb="11112222")), "CONTRACT-MATCH")
    assert found.path == "/Bericht/Header/Afzender" and "11112222" in found.text


def test_provider_without_a_contract_for_the_municipality(judge: Judge) -> None:
    found = _one(judge(b.jw305(agb=OTHER_AGB, gemeente="0482")), "CONTRACT-MATCH")
    assert found.path == "/Bericht/Header/Afzender" and "0482 (Alblasserdam)" in found.text


def test_product_not_contracted_with_this_provider(judge: Judge) -> None:
    model = b.jw301(agb=OTHER_AGB, products=[b.toegewezen_product(categorie="46", code="46T01")])
    found = _one(judge(model), "CONTRACT-MATCH")
    assert found.path.endswith("/Product/Code")
    assert "Looked for: provider 87654321, municipality 0505 (Dordrecht), product 46/46T01" in (
        found.text
    )


def test_period_outside_the_contract_points_at_the_uncovered_date(judge: Judge) -> None:
    late_end = b.toegewezen_product(einddatum="2027-06-30")
    assert _one(judge(b.jw301(products=[late_end])), "CONTRACT-MATCH").path.endswith("Einddatum")
    early = b.toegewezen_product(ingangsdatum="2025-12-01")
    found = _one(judge(b.jw301(products=[early])), "CONTRACT-MATCH")
    assert found.path.endswith("Ingangsdatum")
    assert "2026-01-01 – 2026-12-31" in found.text


def test_consecutive_contract_periods_together_cover_an_allocation(
    zhz: ContractBook, judge_zhz: Judge
) -> None:
    spanning = b.toegewezen_product(ingangsdatum="2025-06-01", einddatum="2026-06-30")
    assert judge_zhz(b.jw301(products=[spanning])) == []


def test_aspecific_category_without_contracted_products(judge: Judge) -> None:
    aspecific = b.toegewezen_product(categorie="41", code=None, budget=100)
    found = _one(judge(b.jw301(products=[aspecific])), "CONTRACT-MATCH")
    assert found.path.endswith("/Product/Categorie")


def test_generic_allocation_matches_on_parties_and_date(judge: Judge) -> None:
    generic = b.toegewezen_product(categorie=None, code=None, budget=100000)
    assert judge(b.jw301(products=[generic])) == []


def test_start_and_stop_match_on_their_begin_date(judge: Judge) -> None:
    assert judge(b.jw305()) == []
    late = b.start_product(begindatum="2027-01-04")
    assert rules_of(judge(b.jw305(starts=[late]))) == ["CONTRACT-MATCH"]
    # a stop after the contract ended is still accepted: its key is the start
    assert judge(b.jw307(stops=[b.stop_product(einddatum="2027-02-01")])) == []


def test_deleted_start_classes_are_not_judged(judge: Judge) -> None:
    deletion = b.start_product(code="45X99", status="3")
    assert judge(b.jw305(starts=[deletion])) == []


def test_texts_follow_the_language(judge_nl: Judge) -> None:
    found = _one(judge_nl(b.jw301(gemeente="0363")), "CONTRACT-MATCH")
    assert "hoort niet bij de gemeenten van regio TST" in found.text


# --- TR381 / S329 ---------------------------------------------------------------------


def test_unknown_product_code_is_s329(judge: Judge) -> None:
    found = _one(judge(b.jw301(products=[b.toegewezen_product(code="45Z99")])), "TR381")
    assert found.retourcode == "S329" and found.path.endswith("/Product/Code")


def test_code_under_another_category_is_s329(judge: Judge) -> None:
    model = b.jw323(clients={b.BSN: [b.prestatie(categorie="41")]})
    found = _one(judge(model), "TR381")
    assert "listed under category 45, not 41" in found.text
    assert found.path.endswith("/Prestatie/ProductCode")


@pytest.mark.parametrize("name", ["jw301", "jw305", "jw307", "jw315", "jw323"])
def test_known_codes_pass_tr381(judge: Judge, name: str) -> None:
    assert "TR381" not in rules_of(judge(getattr(b, name)()))


def test_jw317_new_products_are_matched(judge: Judge) -> None:
    new: JsonObject = {
        "Product": {"Categorie": "45", "Code": "45Z99"},
        "GewensteIngangsdatum": "2026-04-01",
        "Omvang": b.omvang(60, "01", "2"),
    }
    assert rules_of(judge(b.jw317(nieuw=[new]))) == ["TR381"]
    new["Product"] = {"Categorie": "45", "Code": "45A01"}
    assert judge(b.jw317(nieuw=[new])) == []


# --- CONTRACT-SHAPE --------------------------------------------------------------------


def test_specific_allocation_in_the_contract_unit_passes(judge: Judge) -> None:
    hours = b.toegewezen_product(code="45H01", volume=b.omvang(2, "04", "2"))
    assert judge(b.jw301(products=[hours])) == []


def test_specific_allocation_in_another_unit_is_refused(judge: Judge) -> None:
    minutes = b.toegewezen_product(code="45H01", volume=b.omvang(120, "01", "2"))
    found = _one(judge(b.jw301(products=[minutes])), "CONTRACT-SHAPE")
    assert found.path.endswith("/Omvang/Eenheid")
    assert "per hour (04), not per minute (01)" in found.text


def test_output_unit_for_an_effort_product_is_refused(judge: Judge) -> None:
    pieces = b.toegewezen_product(volume=b.omvang(3, "82", "4"))
    assert rules_of(judge(b.jw301(products=[pieces]))) == ["CONTRACT-SHAPE"]


def test_output_based_pieces_and_euros_pass(judge: Judge) -> None:
    pieces = b.toegewezen_product(categorie="50", code="50O01", volume=b.omvang(1, "82", "6"))
    euros = b.toegewezen_product(
        nummer=1002, categorie="55", code="55O02", volume=b.omvang(500000, "83", "6")
    )
    assert judge(b.jw301(products=[pieces, euros])) == []


def test_frequency_that_does_not_go_with_the_unit_is_refused(judge: Judge) -> None:
    daily_euros = b.toegewezen_product(
        categorie="55", code="55O02", volume=b.omvang(5000, "83", "1")
    )
    found = _one(judge(b.jw301(products=[daily_euros])), "CONTRACT-SHAPE")
    assert found.path.endswith("/Omvang/Frequentie")


def test_aspecific_allocation_fits_the_variant_of_its_category(judge: Judge) -> None:
    effort = b.toegewezen_product(categorie="45", code=None, budget=100000)
    lta = b.toegewezen_product(nummer=1002, categorie="55", code=None, budget=100000)
    assert judge(b.jw301(products=[effort, lta])) == []
    output = b.toegewezen_product(categorie="50", code=None, budget=100000)
    found = _one(judge(b.jw301(products=[output])), "CONTRACT-SHAPE")
    assert found.path.endswith("/Product/Categorie") and "effort-based" in found.text


def test_request_for_allocation_shape_is_checked_too(judge: Judge) -> None:
    wrong = b.aangevraagd_product(code="45H01", volume=b.omvang(30, "01", "2"), verwijzer_type="02")
    assert rules_of(judge(b.jw315(products=[wrong]))) == ["CONTRACT-SHAPE"]


# --- CONTRACT-ACCESS -------------------------------------------------------------------


def test_allowed_referrer_passes_and_other_is_refused(judge: Judge) -> None:
    assert judge(b.jw315(products=[b.aangevraagd_product(verwijzer_type="02")])) == []
    found = _one(
        judge(b.jw315(products=[b.aangevraagd_product(verwijzer_type="08")])), "CONTRACT-ACCESS"
    )
    assert found.path.endswith("/Verwijzer/Type")
    assert "segment E" in found.text and "01 (municipality)" in found.text


def test_product_access_narrows_the_segment(judge: Judge) -> None:
    hours = b.omvang(2, "04", "2")
    gp = b.aangevraagd_product(code="45H01", volume=hours, verwijzer_type="02")
    assert judge(b.jw315(products=[gp])) == []
    team = b.aangevraagd_product(code="45H01", volume=hours, verwijzer_type="01")
    assert rules_of(judge(b.jw315(products=[team]))) == ["CONTRACT-ACCESS"]


def test_referrer_text_carries_no_referrer_name_or_agb(judge: Judge) -> None:
    named = b.aangevraagd_product(
        verwijzer_type="08", verwijzer_naam="Dr. Jansen", verwijzer_agb="01234567"
    )
    found = _one(judge(b.jw315(products=[named])), "CONTRACT-ACCESS")
    assert "Jansen" not in found.text and "01234567" not in found.text


def test_zhz_court_route_reaches_only_the_certified_institutions(judge_zhz: Judge) -> None:
    ots = b.aangevraagd_product(
        categorie="48", code="48A01", volume=b.omvang(1, "84", "4"), verwijzer_type="08"
    )
    assert judge_zhz(b.jw315(agb="98761008", products=[ots])) == []
    ambulant = b.aangevraagd_product(verwijzer_type="08")
    assert rules_of(judge_zhz(b.jw315(products=[ambulant]))) == ["CONTRACT-ACCESS"]


# --- CONTRACT-TASK ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        b.jw301(
            products=[
                b.toegewezen_product(categorie="46", code="46T01", volume=b.omvang(1, "84", "4"))
            ]
        ),
        b.jw315(
            products=[
                b.aangevraagd_product(categorie="46", code="46T01", volume=b.omvang(1, "84", "4"))
            ]
        ),
        b.jw323(clients={b.BSN: [b.prestatie(categorie="46", code="46T01")]}),
    ],
    ids=["jw301", "jw315", "jw323"],
)
def test_task_based_products_have_no_per_client_messages(judge: Judge, model: JsonObject) -> None:
    found = _one(judge(model), "CONTRACT-TASK")
    assert "lump sum" in found.text and "T-1" in found.text


def test_task_based_start_with_monitoring_and_no_allocation_passes(judge: Judge) -> None:
    start = b.start_product(nummer=None, categorie="46", code="46T01", toewijzing_ingangsdatum=None)
    assert judge(b.jw305(starts=[start])) == []
    stop = b.stop_product(nummer=None, categorie="46", code="46T01", toewijzing_ingangsdatum=None)
    assert judge(b.jw307(stops=[stop])) == []


def test_task_based_start_must_leave_toewijzingnummer_empty(judge: Judge) -> None:
    start = b.start_product(categorie="46", code="46T01")
    found = _one(judge(b.jw305(starts=[start])), "CONTRACT-TASK")
    assert found.path.endswith("/StartProduct/ToewijzingNummer")


def test_task_based_start_without_agreed_monitoring_is_refused(judge: Judge) -> None:
    start = b.start_product(nummer=None, categorie="46", code="46T02")
    found = _one(judge(b.jw305(agb=OTHER_AGB, starts=[start])), "CONTRACT-TASK")
    assert "does not agree start/stop messages" in found.text


def test_is_task_based_answers_per_combination(book: ContractBook) -> None:
    assert book.is_task_based("0505", b.AGB, "46", "46T01")
    assert book.is_task_based("0505", b.AGB, "46", None)
    assert not book.is_task_based("0505", b.AGB, "45", "45A01")
    assert not book.is_task_based("0505", b.AGB, None, None)  # mixed provider
    assert book.is_task_based("0505", OTHER_AGB, None, None)
    assert not book.is_task_based("0505", OTHER_AGB, "46", "46T02", on=date(2025, 1, 1))


# --- declarations: CONTRACT-UNIT, TR418 (0611), TR346 (9346) -------------------------


def test_default_declaration_passes(judge: Judge) -> None:
    assert judge(b.jw323()) == []


def test_tariff_other_than_the_contract_is_0611(judge: Judge) -> None:
    model = b.jw323(clients={b.BSN: [b.prestatie(tarief=151)]})
    found = _one(judge(model), "TR418")
    assert found.retourcode == "0611" and found.path.endswith("/Prestatie/ProductTarief")
    assert "differs from 150 cents per minute (01) in contract E-1" in found.text


def test_amount_other_than_volume_times_tariff_is_9346(judge: Judge) -> None:
    model = b.jw323(clients={b.BSN: [b.prestatie(bedrag=35999)]})
    found = _one(judge(model), "TR346")
    assert found.retourcode == "9346" and found.path.endswith("/IngediendBedrag/Bedrag")
    assert "240 × 150 = 36000" in found.text


def test_hours_declared_in_minutes_round_to_whole_cents(judge: Judge) -> None:
    # 50 minutes at 90.01 an hour is 7500.83 cents: 7501
    good = b.prestatie(code="45H01", volume=50, eenheid="01", tarief=9001, bedrag=7501)
    assert judge(b.jw323(clients={b.BSN: [good]})) == []
    plain = b.prestatie(code="45H01", volume=50, eenheid="01", tarief=9001, bedrag=450050)
    found = _one(judge(b.jw323(clients={b.BSN: [plain]})), "TR346")
    assert "50 × 9001 / 60 = 7501" in found.text


def test_rounding_goes_half_up(judge: Judge) -> None:
    # 30 minutes at 90.01 an hour is 4500.5 cents: half a cent rounds up
    contract = b.prestatie(code="45H01", volume=30, eenheid="01", tarief=9001, bedrag=4501)
    assert judge(b.jw323(clients={b.BSN: [contract]})) == []


def test_hours_declared_in_minutes_state_the_hourly_tariff(judge: Judge) -> None:
    per_minute = b.prestatie(code="45H01", volume=60, eenheid="01", tarief=150, bedrag=150)
    assert rules_of(judge(b.jw323(clients={b.BSN: [per_minute]}))) == ["TR418"]


def test_a_unit_the_contract_does_not_price_is_refused(judge: Judge) -> None:
    hours = b.prestatie(volume=4, eenheid="04", tarief=9000)
    found = _one(judge(b.jw323(clients={b.BSN: [hours]})), "CONTRACT-UNIT")
    assert found.path.endswith("/Prestatie/Eenheid") and found.retourcode is None


def test_output_euros_have_no_tariff_to_check(judge: Judge) -> None:
    euros = b.prestatie(categorie="55", code="55O02", volume=12345, eenheid="83", tarief=None)
    assert judge(b.jw323(clients={b.BSN: [euros]})) == []


def test_credit_lines_are_only_checked_for_arithmetic(judge: Judge) -> None:
    old_tariff = b.prestatie(
        "P-2", tarief=99, debet_credit="C", vorig_referentie="P-1", begindatum="2026-03-01"
    )
    assert judge(b.jw323(clients={b.BSN: [old_tariff]})) == []
    wrong_sum = b.prestatie("P-2", tarief=99, bedrag=1, debet_credit="C", vorig_referentie="P-1")
    assert rules_of(judge(b.jw323(clients={b.BSN: [wrong_sum]}))) == ["TR346"]


def test_each_faulty_line_gets_its_own_finding(judge: Judge) -> None:
    lines = [
        b.prestatie("P-1", tarief=151),
        b.prestatie("P-2", code="45H01", volume=1, eenheid="04", tarief=9001, bedrag=9000),
    ]
    found = judge(b.jw323(clients={b.BSN: lines}))
    assert rules_of(found) == ["TR418", "TR346"]
    assert found[0].path.endswith("Prestatie[1]/ProductTarief")
    assert found[1].path.endswith("Prestatie[2]/IngediendBedrag/Bedrag")


def test_findings_never_carry_personal_data(judge: Judge) -> None:
    models = [
        b.jw301(gemeente="0363"),
        b.jw301(products=[b.toegewezen_product(code="45Z99")]),
        b.jw323(clients={b.BSN: [b.prestatie(tarief=1, bedrag=5)]}),
    ]
    for model in models:
        for found in judge(model):
            assert b.BSN not in found.text and "Testpersoon" not in found.text


def test_one_message_judged_with_two_books_gets_each_books_verdict(
    registry: SchemaRegistry, book: ContractBook
) -> None:
    """The contract rules remember their matches per message *and* book: judging the same
    parsed message again with another book (a reloaded contracts file) matches afresh."""
    ended = parse_contracts(
        TEST_REGION.replace("valid_to = 2026-12-31", "valid_to = 2026-01-31"), "ended.toml"
    )
    outcome = Validator(registry).run(b.to_bytes(b.jw301()))
    message = outcome.message
    assert message is not None
    assert list(contract_check(book)(message)) == []
    refused = list(contract_check(ended)(message))
    assert rules_of(refused) == ["CONTRACT-MATCH"] and "2026-01-31" in refused[0].text
    assert list(contract_check(book)(message)) == []  # the first book's answer still holds
