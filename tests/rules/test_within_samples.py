"""The official sample messages, read in place, give exactly the within-message findings
our rules imply (README: some samples carry rule defects while passing the schema).

* ``jw317.xml``: the new product ends (2024-02-28) before it is wanted to start
  (2026-11-01) — CS003.
* ``jw323.xml``: the second client has two Prestaties with the same ProductReferentie
  (TR101), and two debit Prestaties (one per client) claim the same allocation number,
  product and month (TR416).
* ``jw315.xml`` and ``jw318.xml`` fail their schema, so no rule runs on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.within_kit import RuleCheck

CLIENT2 = "/Bericht/Declaratie/Clienten/Client[2]/Prestaties"
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "jw317.xml": [("CS003", "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct/Einddatum")],
    "jw323.xml": [("TR101", f"{CLIENT2}/Prestatie[3]"), ("TR416", f"{CLIENT2}/Prestatie[2]")],
}
SCHEMA_INVALID = {"jw315.xml", "jw318.xml"}
SAMPLES = [f"jw3{n:02d}.xml" for n in (1, 2, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20, 23, 25)]


def test_every_sample_is_listed(shared_samples_dir: Path) -> None:
    assert sorted(p.name for p in shared_samples_dir.glob("*.xml")) == sorted(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_within_findings(check: RuleCheck, shared_samples_dir: Path, name: str) -> None:
    data = (shared_samples_dir / name).read_bytes()
    report = check.validator.validate(data, name)
    if name in SCHEMA_INVALID:
        assert not report.schema_valid
        assert not [f for f in report.findings if f.level == "message"]
        return
    assert report.schema_valid
    found = [(f.rule, f.path) for f in report.findings]
    assert sorted(found) == sorted(EXPECTED.get(name, []))
    assert all(f.retourcode == "0001" for f in report.findings)
    assert report.retourcodes == (["0001"] if found else [])
