"""Fixtures for the conformance-runner tests: the checked-in suite and its manifest."""

from tests.support.suite import manifest, suite_dir  # noqa: F401  (fixtures, found by name)
