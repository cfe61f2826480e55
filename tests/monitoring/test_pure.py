"""The monitoring core is pure: it never imports the store, SQLAlchemy, httpx or FastAPI
(README, "Architecture"); and a command's start does not pay for the holidays package."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "access",
    "arrival",
    "deadlines",
    "model",
    "plan",
    "pseudonym",
    "reports",
    "volumes",
    "workdays",
)
EDGES = ("ijw_gateway.store", "sqlalchemy", "sqlmodel", "httpx", "fastapi", "starlette")


def test_the_monitoring_core_imports_no_edge() -> None:
    imports = "; ".join(f"import ijw_gateway.monitoring.{m}" for m in MODULES)
    check = (
        f"import sys; {imports}; print(sorted(m for m in sys.modules if m.startswith({EDGES!r})))"
    )
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_holidays_are_loaded_only_when_a_working_day_is_counted() -> None:
    check = (
        "import sys; import ijw_gateway.monitoring.plan; a = 'holidays' in sys.modules; "
        "from datetime import date; from ijw_gateway.monitoring.workdays import is_working_day; "
        "is_working_day(date(2026, 4, 3)); print(a, 'holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True"
