"""Declaration rules (JW323, JW325): RULES.md §5.1 and the RS033 gap of §3.8."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue
from tests.support.within_kit import RuleCheck, items, obj, within_unchecked

DECL = "/Bericht/Declaratie"
PR = f"{DECL}/Clienten/Client/Prestaties/Prestatie"
ANTW = "/Bericht/DeclaratieAntwoord"
PR325 = f"{ANTW}/Clienten/Client/Prestaties/Prestatie"


def prestaties(model: JsonObject) -> list[JsonObject]:
    body = obj(model.get("Declaratie") or model["DeclaratieAntwoord"])
    return [
        p
        for c in items(obj(body["Clienten"])["Client"])
        for p in items(obj(c["Prestaties"])["Prestatie"])
    ]


def declaration(*ps: JsonObject, **kw: Any) -> JsonObject:
    return b.jw323(clients={b.BSN: list(ps)}, **kw)


def credit(referentie: str, vorig: str, **kw: Any) -> JsonObject:
    return b.prestatie(referentie, debet_credit="C", vorig_referentie=vorig, **kw)


def _signed(amount: JsonObject, key: str = "Bedrag") -> int:
    value = int(str(amount[key]))
    return -value if amount["DebetCredit"] == "C" else value


def jw325(
    declaratie: JsonObject,
    *,
    rejected: Sequence[str] = (),
    codes: Sequence[str] | None = None,
    dagtekening: str = "2026-04-09",
) -> JsonObject:
    """The answer to a JW323 model: ``rejected`` ReferentieNummers come back with 9339."""
    heen = obj(declaratie["Header"])
    body = obj(declaratie["Declaratie"])
    head = b.header("JW325", "T325-1", dagtekening=dagtekening)
    head["DeclaratieIdentificatie"] = copy.deepcopy(heen["BerichtIdentificatie"])
    head["XsdVersieDeclaratie"] = copy.deepcopy(heen["XsdVersie"])
    head["RetourCodes"] = {"RetourCode": ["0200"]}
    clients: list[JsonObject] = []
    refused = 0
    for c in items(obj(body["Clienten"])["Client"]):
        back: list[JsonValue] = []
        for p in items(obj(c["Prestaties"])["Prestatie"]):
            if obj(p["ProductReferentie"])["ReferentieNummer"] in rejected:
                back.append({**copy.deepcopy(p), "RetourCodes": {"RetourCode": ["9339"]}})
                refused += _signed(obj(p["IngediendBedrag"]))
        if back:
            clients.append(
                {
                    "Bsn": c["Bsn"],
                    "Prestaties": {"Prestatie": back},
                    "RetourCodes": {"RetourCode": ["0200"]},
                }
            )
    submitted = _signed(obj(body["TotaalIngediendBedrag"]), "TotaalBedrag")
    granted = submitted - refused
    antwoord: JsonObject = {
        "DeclaratieNummer": body["DeclaratieNummer"],
        "TotaalIngediendBedrag": copy.deepcopy(body["TotaalIngediendBedrag"]),
        "TotaalToegekendBedrag": {
            "TotaalBedrag": str(abs(granted)),
            "DebetCredit": "D" if granted >= 0 else "C",
        },
    }
    if clients:
        antwoord["Clienten"] = {"Client": list[JsonValue](clients)}
    antwoord["RetourCodes"] = {"RetourCode": list(codes or (["0200"] if clients else ["8001"]))}
    return {"message": "JW325", "release": "3.2", "Header": head, "DeclaratieAntwoord": antwoord}


def test_builders_pass_every_declaration_rule(check: RuleCheck) -> None:
    model = declaration(
        b.prestatie("P-1"), b.prestatie("P-2", nummer=1002, eenheid="83", tarief=None)
    )
    assert not check.report(model).findings
    assert not check.report(jw325(model)).findings
    assert not check.report(jw325(model, rejected=["P-2"])).findings


# --- JW325 also gets CS002 and TR101 --------------------------------------------------


def test_cs002_and_tr101_in_jw325(check: RuleCheck) -> None:
    model = jw325(
        declaration(b.prestatie("P-1"), b.prestatie("P-2", nummer=1002)), rejected=["P-1", "P-2"]
    )
    check.passes(model, "CS002")
    check.passes(model, "TR101")
    client = items(obj(obj(model["DeclaratieAntwoord"])["Clienten"])["Client"])[0]
    client["Bsn"] = "123456789"
    check.breaks(model, "CS002", f"{ANTW}/Clienten/Client/Bsn")
    prestaties(model)[1]["ProductReferentie"] = {"ReferentieNummer": "P-1"}
    check.breaks(model, "TR101", f"{PR325}[2]")


# --- TR358: the total adds up ---------------------------------------------------------


def test_tr358_total_matches(check: RuleCheck) -> None:
    model = declaration(
        b.prestatie("P-1"),
        credit("P-2", "OLD-1", nummer=1002, begindatum="2026-02-01", einddatum="2026-02-28"),
    )
    check.passes(model, "TR358")
    total = obj(obj(model["Declaratie"])["TotaalIngediendBedrag"])
    total["TotaalBedrag"] = str(int(str(total["TotaalBedrag"])) + 1)
    finding = check.breaks(model, "TR358", f"{DECL}/TotaalIngediendBedrag")
    assert "D 0" in finding.text  # 240*150 debit and the same amount credited


def test_tr358_credit_total(check: RuleCheck) -> None:
    model = declaration(credit("P-2", "OLD-1"))
    check.passes(model, "TR358")
    obj(obj(model["Declaratie"])["TotaalIngediendBedrag"])["DebetCredit"] = "D"
    check.breaks(model, "TR358", f"{DECL}/TotaalIngediendBedrag")


# --- TR315 / TR316 / TR416: references and debits -------------------------------------


def test_tr315_credit_once(check: RuleCheck) -> None:
    twice = declaration(credit("C-1", "OLD-1"), credit("C-2", "OLD-1", nummer=1002))
    check.breaks(twice, "TR315", f"{PR}[2]/ProductReferentie/VorigReferentieNummer")
    check.passes(declaration(credit("C-1", "OLD-1"), credit("C-2", "OLD-2", nummer=1002)), "TR315")


def test_tr316_no_credit_of_same_message(check: RuleCheck) -> None:
    same = declaration(b.prestatie("P-1"), credit("C-1", "P-1"))
    check.breaks(same, "TR316", f"{PR}[2]/ProductReferentie/VorigReferentieNummer")
    check.passes(declaration(b.prestatie("P-1"), credit("C-1", "OLD-1")), "TR316")


def test_tr416_one_debit_per_product_and_period(check: RuleCheck) -> None:
    check.breaks(declaration(b.prestatie("P-1"), b.prestatie("P-2")), "TR416", f"{PR}[2]")
    # across clients too: the allocation number decides
    other = b.jw323(clients={b.BSN: [b.prestatie("P-1")], b.synthetic_bsn(1): [b.prestatie("P-2")]})
    check.breaks(other, "TR416", f"{DECL}/Clienten/Client[2]/Prestaties/Prestatie")
    check.passes(declaration(b.prestatie("P-1"), credit("C-1", "OLD-1")), "TR416")
    check.passes(declaration(b.prestatie("P-1"), b.prestatie("P-2", code="45A02")), "TR416")
    feb: dict[str, Any] = {"begindatum": "2026-02-01", "einddatum": "2026-02-28"}
    check.passes(declaration(b.prestatie("P-1"), b.prestatie("P-2", **feb)), "TR416")


# --- periods: TR335, TR137, CS340, CS337, CS100 --------------------------------------


def test_tr335_not_older_than_five_years(check: RuleCheck) -> None:
    old = b.prestatie("P-1", begindatum="2021-03-01", einddatum="2021-03-31")
    check.breaks(declaration(old), "TR335", f"{PR}/ProductPeriode/Einddatum")
    limit = b.prestatie("P-1", begindatum="2021-04-01", einddatum="2021-04-02")
    check.passes(declaration(limit), "TR335")


def test_tr137_periods_closed_before_message(check: RuleCheck) -> None:
    check.passes(declaration(b.prestatie()), "TR137")
    april = b.prestatie("P-1", begindatum="2026-04-01", einddatum="2026-04-30")
    early = declaration(april, periode=("2026-04-01", "2026-04-30"))
    check.breaks(early, "TR137", f"{PR}/ProductPeriode/Einddatum")
    check.breaks(early, "TR137", f"{DECL}/DeclaratiePeriode/Einddatum")
    backwards = b.prestatie("P-1", begindatum="2026-03-10", einddatum="2026-03-05")
    check.breaks(declaration(backwards), "TR137", f"{PR}/ProductPeriode/Einddatum")


def test_tr137_in_jw325(check: RuleCheck) -> None:
    heen = declaration(b.prestatie("P-1"))
    check.passes(jw325(heen, rejected=["P-1"]), "TR137")
    answer = jw325(heen, rejected=["P-1"], dagtekening="2026-03-20")
    check.breaks(answer, "TR137", f"{PR325}/ProductPeriode/Einddatum")


@pytest.mark.parametrize(
    ("periode", "path"),
    [
        (("2026-03-02", "2026-03-31"), "Begindatum"),
        (("2026-03-01", "2026-03-30"), "Einddatum"),
        (("2026-02-01", "2026-03-31"), "Einddatum"),
    ],
)
def test_cs340_declaration_is_one_month(
    check: RuleCheck, periode: tuple[str, str], path: str
) -> None:
    check.breaks(
        declaration(b.prestatie(), periode=periode), "CS340", f"{DECL}/DeclaratiePeriode/{path}"
    )


def test_cs340_passes_whole_months(check: RuleCheck) -> None:
    check.passes(declaration(b.prestatie()), "CS340")
    feb = b.prestatie(begindatum="2026-02-01", einddatum="2026-02-28")
    check.passes(declaration(feb, periode=("2026-02-01", "2026-02-28")), "CS340")


def test_cs337_product_period_in_one_month(check: RuleCheck) -> None:
    across = b.prestatie(begindatum="2026-02-15", einddatum="2026-03-14")
    check.breaks(declaration(across), "CS337", f"{PR}/ProductPeriode/Einddatum")
    part = b.prestatie(begindatum="2026-03-15", einddatum="2026-03-31")
    check.passes(declaration(part), "CS337")


def test_cs100_not_before_2021(check: RuleCheck) -> None:
    old = b.prestatie(begindatum="2020-12-01", einddatum="2020-12-31")
    model = declaration(old, periode=("2020-12-01", "2020-12-31"))
    check.breaks(model, "CS100", f"{DECL}/DeclaratiePeriode/Begindatum")
    check.breaks(model, "CS100", f"{PR}/ProductPeriode/Einddatum")
    first = b.prestatie(begindatum="2021-01-01", einddatum="2021-01-31")
    check.passes(
        declaration(
            first, periode=("2021-01-01", "2021-01-31"), declaratie_dagtekening="2021-02-02"
        ),
        "CS100",
    )


# --- amounts: CS339, CD087, CD060, CS325 ---------------------------------------------


def test_cs339_euros_amount_equals_volume(check: RuleCheck) -> None:
    euros = b.prestatie(eenheid="83", volume=5000, tarief=None, bedrag=4000)
    check.breaks(declaration(euros), "CS339", f"{PR}/IngediendBedrag/Bedrag")
    check.passes(declaration(b.prestatie(eenheid="83", volume=5000, tarief=None)), "CS339")
    check.passes(declaration(b.prestatie()), "CS339")


def test_cd087_tariff_unless_euros(check: RuleCheck) -> None:
    check.breaks(declaration(b.prestatie(tarief=None, bedrag=100)), "CD087", PR)
    euros = b.prestatie(eenheid="83", volume=5000, tarief=None)
    euros["ProductTarief"] = "100"
    check.breaks(declaration(euros), "CD087", f"{PR}/ProductTarief")
    check.passes(declaration(b.prestatie()), "CD087")


def test_cd060_credit_names_its_debit(check: RuleCheck) -> None:
    lone_credit = b.prestatie(debet_credit="C")
    check.breaks(declaration(lone_credit), "CD060", f"{PR}/ProductReferentie")
    named_debit = b.prestatie(vorig_referentie="OLD-1")
    check.breaks(declaration(named_debit), "CD060", f"{PR}/ProductReferentie/VorigReferentieNummer")
    check.passes(declaration(credit("C-1", "OLD-1")), "CD060")
    answer = jw325(declaration(b.prestatie("P-1")), rejected=["P-1"])
    prestaties(answer)[0]["ProductReferentie"] = {
        "ReferentieNummer": "P-1",
        "VorigReferentieNummer": "X",
    }
    check.breaks(answer, "CD060", f"{PR325}/ProductReferentie/VorigReferentieNummer")


def test_cs325_zero_is_debit(check: RuleCheck) -> None:
    zero = credit("C-1", "OLD-1", volume=0)
    model = declaration(zero)
    obj(obj(model["Declaratie"])["TotaalIngediendBedrag"])["DebetCredit"] = "C"
    check.breaks(model, "CS325", f"{PR}/IngediendBedrag/DebetCredit")
    check.breaks(model, "CS325", f"{DECL}/TotaalIngediendBedrag/DebetCredit")
    check.passes(declaration(b.prestatie(volume=0)), "CS325")
    answer = jw325(declaration(b.prestatie("P-1")), rejected=["P-1"])
    obj(obj(answer["DeclaratieAntwoord"])["TotaalToegekendBedrag"])["DebetCredit"] = "C"
    check.breaks(answer, "CS325", f"{ANTW}/TotaalToegekendBedrag/DebetCredit")


# --- CS319 / RS033: numbers and references -------------------------------------------


def test_cs319_declaration_number(check: RuleCheck) -> None:
    answer = jw325(declaration(b.prestatie()))
    obj(answer["DeclaratieAntwoord"])["DeclaratieNummer"] = "DECL-01"
    check.breaks(answer, "CS319", f"{ANTW}/DeclaratieNummer")
    check.passes(jw325(declaration(b.prestatie())), "CS319")
    check.passes(declaration(b.prestatie()), "CS319")
    # in JW323 the schema already refuses it; the rule agrees when run on its own
    data = b.to_bytes(declaration(b.prestatie(), nummer="DECL01")).replace(b"DECL01", b"DECL-01")
    assert not check.validator.validate(data).schema_valid
    assert [f.rule for f in within_unchecked(data, "JW323")] == ["CS319"]


def test_rs033_blank_references(check: RuleCheck) -> None:
    check.breaks(
        declaration(b.prestatie("   ")), "RS033", f"{PR}/ProductReferentie/ReferentieNummer"
    )
    check.breaks(
        declaration(credit("C-1", "  ")), "RS033", f"{PR}/ProductReferentie/VorigReferentieNummer"
    )
    answer = jw325(declaration(b.prestatie()))
    obj(answer["DeclaratieAntwoord"])["DeclaratieNummer"] = "   "
    check.breaks(answer, "RS033", f"{ANTW}/DeclaratieNummer")
    check.passes(answer, "CS319")  # blank is RS033's finding, not a second one
    check.passes(declaration(b.prestatie(" P 1 ")), "RS033")


# --- TR342: the answer adds up --------------------------------------------------------


def test_tr342_partial_rejection_adds_up(check: RuleCheck) -> None:
    heen = declaration(
        b.prestatie("P-1"), b.prestatie("P-2", nummer=1002), credit("C-1", "OLD-1", nummer=1003)
    )
    check.passes(jw325(heen, rejected=["P-2", "C-1"]), "TR342")
    check.passes(jw325(heen), "TR342")
    answer = jw325(heen, rejected=["P-2"])
    obj(obj(answer["DeclaratieAntwoord"])["TotaalToegekendBedrag"])["TotaalBedrag"] = "1"
    check.breaks(answer, "TR342", f"{ANTW}/TotaalToegekendBedrag")


def test_tr342_whole_rejection(check: RuleCheck) -> None:
    heen = declaration(b.prestatie("P-1"))
    rejected = jw325(heen, codes=["9333"])
    obj(obj(rejected["DeclaratieAntwoord"])["TotaalToegekendBedrag"])["TotaalBedrag"] = "0"
    check.passes(rejected, "TR342")
    not_zero = jw325(heen, codes=["9333"])
    check.breaks(not_zero, "TR342", f"{ANTW}/TotaalToegekendBedrag")
    with_clients = jw325(heen, rejected=["P-1"], codes=["9333"])
    check.breaks(with_clients, "TR342", f"{ANTW}/Clienten")
