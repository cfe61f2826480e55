"""Rules on allocated and requested products: CS003, CD041, CD075–CD080, CD095, CD096, CS338,
CS343 and the overlap rules TR302, TR386, TR410 (JW301, JW315, JW317)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject, JsonValue
from tests.support.within_kit import RuleCheck, client, items, obj

TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
AP = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
NIEUW = "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct"
TE_WIJZIGEN = "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct"


def _present(values: dict[str, JsonValue | None]) -> JsonObject:
    return {k: v for k, v in values.items() if v is not None}


def nieuw(
    *,
    categorie: str | None = "45",
    code: str | None = "45A01",
    start: str = "2026-04-01",
    end: str | None = "2026-12-31",
    omvang: JsonObject | None = None,
    budget: int | None = None,
) -> JsonObject:
    """A NieuwProduct; specific with a weekly volume unless told otherwise."""
    if omvang is None and code is not None and budget is None:
        omvang = b.omvang(60, "01", "2")
    return _present(
        {
            "Product": b.product(categorie, code) if categorie else None,
            "GewensteIngangsdatum": start,
            "Einddatum": end,
            "Omvang": omvang,
            "Budget": str(budget) if budget is not None else None,
        }
    )


def te_wijzigen(
    *, end: str | None = "2026-12-31", omvang: JsonObject | None = None, budget: int | None = None
) -> JsonObject:
    return _present(
        {
            "ToewijzingNummer": "1001",
            "GewensteIngangsdatum": "2026-04-01",
            "Einddatum": end,
            "Omvang": omvang,
            "Budget": str(budget) if budget is not None else None,
        }
    )


def jw317(*, nieuwe: Sequence[JsonObject] = (), wijzig: Sequence[JsonObject] = ()) -> JsonObject:
    if not nieuwe and not wijzig:
        wijzig = [te_wijzigen()]
    return b.jw317(ongewijzigd=[1002], nieuw=nieuwe, te_wijzigen=wijzig)


def jw301(**kw: Any) -> JsonObject:
    return b.jw301(products=[b.toegewezen_product(**kw)])


def jw315(**kw: Any) -> JsonObject:
    return b.jw315(products=[b.aangevraagd_product(**kw)])


def without(model: JsonObject, path: list[str], name: str) -> JsonObject:
    """Remove ``name`` from the (first) class at ``path`` in the model."""
    node: object = model
    for step in path:
        node = obj(node)[step]
        if isinstance(node, list):
            node = node[0]
    del obj(node)[name]
    return model


# one builder per product class: (kwargs) -> model, path of the class
Builder = Callable[..., JsonObject]
SPECIFIC: dict[str, tuple[Builder, str]] = {
    "TP": (jw301, TP),
    "AP": (jw315, AP),
    "NIEUW": (lambda **kw: jw317(nieuwe=[nieuw(**kw)]), NIEUW),
}
END_NAMES = {"TP": "einddatum", "AP": "einddatum", "NIEUW": "end"}


# --- CS003 ---------------------------------------------------------------------------


def test_cs003_end_before_start(check: RuleCheck) -> None:
    check.passes(jw301(einddatum="2026-03-01"), "CS003")  # one-day allocation
    check.breaks(jw301(einddatum="2026-02-28"), "CS003", f"{TP}/Einddatum")
    check.passes(jw315(einddatum="2026-04-01"), "CS003")
    check.breaks(jw315(einddatum="2026-03-31"), "CS003", f"{AP}/ToewijzingEinddatum")
    check.breaks(jw317(nieuwe=[nieuw(end="2026-03-31")]), "CS003", f"{NIEUW}/Einddatum")
    check.breaks(jw317(wijzig=[te_wijzigen(end="2026-03-31")]), "CS003", f"{TE_WIJZIGEN}/Einddatum")
    check.passes(jw317(wijzig=[te_wijzigen(end="2026-04-01")]), "CS003")


def test_cs003_temporary_address_period(check: RuleCheck) -> None:
    model = b.jw301()
    tijdelijk: JsonObject = {
        **b.contact("04"),
        "Periode": {"Begindatum": "2026-03-01", "Einddatum": "2026-02-01"},
    }
    client(model)["Contactgegevens"] = {"Contact": [b.contact("01"), tijdelijk]}
    check.breaks(model, "CS003", "/Bericht/Client/Contactgegevens/Contact[2]/Periode/Einddatum")
    tijdelijk["Periode"] = {"Einddatum": "2026-02-01"}  # no start: nothing to compare
    check.passes(model, "CS003")


# --- CD041 / CD079: what must be there ------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECIFIC))
def test_cd041_omvang_with_code(check: RuleCheck, kind: str) -> None:
    build, path = SPECIFIC[kind]
    check.passes(build(), "CD041")
    model = build()
    steps = path.split("/")[2:]
    check.breaks(without(model, steps, "Omvang"), "CD041", path)
    check.passes(build(code=None), "CD041")


@pytest.mark.parametrize("kind", sorted(SPECIFIC))
def test_cd079_product_without_budget(check: RuleCheck, kind: str) -> None:
    build, path = SPECIFIC[kind]
    check.breaks(build(categorie=None, code=None), "CD079", path)
    check.passes(build(categorie=None, code=None, budget=5000), "CD079")
    check.passes(build(code=None), "CD079")


# --- CD075 / CD076: end date required -------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECIFIC))
def test_cd075_end_with_budget(check: RuleCheck, kind: str) -> None:
    build, path = SPECIFIC[kind]
    end = END_NAMES[kind]
    check.breaks(build(code=None, budget=5000, **{end: None}), "CD075", path)
    check.passes(build(code=None, budget=5000), "CD075")
    check.passes(build(code=None, **{end: None}), "CD075")


def test_cd075_cd076_change_product(check: RuleCheck) -> None:
    check.breaks(jw317(wijzig=[te_wijzigen(end=None, budget=5000)]), "CD075", TE_WIJZIGEN)
    weekly = b.omvang(2, "04", "2")
    check.breaks(jw317(wijzig=[te_wijzigen(end=None, omvang=weekly)]), "CD076", TE_WIJZIGEN)
    monthly = b.omvang(8, "04", "4")
    check.passes(jw317(wijzig=[te_wijzigen(end=None, omvang=monthly)]), "CD076")


@pytest.mark.parametrize("kind", sorted(SPECIFIC))
def test_cd076_end_with_weekly_volume(check: RuleCheck, kind: str) -> None:
    build, path = SPECIFIC[kind]
    end = END_NAMES[kind]
    check.breaks(build(**{end: None}), "CD076", path)
    check.passes(build(), "CD076")
    monthly = omvang_or_volume(kind, b.omvang(8, "04", "4"))
    check.passes(build(**monthly, **{end: None}), "CD076")


def omvang_or_volume(kind: str, value: JsonObject) -> dict[str, JsonObject]:
    return {"omvang" if kind == "NIEUW" else "volume": value}


# --- CD077 / CD078: Omvang or Budget, not both ----------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECIFIC))
def test_cd077_cd078_not_both(check: RuleCheck, kind: str) -> None:
    build, path = SPECIFIC[kind]
    both = build(budget=5000, **omvang_or_volume(kind, b.omvang(60, "01", "2")))
    check.breaks(both, "CD077", f"{path}/Omvang")
    check.breaks(both, "CD078", f"{path}/Budget")
    check.passes(build(), "CD077")
    check.passes(build(code=None, budget=5000), "CD078")


def test_cd077_cd078_change_product(check: RuleCheck) -> None:
    both = jw317(wijzig=[te_wijzigen(omvang=b.omvang(2, "04", "4"), budget=100)])
    check.breaks(both, "CD077", f"{TE_WIJZIGEN}/Omvang")
    check.breaks(both, "CD078", f"{TE_WIJZIGEN}/Budget")


# --- CS338 / CS343: coarse units need a coarse frequency ------------------------------


@pytest.mark.parametrize("unit", ["14", "16", "83", "84"])
def test_cs338_cs343_per_day_not_allowed(check: RuleCheck, unit: str) -> None:
    daily = b.omvang(1, unit, "1")
    check.breaks(jw301(volume=daily), "CS338", f"{TP}/Omvang/Frequentie")
    check.breaks(jw317(nieuwe=[nieuw(omvang=daily)]), "CS338", f"{NIEUW}/Omvang/Frequentie")
    check.breaks(
        jw317(wijzig=[te_wijzigen(omvang=daily)]), "CS338", f"{TE_WIJZIGEN}/Omvang/Frequentie"
    )
    check.breaks(jw315(volume=daily), "CS343", f"{AP}/Omvang/Frequentie")
    weekly = b.omvang(7, unit, "2")
    check.passes(jw301(volume=weekly), "CS338")
    check.passes(jw315(volume=weekly), "CS343")


def test_cs338_cs343_old_allocations_and_fine_units(check: RuleCheck) -> None:
    old = {"ingangsdatum": "2020-01-01", "einddatum": "2020-12-31"}
    check.passes(jw301(volume=b.omvang(1, "14", "1"), **old), "CS338")
    check.passes(jw315(volume=b.omvang(1, "14", "1"), **old), "CS343")
    check.passes(jw301(volume=b.omvang(30, "01", "1")), "CS338")
    check.breaks(
        jw301(volume=b.omvang(1, "16", "1"), einddatum=None), "CS338", f"{TP}/Omvang/Frequentie"
    )


# --- CD080 / CD095 / CD096: no Omvang without a product code ---------------------------


def test_cd080_cd095_cd096(check: RuleCheck) -> None:
    volume = b.omvang(4, "04", "4")
    check.breaks(jw301(code=None, volume=volume), "CD080", f"{TP}/Omvang")
    check.breaks(jw301(categorie=None, code=None, volume=volume), "CD080", f"{TP}/Omvang")
    check.passes(
        jw301(code=None, volume=volume, ingangsdatum="2020-01-01", einddatum="2020-12-31"), "CD080"
    )
    check.passes(jw301(), "CD080")
    check.breaks(jw315(code=None, volume=volume, einddatum=None), "CD095", f"{AP}/Omvang")
    check.passes(jw315(), "CD095")
    check.breaks(jw317(nieuwe=[nieuw(code=None, omvang=volume)]), "CD096", f"{NIEUW}/Omvang")
    check.passes(jw317(nieuwe=[nieuw()]), "CD096")


# --- TR302 / TR386 / TR410: no overlapping products ------------------------------------


def allocations(*products: JsonObject) -> JsonObject:
    return b.jw301(products=list(products))


def tp(nummer: int, start: str, end: str | None, **kw: Any) -> JsonObject:
    return b.toegewezen_product(nummer, ingangsdatum=start, einddatum=end, **kw)


def test_tr302_overlapping_allocations(check: RuleCheck) -> None:
    second = f"{TP}[2]"
    check.breaks(
        allocations(tp(1, "2026-03-01", "2026-06-30"), tp(2, "2026-06-30", "2026-09-30")),
        "TR302",
        second,
    )
    check.passes(
        allocations(tp(1, "2026-03-01", "2026-06-30"), tp(2, "2026-07-01", "2026-09-30")), "TR302"
    )
    # an open end runs on
    check.breaks(
        allocations(
            tp(1, "2026-03-01", None, volume=b.omvang(2, "04", "4")),
            tp(2, "2027-01-01", "2027-03-31"),
        ),
        "TR302",
        second,
    )
    # different codes may overlap; the same category without code may not
    check.passes(
        allocations(
            tp(1, "2026-03-01", "2026-06-30"), tp(2, "2026-03-01", "2026-06-30", code="45A02")
        ),
        "TR302",
    )
    aspecific = {"code": None}
    check.breaks(
        allocations(
            tp(1, "2026-03-01", "2026-06-30", **aspecific),
            tp(2, "2026-04-01", "2026-04-30", **aspecific),
        ),
        "TR302",
        second,
    )
    # a generic allocation (no Product) clashes with anything
    generic = {"categorie": None, "code": None, "budget": 5000}
    check.breaks(
        allocations(
            tp(1, "2026-03-01", "2026-06-30"), tp(2, "2026-04-01", "2026-04-30", **generic)
        ),
        "TR302",
        second,
    )


def test_tr302_ignores_deleted_allocations(check: RuleCheck) -> None:
    deleted = tp(1, "2026-03-01", "2026-03-01", reden_wijziging="13")
    check.passes(allocations(deleted, tp(2, "2026-03-01", "2026-06-30")), "TR302")
    shortened = tp(1, "2026-03-01", "2026-03-01", reden_wijziging="05")
    check.breaks(allocations(shortened, tp(2, "2026-03-01", "2026-06-30")), "TR302", f"{TP}[2]")


def test_tr386_overlapping_requests(check: RuleCheck) -> None:
    first = b.aangevraagd_product("A", ingangsdatum="2026-04-01", einddatum="2026-06-30")
    clash = b.aangevraagd_product("B", ingangsdatum="2026-06-01", einddatum="2026-08-31")
    after = b.aangevraagd_product("B", ingangsdatum="2026-07-01", einddatum="2026-08-31")
    check.breaks(b.jw315(products=[first, clash]), "TR386", f"{AP}[2]")
    check.passes(b.jw315(products=[first, after]), "TR386")


def test_tr410_overlapping_new_products(check: RuleCheck) -> None:
    first = nieuw(start="2026-04-01", end="2026-06-30")
    clash = nieuw(start="2026-06-01", end="2026-08-31")
    after = nieuw(start="2026-07-01", end="2026-08-31")
    check.breaks(jw317(nieuwe=[first, clash]), "TR410", f"{NIEUW}[2]")
    check.passes(jw317(nieuwe=[first, after]), "TR410")


def test_overlap_finding_names_the_other_class(check: RuleCheck) -> None:
    model = allocations(tp(1, "2026-03-01", "2026-06-30"), tp(2, "2026-04-01", "2026-04-30"))
    finding = check.breaks(model, "TR302", f"{TP}[2]")
    assert f"{TP}[1]" in finding.text
    products = items(obj(client(model)["ToegewezenProducten"])["ToegewezenProduct"])
    assert len(products) == 2
