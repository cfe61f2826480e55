"""Fixtures for the within-message rule tests (helpers live in ``within_kit``)."""

from __future__ import annotations

import pytest
from within_kit import RuleCheck, make_check

from ijw_gateway.schemas import SchemaRegistry


@pytest.fixture(scope="session")
def check(registry: SchemaRegistry) -> RuleCheck:
    return make_check(registry)
