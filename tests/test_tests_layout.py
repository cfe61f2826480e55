"""The tests run the same however pytest is started (tests/README.md): shared helpers live
in ``tests/support`` and are imported as ``tests.support.<module>``; a test module never
imports another test module, a ``conftest.py`` or a helper by its bare name."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.support.shared_paths import ROOT

TESTS = ROOT / "tests"
SUPPORT = TESTS / "support"


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def _imported(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) of every import; a relative import as its dots."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, "." * node.level + (node.module or "")


def _misplaced(source: str, local: set[str]) -> list[tuple[int, str]]:
    """(line, module) of the imports that depend on how pytest was started: a relative
    import, a bare name of a module under tests/, or a ``tests.`` module outside support."""
    wrong = []
    for line, module in _imported(ast.parse(source)):
        top = module.split(".")[0]
        shared = module == "tests.support" or module.startswith("tests.support.")
        if module.startswith(".") or top in local or (top == "tests" and not shared):
            wrong.append((line, module))
    return wrong


def test_helpers_live_in_tests_support() -> None:
    """Outside ``tests/support`` a file is a test module or a ``conftest.py``."""
    stray = [
        str(p.relative_to(ROOT))
        for p in _python_files()
        if SUPPORT not in p.parents and p.name != "conftest.py" and not p.name.startswith("test_")
    ]
    assert stray == [], "move shared helpers to tests/support/"


def test_tests_import_shared_code_only_from_tests_support() -> None:
    local = {p.stem for p in _python_files()} - {"__init__"}
    wrong = [
        f"{p.relative_to(ROOT)}:{line}: {module}"
        for p in _python_files()
        for line, module in _misplaced(p.read_text(encoding="utf-8"), local)
    ]
    assert wrong == [], "import shared helpers as tests.support.<module>"


def test_the_import_check_finds_what_it_looks_for() -> None:
    """A bare sibling import, a test module's, a conftest's and a relative one are each
    reported; imports from tests.support are not."""
    source = (
        "import within_kit\n"
        "from tests.service.test_service_intake import post\n"
        "from tests.service.conftest import AGB\n"
        "from . import y\n"
        "from tests.support.service import post as ok\n"
        "import tests.support.within_kit\n"
        "import lxml\n"
    )
    assert _misplaced(source, {"within_kit", "conftest"}) == [
        (1, "within_kit"),
        (2, "tests.service.test_service_intake"),
        (3, "tests.service.conftest"),
        (4, "."),
    ]


def test_pytest_collects_a_folder_the_same_however_it_is_started() -> None:
    """``pytest tests/stuf``, ``python -m pytest tests/stuf`` and ``pytest`` inside the
    folder collect the same ids (the stuf tests use the service's fixtures and helpers).
    CI runs the same check over the whole suite (``.ci/collect_same.py``)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "collect_same.py"), "tests/stuf"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts = {line.split()[0] for line in done.stdout.splitlines()}
    assert len(counts) == 1 and int(counts.pop()) > 50, done.stdout
