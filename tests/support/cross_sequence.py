"""Message sequences for the cross-message rule tests: send, record, look at findings.

Each test builds a small traffic of synthetic messages (``fixtures.builders``), sends
them through the schema and the cross-message stage only (the within-message rules
have their own tests), and records what is accepted, as the gateway does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ijw_gateway.findings import Report
from ijw_gateway.fixtures import builders as b
from ijw_gateway.history import InMemoryHistory, TaskBased
from ijw_gateway.history.service import validate_and_record
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.stages import cross_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator

TODAY = date(2026, 11, 1)
OTHER_BSN = b.synthetic_bsn(1)
REGISTRY = SchemaRegistry()

TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
SP = "/Bericht/Client/StartProducten/StartProduct"
ST = "/Bericht/Client/StopProducten/StopProduct"
AP = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
VERZOEK = "/Bericht/Client/Verzoek"
ANTWOORD = "/Bericht/Antwoord"
DECLARATIE = "/Bericht/Declaratie"
PR = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"
PR325 = "/Bericht/DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie"
HEADER = "/Bericht/Header"

Fault = tuple[str | None, str | None, str]


class Traffic:
    """A history, a validator that reads it, and a counter for fresh identifications."""

    def __init__(self, today: date = TODAY, task_based: TaskBased | None = None) -> None:
        self.history = InMemoryHistory()
        check = cross_message(self.history, lambda: today, task_based=task_based)
        self.validator = Validator(REGISTRY, [check])

    def send(self, model: JsonObject) -> Report:
        report = validate_and_record(
            self.validator, self.history, b.to_bytes(model), str(model["message"])
        )
        assert report.schema_valid, report.findings
        return report

    def ok(self, *models: JsonObject) -> None:
        """Send messages that must all be accepted."""
        for model in models:
            report = self.send(model)
            assert report.accepted, faults_of(report)

    def faults(self, model: JsonObject) -> list[Fault]:
        """Send a message and return (rule, retourcode, path) of each finding."""
        return faults_of(self.send(model))


def faults_of(report: Report) -> list[Fault]:
    return [(f.rule, f.retourcode, f.path) for f in report.findings]


def twp(
    nummer: int,
    gewenst: str = "2026-04-01",
    einddatum: str | None = "2026-12-31",
    omvang: JsonObject | None = None,
    budget: int | None = None,
) -> JsonObject:
    """A TeWijzigenProduct of a JW317."""
    found: JsonObject = {"ToewijzingNummer": str(nummer), "GewensteIngangsdatum": gewenst}
    if einddatum is not None:
        found["Einddatum"] = einddatum
    if omvang is not None:
        found["Omvang"] = omvang
    if budget is not None:
        found["Budget"] = str(budget)
    return found


def nieuw(
    code: str | None = "45A01",
    gewenst: str = "2026-04-01",
    einddatum: str = "2026-12-31",
    categorie: str = "45",
) -> JsonObject:
    """A NieuwProduct of a JW317 (60 minutes a week when it has a code)."""
    found: JsonObject = {
        "Product": b.product(categorie, code),
        "GewensteIngangsdatum": gewenst,
        "Einddatum": einddatum,
    }
    if code is not None:
        found["Omvang"] = b.omvang(60, "01", "2")
    return found


def returned(prestatie: JsonObject, *codes: str) -> JsonObject:
    """A Prestatie as a JW325 lists it: unchanged, with retourcodes."""
    return {**prestatie, "RetourCodes": {"RetourCode": list(codes or ("9340",))}}


def jw325(
    identificatie: str = "T325-1",
    *,
    declaratie: tuple[str, str] = ("T323-1", "2026-04-02"),
    nummer: str = "DECL0001",
    clients: dict[str, Sequence[JsonObject]] | None = None,
    xsd: JsonObject | None = None,
    header_codes: Sequence[str] = ("0200",),
    dagtekening: str = "2026-04-10",
) -> JsonObject:
    """A declaration answer; ``clients`` maps a BSN to returned Prestaties."""
    head = b.header("JW325", identificatie, dagtekening=dagtekening)
    head["DeclaratieIdentificatie"] = {"Identificatie": declaratie[0], "Dagtekening": declaratie[1]}
    head["XsdVersieDeclaratie"] = dict(xsd or b.XSD_VERSIE)
    head["RetourCodes"] = {"RetourCode": list(header_codes)}
    amount: JsonObject = {"TotaalBedrag": "0", "DebetCredit": "D"}
    body: JsonObject = {
        "DeclaratieNummer": nummer,
        "TotaalIngediendBedrag": dict(amount),
        "TotaalToegekendBedrag": dict(amount),
        "RetourCodes": {"RetourCode": ["0200"]},
    }
    if clients:
        body["Clienten"] = {
            "Client": [
                {
                    "Bsn": bsn,
                    "Prestaties": {"Prestatie": list(ps)},
                    "RetourCodes": {"RetourCode": ["0200"]},
                }
                for bsn, ps in clients.items()
            ]
        }
    return {"message": "JW325", "release": "3.2", "Header": head, "DeclaratieAntwoord": body}
