"""Where the reference data sits: ``../shared`` beside the clone, read in place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_ROOT = ROOT.parent / "shared"


def shared_release(release: str) -> Path:
    """The published files of an iJw release (``xsd/``, ``samples/``)."""
    return SHARED_ROOT / f"ijw-{release}"
