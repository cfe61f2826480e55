"""The no-extra-data rule on configurations: forbidden demands are refused and recorded."""

from __future__ import annotations

from datetime import date

import pytest

from ijw_gateway.contracts import ContractConfigError, lawful_clauses, parse_contracts
from ijw_gateway.contracts.model import CheckPurpose, DetailCheck
from tests.support.contract_support import TEST_REGION

LEGAL_BASIS = ("Jeugdwet art. 2.15 lid 2", "Regeling Jeugdwet art. 6c.1")


def _with(conditions: str, after: str = 'ref = "E-1"') -> str:
    """The test region with a conditions table added to the contract that has ``after``."""
    text = TEST_REGION.replace(after, f"{after}\nconditions = {{ {conditions} }}")
    assert text != TEST_REGION
    return text


def _refused(text: str) -> ContractConfigError:
    with pytest.raises(ContractConfigError) as caught:
        parse_contracts(text, "c.toml")
    return caught.value


@pytest.mark.parametrize(
    "demand",
    [
        'extra_client_data = ["diagnosis", "school report"]',
        'attachments = ["treatment plan (pdf)"]',
        'side_reports = ["monthly progress report per client"]',
    ],
)
def test_per_client_demands_on_effort_based_contracts_are_refused(demand: str) -> None:
    refused = _refused(_with(demand))
    [problem] = refused.problems
    field = demand.split(" ")[0]
    assert str(problem).startswith(f"c.toml:{_line(demand)}: providers[0].contracts[0].conditions.")
    assert problem.field.endswith(field) and problem.rule == "NO-EXTRA-DATA"
    assert all(law in problem.reason for law in LEGAL_BASIS) and "effort" in problem.reason


def _line(demand: str) -> int:
    text = _with(demand)
    return next(n for n, line in enumerate(text.splitlines(), 1) if demand in line)


def test_per_client_demands_on_output_based_contracts_are_refused() -> None:
    refused = _refused(_with('attachments = ["invoice"]', after='ref = "O-1"'))
    assert "output" in refused.problems[0].reason


def test_task_based_contracts_may_agree_reports_outside_the_exchange() -> None:
    text = _with('side_reports = ["yearly reach figures"]', after='ref = "T-1"')
    assert parse_contracts(text).providers["12345678"].contracts[2].conditions.side_reports


def test_message_extensions_are_refused_under_the_rule_for_effort_based_contracts() -> None:
    refused = _refused(_with('message_extensions = ["urn:x:extra"]'))
    [problem] = refused.problems
    assert problem.field.endswith("message_extensions") and problem.rule == "NO-EXTRA-DATA"
    assert all(law in problem.reason for law in LEGAL_BASIS)
    assert {r.rule for r in refused.refusals} == {"NO-EXTRA-DATA"}


def test_task_based_care_is_outside_the_mandate_so_nothing_is_refused_on_that_ground() -> None:
    """Extensions are still impossible (the standard admits none), but a task-based
    contract is not refused under the no-extra-data rule, and no refusal is recorded."""
    refused = _refused(_with('message_extensions = ["urn:x:extra"]', after='ref = "T-1"'))
    [problem] = refused.problems
    assert problem.field.endswith("message_extensions") and problem.rule is None
    assert "task-based care is outside the mandate" in problem.reason
    assert "not a no-extra-data refusal" in problem.reason
    assert refused.refusals == ()


_DETAIL = 'detail_checks = [{ purpose = "material-control", risk_analysis = "RA-2026-03" }]'


@pytest.mark.parametrize("after", ['ref = "E-1"', 'ref = "O-1"', 'ref = "T-1"'])
def test_an_announced_detail_check_is_lawful_and_listed(after: str) -> None:
    """Regeling Jeugdwet §6b: an inquiry into the provider's records after a specific risk
    analysis is lawful, on any variant; the book lists it for the report."""
    book = parse_contracts(_with(_DETAIL, after=after))
    contract = next(c for c in book.providers["12345678"].contracts if f'ref = "{c.ref}"' == after)
    check = DetailCheck(CheckPurpose.MATERIAL_CONTROL, "RA-2026-03")
    assert contract.conditions.detail_checks == (check,)
    [clause] = lawful_clauses(book)
    assert (clause.subject, clause.provider) == (f"contract {contract.ref}", "12345678")
    assert clause.check == check and clause.basis == "Regeling Jeugdwet §6b"
    assert "material control" in clause.what and "RA-2026-03" in clause.what


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ('{ purpose = "curiosity", risk_analysis = "RA-1" }', "'curiosity' is not one of"),
        ('{ purpose = "fraud-inquiry" }', "risk_analysis: is required"),
        ('{ purpose = "fraud-inquiry", risk_analysis = " " }', "must name the risk analysis"),
        ('{ purpose = "fraud-inquiry", risk_analysis = "x", scope = "all" }', "unknown field"),
    ],
)
def test_a_detail_check_names_its_purpose_and_risk_analysis(entry: str, says: str) -> None:
    refused = _refused(_with(f"detail_checks = [{entry}]"))
    [problem] = refused.problems
    assert says in str(problem) and problem.rule is None and refused.refusals == ()


def test_payment_depending_on_start_stop_is_refused_citing_op364() -> None:
    refused = _refused(_with("payment_requires_start_stop = true"))
    [problem] = refused.problems
    assert problem.rule == "OP364" and "OP364" in problem.reason


def test_region_and_segment_demands_are_refused_too() -> None:
    region = TEST_REGION.replace(
        'name = "Testregio"', 'name = "Testregio"\nconditions = { attachments = ["x"] }'
    )
    assert _refused(region).problems[0].field == "region.conditions.attachments"
    segment = TEST_REGION.replace(
        'variants = ["effort"]', 'variants = ["effort"]\nconditions = { side_reports = ["y"] }'
    )
    assert _refused(segment).problems[0].field == "segments[0].conditions.side_reports"


def test_empty_demands_are_fine() -> None:
    parse_contracts(_with("extra_client_data = [], payment_requires_start_stop = false"))


def test_unknown_condition_is_refused_as_unknown_field() -> None:
    refused = _refused(_with('client_diagnosis = "required"'))
    assert "unknown field" in refused.problems[0].reason


def test_refusals_are_records_per_municipality_without_personal_data() -> None:
    refused = _refused(_with('extra_client_data = ["diagnosis"]'))
    records = refused.refusals
    assert sorted(r.municipality or "" for r in records) == ["0482", "0505"]
    for record in records:
        assert record.source == "contract" and record.provider == "12345678"
        assert record.on == date(2026, 1, 1) and record.subject == "contract E-1"
        assert record.what == "extra_client_data = diagnosis"
        assert record.rule == "NO-EXTRA-DATA"
        assert all(law in record.why for law in LEGAL_BASIS)


def test_refused_terms_are_listed_together_with_other_problems() -> None:
    text = _with('attachments = ["x"]').replace('agb = "87654321"', 'agb = "8765"')
    refused = _refused(text)
    assert len(refused.problems) == 2 and len(refused.refusals) == 2
