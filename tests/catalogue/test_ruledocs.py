"""docs/rules.md is generated from the rule catalogue and must match it.

Refresh after changing any ``catalogue/rules/*.toml``:
``python -m ijw_gateway.catalogue.ruledocs docs/rules.md``.
"""

from __future__ import annotations

from pathlib import Path

from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.catalogue.ruledocs import main, render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_match_the_catalogue() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run python -m ijw_gateway.catalogue.ruledocs docs/rules.md"
    )


def test_every_rule_is_documented() -> None:
    text = render()
    for code, spec in rules().items():
        assert f"### {code}\n" in text
        assert spec.explain["en"] in text
    provisional = text.split("## Provisional readings", 1)[1]
    for code, spec in rules().items():
        assert (f"**[{code}]" in provisional) == spec.provisional


def test_main_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()
