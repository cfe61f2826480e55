"""InMemoryHistory: what gets recorded when, and how the questions are answered."""

from __future__ import annotations

from datetime import date

from ijw_gateway.findings import Finding, Report
from ijw_gateway.fixtures import builders as b
from ijw_gateway.history import History, HistoryStore, InMemoryHistory, Recorder
from ijw_gateway.history.extract import facts
from ijw_gateway.history.service import validate_and_record
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.stages import cross_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import ParsedMessage, Validator

REGISTRY = SchemaRegistry()
PR = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"


def _parsed(model: JsonObject) -> ParsedMessage:
    outcome = Validator(REGISTRY).run(b.to_bytes(model))
    assert outcome.message is not None
    return outcome.message


def _accepted(model: JsonObject) -> tuple[ParsedMessage, Report]:
    message = _parsed(model)
    return message, Report("m", message.type, message.release, True)


def _finding(path: str, level: str = "history") -> Finding:
    return Finding(level, "TRX", "9999", path, 1, "x")  # type: ignore[arg-type]


def test_implements_both_protocols() -> None:
    history: HistoryStore = InMemoryHistory()
    assert isinstance(history, History) and isinstance(history, Recorder)


def test_latest_allocation_version_is_the_highest_timestamp() -> None:
    history = InMemoryHistory()
    later = b.toegewezen_product(einddatum="2026-06-30", toewijzingstijd="10:00:00")
    earlier = b.toegewezen_product(einddatum="2026-09-30", toewijzingstijd="08:00:00")
    history.record(*_accepted(b.jw301("A", products=[later])))
    history.record(*_accepted(b.jw301("B", products=[earlier])))  # arrives late, older stamp
    found = history.allocation(b.GEMEENTE, 1001)
    assert found is not None and found.einddatum == date(2026, 6, 30)
    assert history.allocations_of(b.GEMEENTE, b.AGB, b.BSN) == [found]


def test_leading_zeros_do_not_make_another_allocation() -> None:
    history = InMemoryHistory()
    history.record(*_accepted(b.jw301(products=[b.toegewezen_product(1001)])))
    assert history.allocation(b.GEMEENTE, int("0001001")) is not None


def test_a_message_with_findings_is_not_recorded() -> None:
    history = InMemoryHistory()
    message, report = _accepted(b.jw301())
    history.record(message, report.with_findings([_finding("/Bericht/Header")]))
    assert history.allocation(b.GEMEENTE, 1001) is None
    assert not history.identification_used(b.GEMEENTE, "436", "T301-1")


def test_jw323_is_recorded_with_refused_prestaties_marked() -> None:
    history = InMemoryHistory()
    model = b.jw323(clients={b.BSN: [b.prestatie("P-1"), b.prestatie("P-2", code="45A02")]})
    message, report = _accepted(model)
    history.record(message, report.with_findings([_finding(f"{PR}[2]")]))
    declared = history.prestaties_of(b.GEMEENTE, b.AGB, "T323-1")
    assert [(p.referentie, p.rejected) for p in declared] == [("P-1", False), ("P-2", True)]
    assert history.prestatie(b.AGB, "P-2") is None
    assert history.declaration_number_used(b.AGB, "DECL0001")


def test_jw323_with_a_declaration_level_finding_is_not_recorded() -> None:
    history = InMemoryHistory()
    message, report = _accepted(b.jw323())
    history.record(message, report.with_findings([_finding("/Bericht/Declaratie")]))
    assert history.declaration(b.GEMEENTE, b.AGB, "T323-1") is None


def test_jw323_with_a_within_message_finding_is_not_recorded() -> None:
    message, report = _accepted(b.jw323())
    assert facts(message, report.with_findings([_finding(PR, level="message")])) is None


def test_requests_answers_and_care_are_recorded() -> None:
    history = InMemoryHistory()
    for model in (b.jw315(), b.jw319(), b.jw305(), b.jw307()):
        history.record(*_accepted(model))
    request = history.request(b.AGB, "REF-1")
    assert request is not None and request.kind == "JW315" and request.bsn == b.BSN
    assert [a.verzoek_antwoord for a in history.answers_to(b.GEMEENTE, b.AGB, "REF-1")] == ["2"]
    kinds = [c.kind for c in history.care_classes(b.GEMEENTE, b.AGB, b.BSN)]
    assert kinds == ["start", "stop"]


def test_validate_and_record_judges_before_recording() -> None:
    history = InMemoryHistory()
    validator = Validator(REGISTRY, [cross_message(history, lambda: date(2026, 11, 1))])
    first = validate_and_record(validator, history, b.to_bytes(b.jw301()), "a.xml")
    second = validate_and_record(validator, history, b.to_bytes(b.jw301()), "b.xml")
    assert first.accepted and second.retourcodes == ["9056"]
    assert len(history.allocations_of(b.GEMEENTE, b.AGB, b.BSN)) == 1


def test_bytes_that_are_no_message_are_reported_not_recorded() -> None:
    history = InMemoryHistory()
    validator = Validator(REGISTRY, [cross_message(history)])
    report = validate_and_record(validator, history, b"<not-ijw/>", "x.xml")
    assert not report.accepted
