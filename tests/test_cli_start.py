"""The command line starts at once: a command imports what it needs and nothing is computed
at import time (``bench/bench_startup.py`` times it; these checks do not depend on time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "messages" / "jw305" / "valid" / "start-aspecific.xml"

_SERVICE = {"fastapi", "starlette", "uvicorn", "sqlalchemy", "sqlmodel", "alembic", "psycopg",
            "httpx", "prometheus_client", "fastapi_offline"}  # fmt: skip
_NOT_FOR_ANY = {"ijw_gateway.fixtures", "ijw_gateway.store", "ijw_gateway.api"} | _SERVICE
_NOT_FOR_HELP = {"pydantic", "ijw_gateway.validation", "ijw_gateway.rules"}

_IMPORTED = """
import contextlib, io, json, sys
from ijw_gateway.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(cwd: Path, *args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    return int(answer["code"]), set(answer["modules"])


def _under(modules: set[str], packages: set[str]) -> set[str]:
    return {m for m in modules for p in packages if m == p or m.startswith(p + ".")}


@pytest.mark.parametrize(
    ("args", "forbidden"),
    [
        (["--help"], _NOT_FOR_ANY | _NOT_FOR_HELP),
        (["explain", "9019"], _NOT_FOR_ANY | _NOT_FOR_HELP),
        (["vecozo", "--help"], _NOT_FOR_ANY | _NOT_FOR_HELP),
        (["parties", "--help"], _NOT_FOR_ANY | _NOT_FOR_HELP),
        (["validate", str(SMALL)], _NOT_FOR_ANY),
    ],
)
def test_a_command_imports_only_what_it_needs(
    args: list[str], forbidden: set[str], tmp_path: Path
) -> None:
    code, modules = _imported(tmp_path, *args)
    assert code in (0, 1)  # a verdict (the example contracts may refuse the message)
    assert not _under(modules, forbidden), sorted(_under(modules, forbidden))


_CALLS = """
import collections, importlib, json, os, pkgutil, sys
import ijw_gateway
root = os.path.dirname(ijw_gateway.__file__) + os.sep
calls = collections.Counter()
def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.startswith(root):
        calls[frame.f_code.co_filename[len(root):] + ":" + frame.f_code.co_name] += 1
sys.setprofile(profile)  # walk_packages imports the packages as it goes
names = [m.name for m in pkgutil.walk_packages(ijw_gateway.__path__, "ijw_gateway.")
         if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
sys.setprofile(None)
print(json.dumps({"modules": len(names), "calls": calls.most_common(5),
                  "total": sum(calls.values())}))
"""
CALL_BUDGET = 5_000  # today ~500: rule registrations and a few tables of names


def test_importing_every_module_computes_nothing_heavy() -> None:
    """Calls into the package's own functions while every module is imported (the fixture
    generator's 100,000 test BSNs alone made over 100,000 before they became lazy)."""
    done = subprocess.run([sys.executable, "-c", _CALLS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["modules"] > 100
    assert answer["total"] < CALL_BUDGET, answer["calls"]
