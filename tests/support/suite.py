"""The checked-in fixture suite (``fixtures/messages``) and its manifest, for the folders
whose tests read it (``conformance/``, ``fixtures_suite/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ijw_gateway.fixtures.manifest import Manifest, load
from tests.support.shared_paths import ROOT

SUITE = ROOT / "fixtures" / "messages"


@pytest.fixture(scope="session")
def suite_dir() -> Path:
    return SUITE


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return load(SUITE)
