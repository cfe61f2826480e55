"""Fixtures for the conformance-runner tests: the checked-in suite and its manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from ijw_gateway.fixtures.manifest import Manifest, load

SUITE = Path(__file__).resolve().parents[2] / "fixtures" / "messages"


@pytest.fixture(scope="session")
def suite_dir() -> Path:
    return SUITE


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return load(SUITE)
