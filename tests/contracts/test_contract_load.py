"""Loading contract configurations: the ZHZ example, and errors that say file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.contracts import (
    ContractBook,
    ContractConfigError,
    Variant,
    default_contracts_path,
    load_contracts,
    parse_contracts,
)
from ijw_gateway.contracts.model import Purchasing, Scope
from ijw_gateway.contracts.tomlpos import dotted, key_lines
from ijw_gateway.errors import ConfigurationError
from ijw_gateway.fixtures import builders
from tests.support.contract_support import TEST_REGION, write

ZHZ_SEGMENTS = {
    # id: (purchasing, variants, access, scope)
    "1": ("sas", {"effort", "task"}, {"01", "04"}, "regional"),
    "2": ("open-house", {"effort", "task"}, {"01", "04"}, "regional"),
    "3A": ("sas", {"effort"}, {"01", "02", "03", "04", "05"}, "regional"),
    "3B": ("sas", {"effort"}, {"01"}, "regional"),
    "4A": ("budget-subsidy", {"task"}, {"01", "02", "05"}, "local"),
    "4B": ("open-house", {"effort"}, {"01", "02", "05"}, "regional"),
    "5": ("to-be-decided", {"to-be-decided"}, {"02", "04", "05"}, "regional"),
    "6": ("sas", {"effort", "task"}, {"08"}, "regional"),
    "7": ("sas", {"task"}, {"01"}, "regional"),
}


# --- the embedded ZHZ example ---------------------------------------------------------


def test_the_zhz_example_is_found_from_the_package_and_loads(zhz: ContractBook) -> None:
    assert default_contracts_path().is_file()
    assert default_contracts_path().parent.name == "zhz"
    assert zhz.region.code == "ZHZ"


def test_zhz_has_its_ten_municipalities(zhz: ContractBook) -> None:
    assert sorted(zhz.region.municipalities) == [
        *("0482", "0505", "0512", "0523", "0531", "0590", "0610", "0642", "1963", "1978"),
    ]
    assert zhz.region.municipalities["0505"] == "Dordrecht"


def test_zhz_has_seven_segments_with_3_and_4_split(zhz: ContractBook) -> None:
    assert set(zhz.segments) == set(ZHZ_SEGMENTS)
    for ident, (purchasing, variants, access, scope) in ZHZ_SEGMENTS.items():
        segment = zhz.segments[ident]
        assert segment.purchasing is Purchasing(purchasing), ident
        assert {v.value for v in segment.variants} == variants, ident
        assert set(segment.access) == access, ident
        assert segment.scope is Scope(scope), ident


def test_zhz_mkd_product_narrows_the_access_routes_of_3a(zhz: ContractBook) -> None:
    mkd = next(line for line in zhz.lines("98761003", "0505") if line.product.code == "41A01")
    assert mkd.access == frozenset({"01", "02", "03", "05"})


def test_zhz_contains_the_fixture_builders_defaults(zhz: ContractBook) -> None:
    lines = [
        line
        for line in zhz.lines(builders.AGB, builders.GEMEENTE)
        if line.product.code == "45A01" and line.product.period.contains(date(2026, 3, 1))
    ]
    assert len(lines) == 1
    product = lines[0].product
    assert (product.category, product.variant, product.unit) == ("45", Variant.EFFORT, "01")
    assert product.tariff == 150  # what builders.prestatie() declares per minute


def test_zhz_crisis_segment_has_no_contracts(zhz: ContractBook) -> None:
    assert not any(c.segment == "5" for p in zhz.providers.values() for c in p.contracts)


def test_zhz_providers_are_synthetic_8_digit_agb_codes_and_wnt_compliant(zhz: ContractBook) -> None:
    assert len(zhz.providers) >= 10
    for agb, provider in zhz.providers.items():
        assert len(agb) == 8 and agb.isdigit()
        assert provider.wnt_compliant


def test_zhz_product_codes_are_at_most_five_characters_led_by_their_category(
    zhz: ContractBook,
) -> None:
    for provider in zhz.providers.values():
        for contract in provider.contracts:
            for product in contract.products:
                assert len(product.code) <= 5
                assert product.code.startswith(product.category)


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_contracts(tmp_path / "nope.toml")


# --- errors name file, line and field -----------------------------------------------


def _problems(text: str) -> list[str]:
    with pytest.raises(ContractConfigError) as caught:
        parse_contracts(text, "c.toml")
    return [str(p) for p in caught.value.problems]


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_test_region_is_valid(book: ContractBook) -> None:
    assert set(book.segments) == {"E", "O", "T"}


def test_a_syntax_error_names_the_line() -> None:
    text = TEST_REGION.replace('code = "TST"', "code = TST")
    [problem] = _problems(text)
    assert problem.startswith(f"c.toml:{_line_of(text, 'code = TST')}: (syntax): not valid TOML")


def test_an_unknown_field_is_reported_with_its_line() -> None:
    text = TEST_REGION.replace('ref = "E-1"', 'ref = "E-1"\ntarif = 3')
    [problem] = _problems(text)
    assert problem.startswith(f"c.toml:{_line_of(text, 'tarif')}: providers[0].contracts[0].tarif:")
    assert "unknown field" in problem


def test_a_field_in_an_inline_product_is_located() -> None:
    text = TEST_REGION.replace('unit = "04", tariff = 9001', 'unit = "04", tariff = -5')
    [problem] = _problems(text)
    line = _line_of(text, "tariff = -5")
    assert problem == (
        f"c.toml:{line}: providers[0].contracts[0].products[1].tariff: "
        "must be a whole number of euro cents (0 or more)"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ('agb = "12345678"', 'agb = "1234567"', "providers[0].agb", "does not have the form"),
        ('code = "45A01"', 'code = "45A01X"', "contracts[0].products[0].code", "does not have"),
        (
            'category = "45", code = "45A01"',
            'category = "99", code = "45A01"',
            "category",
            "not one of",
        ),
        ('segment = "E"', 'segment = "X"', "contracts[0].segment", "not one of"),
        ('"0505" = "Dordrecht"', '"505" = "Dordrecht"', "municipalities.505", "4-digit"),
        (
            'municipalities = ["0505"]\nvalid_from = 2026-01-01\nmonitoring',
            'municipalities = ["0363"]\nvalid_from = 2026-01-01\nmonitoring',
            "municipalities[0]",
            "not a municipality of the region",
        ),
        (
            "valid_to = 2026-12-31",
            "valid_to = 2025-12-31",
            "contracts[0].valid_to",
            "before valid_from",
        ),
        (
            'unit = "01", tariff = 150',
            'unit = "82", tariff = 150',
            "products[0].unit",
            "not one of",
        ),
        ('unit = "01", tariff = 150', 'unit = "01"', "products[0].tariff", "is required"),
        (
            '{ category = "55", code = "55O02", unit = "83" }',
            '{ category = "55", code = "55O02", unit = "83", tariff = 1 }',
            "products[1].tariff",
            "83",
        ),
        (
            '{ category = "46", code = "46T01" }',
            '{ category = "46", code = "46T01", unit = "01" }',
            "products[0].unit",
            "lump-sum",
        ),
        (
            'variants = ["effort"]',
            'variants = ["effort", "output"]',
            "products[0].variant",
            "is required",
        ),
        (
            'variants = ["output"]',
            'variants = ["outputs"]',
            "segments[1].variants[0]",
            "not one of",
        ),
        ('purchasing = "sas"', 'purchasing = "tender"', "segments[1].purchasing", "not one of"),
        (
            'access = ["01", "02"]',
            'access = ["01", "07"]',
            "segments[0].access[1]",
            "referrer code",
        ),
        ('access = ["02"]', 'access = ["05"]', "products[1].access", "not among segment E"),
        (
            'wnt_compliant = true\n\n[[providers.contracts]]\nref = "E-1"',
            'wnt_compliant = "yes"\n\n[[providers.contracts]]\nref = "E-1"',
            "providers[0].wnt_compliant",
            "true or false",
        ),
        (
            "valid_from = 2026-01-01\nvalid_to = 2026-12-31",
            "valid_from = 2026-01-01T10:00:00\nvalid_to = 2026-12-31",
            "contracts[0].valid_from",
            "no time",
        ),
        (
            'ref = "O-1"\nsegment = "O"\nvalid_from = 2026-01-01\nproducts = [',
            'ref = "O-1"\nsegment = "O"\nvalid_from = 2026-01-01\nproducts = [\n  { category = "50", code = "50O09", unit = "82", tariff = 1, valid_from = 2025-01-01 },',
            "products[0].valid_from",
            "outside the contract",
        ),
    ],
)
def test_field_errors_name_the_field_and_reason(
    old: str, new: str, field: str, reason: str
) -> None:
    assert old in TEST_REGION
    problems = _problems(TEST_REGION.replace(old, new, 1))
    assert any(field in p and reason in p for p in problems), problems
    assert all(p.startswith("c.toml:") for p in problems)


def test_a_missing_region_is_reported() -> None:
    problems = _problems('format = 1\n[[segments]]\nid = "E"\n')
    assert any("region: is required" in p for p in problems)


def test_an_unsupported_format_is_reported() -> None:
    problems = _problems(TEST_REGION.replace("format = 1", "format = 2"))
    assert any("format: format 2 is not supported" in p for p in problems)


def test_every_problem_is_listed_at_once() -> None:
    text = TEST_REGION.replace('agb = "12345678"', 'agb = "x"').replace(
        'purchasing = "sas"', 'purchasing = "y"'
    )
    assert len(_problems(text)) >= 2


# --- cross-configuration checks -------------------------------------------------------


def test_overlapping_lines_for_one_product_are_refused() -> None:
    text = TEST_REGION.replace(
        '{ category = "45", code = "45H01"',
        '{ category = "45", code = "45A01", unit = "01", tariff = 1 },\n  { category = "45", code = "45H01"',
    )
    problems = _problems(text)
    assert any("45A01 is already contracted" in p and "municipality 0482" in p for p in problems)


def test_consecutive_lines_for_one_product_are_fine() -> None:
    text = TEST_REGION.replace(
        '{ category = "45", code = "45A01", unit = "01", tariff = 150 },',
        '{ category = "45", code = "45A01", unit = "01", tariff = 140, valid_to = 2026-06-30 },\n'
        '  { category = "45", code = "45A01", unit = "01", tariff = 150, valid_from = 2026-07-01 },',
    )
    book = parse_contracts(text)
    tariffs = [
        line.product.tariff
        for line in book.lines("12345678", "0505")
        if line.product.code == "45A01"
    ]
    assert tariffs == [140, 150]


def test_a_code_in_two_categories_is_refused() -> None:
    text = TEST_REGION.replace(
        '{ category = "46", code = "46T02" }', '{ category = "45", code = "46T01" }'
    )
    assert any("already in category 46" in p for p in _problems(text))


def test_one_product_bought_locally_and_regionally_is_refused() -> None:
    text = TEST_REGION.replace(
        '{ category = "46", code = "46T02" }', '{ category = "45", code = "45T09" }'
    )
    text = text.replace(
        '{ category = "45", code = "45H01"',
        '{ category = "45", code = "45T09", unit = "01", tariff = 1 },\n  { category = "45", code = "45H01"',
    )
    assert any("both locally (segment T) and regionally (segment E)" in p for p in _problems(text))


def test_a_provider_that_does_not_comply_with_the_wnt_is_refused() -> None:
    text = TEST_REGION.replace("wnt_compliant = true", "wnt_compliant = false", 1)
    assert any("WNT" in p and "providers[0].wnt_compliant" in p for p in _problems(text))


def test_the_wnt_requirement_can_be_switched_off() -> None:
    text = TEST_REGION.replace("wnt_compliant = true", "wnt_compliant = false", 1).replace(
        'name = "Testregio"', 'name = "Testregio"\nrequire_wnt = false'
    )
    assert parse_contracts(text).providers["12345678"].wnt_compliant is False


def test_monitoring_without_task_based_products_is_refused() -> None:
    text = TEST_REGION.replace('ref = "E-1"', 'ref = "E-1"\nmonitoring = true')
    assert any("monitoring: applies to task-based products only" in p for p in _problems(text))


def test_a_contract_in_a_segment_still_to_be_decided_is_refused() -> None:
    text = TEST_REGION + (
        '\n[[segments]]\nid = "5"\npurchasing = "to-be-decided"\nvariants = ["to-be-decided"]\n'
        'access = ["02"]\n\n[[providers]]\nagb = "11112222"\nwnt_compliant = true\n'
        '[[providers.contracts]]\nsegment = "5"\nvalid_from = 2026-01-01\n'
        'products = [{ category = "46", code = "46C01", variant = "effort", unit = "01", tariff = 1 }]\n'
    )
    problems = _problems(text)
    assert any("providers[2].contracts[0].segment" in p and "to be decided" in p for p in problems)


def test_to_be_decided_cannot_be_combined_with_a_variant() -> None:
    text = TEST_REGION.replace('variants = ["output"]', 'variants = ["output", "to-be-decided"]')
    assert any("cannot be combined" in p for p in _problems(text))


def test_the_loader_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, TEST_REGION.replace('segment = "O"', 'segment = "Q"'))
    with pytest.raises(ContractConfigError) as caught:
        load_contracts(path)
    assert str(caught.value.problems[0]).startswith(f"{path}:")
    assert "providers[0].contracts[1].segment" in str(caught.value)


# --- the line scanner -----------------------------------------------------------------


def test_key_lines_follow_arrays_of_tables_and_inline_arrays() -> None:
    lines = key_lines(TEST_REGION)
    assert lines[("region", "municipalities", "0482")] == _line_of(TEST_REGION, '"0482"')
    assert lines[("providers", 1, "agb")] == _line_of(TEST_REGION, '"87654321"')
    assert lines[("providers", 0, "contracts", 1, "products", 1)] == _line_of(TEST_REGION, "55O02")
    assert lines[("providers", 0, "contracts", 2, "monitoring")] == _line_of(
        TEST_REGION, "monitoring"
    )


def test_key_lines_skip_strings_and_comments() -> None:
    text = 'a = "x = [\\"" # b = 1\nc = """\n[d]\n"""\n[e]\nf = 1\n'
    lines = key_lines(text)
    assert lines[("e", "f")] == 6 and ("b",) not in lines and ("d",) not in lines


def test_dotted_names_fields_like_the_errors_do() -> None:
    assert dotted(("providers", 2, "contracts", 0, "tariff")) == "providers[2].contracts[0].tariff"
    assert dotted(()) == "(document)"


def test_a_missing_embedded_example_says_how_to_configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ijw_gateway.contracts.load as load

    monkeypatch.setattr(load, "default_contracts_path", lambda: tmp_path / "gone.toml")
    with pytest.raises(ConfigurationError, match="embedded ZHZ example; set IJW_CONTRACTS"):
        load_contracts()
