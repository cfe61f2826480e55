"""Fixtures for the StUF-GGk tests: the published envelope material, read in place.

``../shared/exchange/stuf-ggk`` is reference data (schemas, samples, error codes) that we
never copy. Without it the tests that need it skip, unless ``IJW_REQUIRE_SHARED=1``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.support.shared_paths import require
from tests.support.stuf_support import STUF_GGK, published_schema


@pytest.fixture(scope="session")
def stuf_ggk_dir() -> Path:
    return require(STUF_GGK)


@pytest.fixture(scope="session")
def reference_schema() -> etree.XMLSchema:
    """The published envelope schema (it includes StUF 03.01, so Fo01 and Bv03 too)."""
    return published_schema()


@pytest.fixture(scope="session")
def stuf_samples(stuf_ggk_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((stuf_ggk_dir / "samples").glob("*.xml"))}


# The service fixtures (a gateway and its API on SQLite and on PostgreSQL) for the tests of
# the SOAP endpoint and the channel.
from tests.support.service import (  # noqa: E402, F401
    client,
    db_url,
    gateway,
    pg_schemas,
    pg_session_url,
    settings,
    store,
)
