"""Which fixture suite a run uses: one given, the source checkout's, or a generated one.

The command line (``conformance run``) and the console's Conformance page both start runs
from here. An installed gateway has no ``fixtures/``: it writes the suite its builders
generate (the same files, a test makes sure) into a temporary directory for the run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ijw_gateway


def checkout_suite() -> Path:
    """``fixtures/messages`` of the source checkout this package runs from (it may be
    absent: an installed wheel has no fixtures)."""
    return Path(ijw_gateway.__file__).resolve().parents[2] / "fixtures" / "messages"


@contextmanager
def suite_dir(given: Path | None) -> Iterator[Path]:
    """The suite to run: ``given``, the checkout's, or one generated for this run."""
    if given is not None:
        yield given
    elif checkout_suite().is_dir():
        yield checkout_suite()
    else:
        from ijw_gateway.fixtures.suite import generate

        with tempfile.TemporaryDirectory(prefix="ijw-suite-") as folder:
            generate(Path(folder))
            yield Path(folder)
