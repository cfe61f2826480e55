"""Helpers shared by the tests: import them as ``tests.support.<module>``, never by a bare
name and never from a test module or a ``conftest.py`` (tests/README.md says why).

Fixtures that several folders use are defined here too and imported into the
``conftest.py`` of each folder that wants them.
"""
