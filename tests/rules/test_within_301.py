"""JW301 rules: contacts and addresses (TR006, TR061, CD009, CD034, CD005, CD025, CS089),
communication (CD007) and reasons for change (CS335, CS336)."""

from __future__ import annotations

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from tests.support.within_kit import PHONE, RuleCheck, client, jw307, obj, relatie

CONTACT = "/Bericht/Client/Contactgegevens/Contact"
TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"


def with_contacts(*contacts: JsonObject) -> JsonObject:
    model = b.jw301()
    client(model)["Contactgegevens"] = {"Contact": list(contacts)}
    return model


def contact(soort: str = "01", **adres: str | None) -> JsonObject:
    """A contact whose address fields can be overridden (None removes one)."""
    made = b.contact(soort)
    address = obj(made["Adres"])
    for name, value in adres.items():
        if value is None:
            address.pop(name, None)
        else:
            address[name] = value
    return made


def test_tr006_contact_must_be_reachable(check: RuleCheck) -> None:
    check.passes(b.jw301(), "TR006")
    check.breaks(with_contacts(contact(Huis=None)), "TR006", CONTACT)
    check.breaks(with_contacts(contact(Postcode=None, LandCode=None)), "TR006", CONTACT)
    check.passes(with_contacts({**contact(Huis=None), "Telefoon": PHONE}), "TR006")
    check.passes(with_contacts({"Soort": "02", "Telefoon": PHONE}), "TR006")


def test_tr006_relation_contact(check: RuleCheck) -> None:
    model = b.jw301()
    rel = relatie("R1")
    rel["Contact"] = {"Soort": "02", "Emailadres": "iemand@example.org"}
    client(model)["Relaties"] = {"Relatie": [rel]}
    check.breaks(model, "TR006", "/Bericht/Client/Relaties/Relatie/Contact")


def test_tr061_lasting_address(check: RuleCheck) -> None:
    tijdelijk: JsonObject = {**contact("04"), "Periode": {"Begindatum": "2026-03-01"}}
    check.breaks(with_contacts(tijdelijk), "TR061", "/Bericht/Client/Contactgegevens")
    for soort in ("01", "02", "03"):
        check.passes(with_contacts(tijdelijk, contact(soort)), "TR061")


def test_cs335_deletion_needs_empty_period(check: RuleCheck) -> None:
    deleted = b.toegewezen_product(einddatum="2026-03-01", reden_wijziging="13")
    check.passes(b.jw301(products=[deleted]), "CS335")
    wrong = b.toegewezen_product(einddatum="2026-03-31", reden_wijziging="13")
    check.breaks(b.jw301(products=[wrong]), "CS335", f"{TP}/RedenWijziging")
    open_end = b.toegewezen_product(
        einddatum=None, reden_wijziging="13", volume=b.omvang(4, "04", "4")
    )
    check.breaks(b.jw301(products=[open_end]), "CS335", f"{TP}/RedenWijziging")
    shortened = b.toegewezen_product(einddatum="2026-03-31", reden_wijziging="05")
    check.passes(b.jw301(products=[shortened]), "CS335")


def test_cs336_withdrawn_reason(check: RuleCheck) -> None:
    old = b.toegewezen_product(einddatum="2026-03-31", reden_wijziging="01")
    check.breaks(b.jw301(products=[old]), "CS336", f"{TP}/RedenWijziging")
    check.passes(b.jw301(products=[b.toegewezen_product(reden_wijziging="14")]), "CS336")


def with_communicatie(vorm: str, taal: str | None) -> JsonObject:
    model = b.jw301()
    client(model)["Communicatie"] = {"Vorm": vorm, **({"Taal": taal} if taal else {})}
    return model


def test_cd007_language_for_interpreter(check: RuleCheck) -> None:
    check.passes(with_communicatie("1", "Pools"), "CD007")
    check.passes(with_communicatie("2", None), "CD007")
    check.passes(b.jw301(), "CD007")
    check.breaks(with_communicatie("1", None), "CD007", "/Bericht/Client/Communicatie")
    check.breaks(with_communicatie("3", "Pools"), "CD007", "/Bericht/Client/Communicatie/Taal")


def test_cd009_period_only_for_temporary_address(check: RuleCheck) -> None:
    periode: JsonObject = {"Periode": {"Begindatum": "2026-03-01"}}
    check.passes(with_contacts(contact("01"), {**contact("04"), **periode}), "CD009")
    check.breaks(with_contacts({**contact("01"), **periode}), "CD009", f"{CONTACT}/Periode")


def test_cd034_address_for_home_contact(check: RuleCheck) -> None:
    check.breaks(with_contacts({"Soort": "03", "Telefoon": PHONE}), "CD034", CONTACT)
    check.passes(with_contacts({"Soort": "02", "Telefoon": PHONE}), "CD034")
    check.passes(b.jw301(), "CD034")


def test_cd005_country_goes_with_postcode(check: RuleCheck) -> None:
    check.passes(b.jw301(), "CD005")
    check.breaks(with_contacts(contact(LandCode=None)), "CD005", f"{CONTACT}/Adres")
    no_postcode = {**contact(Postcode=None, LandCode="BE"), "Telefoon": PHONE}
    check.breaks(with_contacts(no_postcode), "CD005", f"{CONTACT}/Adres/LandCode")
    neither = {**contact(Postcode=None, LandCode=None), "Telefoon": PHONE}
    check.passes(with_contacts(neither), "CD005")


def test_cd025_dutch_address_has_postcode(check: RuleCheck) -> None:
    dutch = {**contact(Postcode=None), "Telefoon": PHONE}
    check.breaks(with_contacts(dutch), "CD025", f"{CONTACT}/Adres")
    foreign = {**contact(Postcode=None, LandCode="BE"), "Telefoon": PHONE}
    check.passes(with_contacts(foreign), "CD025")


@pytest.mark.parametrize(
    ("postcode", "landcode", "ok"),
    [
        ("3311AA", "NL", True),
        ("3311aa", "NL", True),
        ("3311 AA", "NL", False),
        ("0311AA", "NL", False),
        ("331AA", "NL", False),
        ("1000", "BE", True),
    ],
)
def test_cs089_dutch_postcode(check: RuleCheck, postcode: str, landcode: str, ok: bool) -> None:
    model = with_contacts(contact(Postcode=postcode, LandCode=landcode))
    if ok:
        check.passes(model, "CS089")
    else:
        check.breaks(model, "CS089", f"{CONTACT}/Adres/Postcode")


def test_jw301_only_rules_do_not_touch_other_messages(check: RuleCheck) -> None:
    codes = {"TR006", "TR061", "CS335", "CS336", "CD007", "CD009", "CD034", "CD005", "CD025"}
    for model in (b.jw305(), jw307(), b.jw315()):
        assert not {f.rule for f in check.report(model).findings} & codes
