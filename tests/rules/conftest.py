"""Fixtures for the within-message rule tests (helpers live in ``tests.support.within_kit``)."""

from __future__ import annotations

import pytest

from ijw_gateway.schemas import SchemaRegistry
from tests.support.within_kit import RuleCheck, make_check


@pytest.fixture(scope="session")
def check(registry: SchemaRegistry) -> RuleCheck:
    return make_check(registry)
