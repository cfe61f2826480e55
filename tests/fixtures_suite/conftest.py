"""Shared fixtures for the fixture-suite tests: where the checked-in suite lives."""

from tests.support.suite import manifest, suite_dir  # noqa: F401  (fixtures, found by name)
