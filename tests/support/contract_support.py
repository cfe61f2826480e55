"""Helpers for the contract tests: a small test region with every financing variant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ijw_gateway.findings import Finding
from ijw_gateway.messages.jsonmodel import JsonObject

TEST_REGION = """\
format = 1

[region]
code = "TST"
name = "Testregio"

[region.municipalities]
"0505" = "Dordrecht"
"0482" = "Alblasserdam"

[[segments]]
id = "E"
purchasing = "open-house"
variants = ["effort"]
access = ["01", "02"]

[[segments]]
id = "O"
purchasing = "sas"
variants = ["output"]
access = ["01"]

[[segments]]
id = "T"
purchasing = "budget-subsidy"
variants = ["task"]
scope = "local"
access = ["01"]

[[providers]]
agb = "12345678"
wnt_compliant = true

[[providers.contracts]]
ref = "E-1"
segment = "E"
valid_from = 2026-01-01
valid_to = 2026-12-31
products = [
  { category = "45", code = "45A01", unit = "01", tariff = 150 },
  { category = "45", code = "45H01", unit = "04", tariff = 9001, access = ["02"] },
]

[[providers.contracts]]
ref = "O-1"
segment = "O"
valid_from = 2026-01-01
products = [
  { category = "50", code = "50O01", unit = "82", tariff = 250000 },
  { category = "55", code = "55O02", unit = "83" },
]

[[providers.contracts]]
ref = "T-1"
segment = "T"
municipalities = ["0505"]
valid_from = 2026-01-01
monitoring = true
products = [{ category = "46", code = "46T01" }]

[[providers]]
agb = "87654321"
wnt_compliant = true

[[providers.contracts]]
ref = "T-2"
segment = "T"
municipalities = ["0505"]
valid_from = 2026-01-01
products = [{ category = "46", code = "46T02" }]
"""

OTHER_AGB = "87654321"
Judge = Callable[[JsonObject], list[Finding]]
"""Contract findings for a message model."""


def rules_of(findings: list[Finding]) -> list[str | None]:
    return [f.rule for f in findings]


def write(tmp_path: Path, text: str, name: str = "contracts.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
