"""A normal install carries the example configuration the embedded defaults use.

setuptools builds the package from a copy of the sources (its ``build_py`` step, which is
what a wheel holds); the built package must contain ``examples/zhz`` and work on its own,
from a directory where nothing can be imported from ``src/``. CI installs the real wheel
in a fresh venv as well (``.ci/wheel_check.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ijw_gateway
from ijw_gateway.contracts import default_contracts_path
from ijw_gateway.parties import embedded_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "messages" / "jw301" / "valid" / "birth-date-unknown.xml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as setuptools builds it for a wheel, from a copy of the sources."""
    tree = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "examples", tree / "examples")
    shutil.copytree(
        ROOT / "src" / "ijw_gateway",
        tree / "src" / "ijw_gateway",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    out = tmp_path_factory.mktemp("built")
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "--build-lib", str(out)],
        cwd=tree, check=True, capture_output=True,
    )  # fmt: skip
    return out


def test_the_built_package_carries_the_example_configuration(built: Path) -> None:
    examples = built / "ijw_gateway" / "examples" / "zhz"
    for name in ("contracts.toml", "parties.toml"):
        assert (examples / name).read_bytes() == (ROOT / "examples" / "zhz" / name).read_bytes()


def test_the_embedded_defaults_are_found_inside_the_package() -> None:
    package = Path(ijw_gateway.__file__).resolve().parent
    for path in (embedded_path(), default_contracts_path()):
        assert path.is_relative_to(package) and path.is_file()


def test_validate_works_from_the_built_package_alone(built: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    env["PYTHONPATH"] = str(built)
    code = (
        "import sys, ijw_gateway; from ijw_gateway.cli import main; "
        "print(ijw_gateway.__file__, file=sys.stderr); "
        f"sys.exit(main(['validate', '--json', {str(FIXTURE)!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.stderr.splitlines()[0].startswith(str(built)), done.stderr
    assert done.returncode in (0, 1), done.stderr  # a verdict with the example contracts
    report = json.loads(done.stdout)
    assert report["message"] == "JW301" and report["schema_valid"]
