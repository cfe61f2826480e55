"""Conversions between ``history.model`` records and their table rows (column -> value)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from typing import Any, Literal, cast

from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Omvang,
    Prestatie,
    Request,
)

Row = Mapping[str, Any]


def fields(
    record: Request | Answer | CareClass | Prestatie | Allocation | Declaration,
) -> dict[str, Any]:
    """Field name -> value. Not ``dataclasses.asdict``: that deep-copies every value (dates
    included), and these records hold immutable values only (``Omvang`` is a frozen
    record that ``allocation_values`` flattens)."""
    return {f.name: getattr(record, f.name) for f in dataclass_fields(record)}


def allocation_values(a: Allocation) -> dict[str, Any]:
    values = fields(a)
    omvang: Omvang | None = values.pop("omvang")
    values.update(
        volume=omvang.volume if omvang else None,
        eenheid=omvang.eenheid if omvang else None,
        frequentie=omvang.frequentie if omvang else None,
    )
    return values


def allocation(row: Row) -> Allocation:
    omvang = None
    if row["volume"] is not None and row["eenheid"] is not None and row["frequentie"] is not None:
        omvang = Omvang(row["volume"], row["eenheid"], row["frequentie"])
    return Allocation(
        gemeente=row["gemeente"],
        nummer=row["nummer"],
        agb=row["agb"],
        bsn=row["bsn"],
        categorie=row["categorie"],
        code=row["code"],
        ingangsdatum=row["ingangsdatum"],
        einddatum=row["einddatum"],
        reden_wijziging=row["reden_wijziging"],
        omvang=omvang,
        budget=row["budget"],
        toegewezen_op=row["toegewezen_op"].replace(tzinfo=None),
        referentie_aanbieder=row["referentie_aanbieder"],
    )


def request(row: Row) -> Request:
    kind = cast(Literal["JW315", "JW317"], row["kind"])
    return Request(
        kind,
        row["gemeente"],
        row["agb"],
        row["bsn"],
        row["referentie"],
        row["identificatie"],
        row["dagtekening"],
        row["categorie"],
        row["code"],
    )


def answer(row: Row) -> Answer:
    kind = cast(Literal["JW319", "JW301"], row["kind"])
    return Answer(
        kind,
        row["gemeente"],
        row["agb"],
        row["referentie"],
        row["verzoek_antwoord"],
        row["dagtekening"],
        row["reden"],
    )


def care(row: Row) -> CareClass:
    return CareClass(
        kind="start" if row["kind"] == "start" else "stop",
        gemeente=row["gemeente"],
        agb=row["agb"],
        bsn=row["bsn"],
        nummer=row["nummer"],
        categorie=row["categorie"],
        code=row["code"],
        begindatum=row["begindatum"],
        einddatum=row["einddatum"],
        reden=row["reden"],
        status=row["status"],
    )


def declaration_values(d: Declaration) -> dict[str, Any]:
    values = fields(d)
    basis, bericht = values.pop("xsd_versie")
    return {**values, "xsd_basis": basis, "xsd_bericht": bericht}


def declaration(row: Row) -> Declaration:
    return Declaration(
        gemeente=row["gemeente"],
        agb=row["agb"],
        identificatie=row["identificatie"],
        dagtekening=row["dagtekening"],
        nummer=row["nummer"],
        periode_begin=row["periode_begin"],
        periode_eind=row["periode_eind"],
        xsd_versie=(row["xsd_basis"], row["xsd_bericht"]),
        rejected=row["rejected"],
    )


def prestatie(row: Row) -> Prestatie:
    return Prestatie(
        gemeente=row["gemeente"],
        agb=row["agb"],
        bsn=row["bsn"],
        declaratie=row["declaratie"],
        referentie=row["referentie"],
        vorig_referentie=row["vorig_referentie"],
        nummer=row["nummer"],
        categorie=row["categorie"],
        code=row["code"],
        begindatum=row["begindatum"],
        einddatum=row["einddatum"],
        volume=row["volume"],
        eenheid=row["eenheid"],
        tarief=row["tarief"],
        bedrag=row["bedrag"],
        debet_credit=row["debet_credit"],
        rejected=row["rejected"],
    )
