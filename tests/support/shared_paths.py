"""Where the reference data sits: ``../shared`` beside the clone, read in place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_ROOT = ROOT.parent / "shared"


def shared_release(release: str) -> Path:
    """The published files of an iJw release (``xsd/``, ``samples/``)."""
    return SHARED_ROOT / f"ijw-{release}"


def require(path: Path) -> Path:
    """``path``, or a skip when it is missing (a failure when ``IJW_REQUIRE_SHARED=1``)."""
    if not path.exists():
        if os.environ.get("IJW_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is required (IJW_REQUIRE_SHARED=1) but missing")
        pytest.skip(f"{path} not present")
    return path
