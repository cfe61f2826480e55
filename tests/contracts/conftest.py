"""Fixtures for the contract tests: the test region, the ZHZ example, and judges."""

from __future__ import annotations

import pytest

from ijw_gateway.contracts import ContractBook, load_contracts, parse_contracts
from ijw_gateway.findings import Finding
from ijw_gateway.fixtures import builders
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.rules.stages import contract_check
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.contract_support import TEST_REGION, Judge


@pytest.fixture(scope="session")
def book() -> ContractBook:
    return parse_contracts(TEST_REGION, "test.toml")


@pytest.fixture(scope="session")
def zhz() -> ContractBook:
    return load_contracts()


def _judge(registry: SchemaRegistry, book: ContractBook, lang: str = "en") -> Judge:
    validator = Validator(registry, [contract_check(book, lang=lang)])

    def judge(model: JsonObject) -> list[Finding]:
        report = validator.validate(builders.to_bytes(model))
        assert report.schema_valid, report.findings
        return list(report.findings)

    return judge


@pytest.fixture(scope="session")
def judge(registry: SchemaRegistry, book: ContractBook) -> Judge:
    """Contract findings for a message model, judged against the test region."""
    return _judge(registry, book)


@pytest.fixture(scope="session")
def judge_nl(registry: SchemaRegistry, book: ContractBook) -> Judge:
    return _judge(registry, book, "nl")


@pytest.fixture(scope="session")
def judge_zhz(registry: SchemaRegistry, zhz: ContractBook) -> Judge:
    return _judge(registry, zhz)
