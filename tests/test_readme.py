"""The README's Quick start is what CI runs: exactly two commands in one fenced block."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _quickstart_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / ".ci" / "quickstart.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_start_has_two_commands_serve_then_test() -> None:
    serve, test = _quickstart_module().quickstart_commands((ROOT / "README.md").read_text())
    assert "pip install -e ." in serve and serve.endswith("ijw-gateway serve")
    assert '".[test]"' in test and "pytest" in test


def test_ci_runs_the_readme_test_command_and_the_checks() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert ".ci/quickstart.py test" in script
    assert "ruff check" in script and "mypy" in script
    assert ".ci/wheel_check.py" in script  # a plain install, not only the editable one
    assert "IJW_REQUIRE_SHARED=1" in script
    assert "unset IJW_ALLOW_NO_POSTGRES" in script
