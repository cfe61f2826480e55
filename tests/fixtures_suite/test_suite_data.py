"""The suite's personal data is synthetic, and its runs share no identifiers.

Every BSN comes from the range reserved for tests and passes the eleven-test (except where
a fixture breaks exactly that on purpose); no BSN and no message identification is used by
two runs, which is what lets the whole suite go to one receiver that keeps history.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.errors import InputRejected
from ijw_gateway.fixtures.builders import elfproef
from ijw_gateway.fixtures.manifest import Entry, Manifest

TEST_RANGE = range(999_900_006, 999_999_991)
BREAKS_THE_BSN = {"CS002", "RS037"}


def _elements(data: bytes, name: str) -> list[str]:
    try:
        root = xmlparse.parse(data).getroot()
    except InputRejected:
        return []
    return [
        (e.text or "").strip()
        for e in root.iter()
        if isinstance(e.tag, str) and etree.QName(e).localname == name
    ]


def _breaks_bsn(entry: Entry, rule: str | None) -> bool:
    return bool(BREAKS_THE_BSN & set(entry.rules)) or rule in BREAKS_THE_BSN


def test_every_bsn_is_a_test_bsn_passing_the_eleven_test(
    manifest: Manifest, suite_dir: Path
) -> None:
    checked = 0
    for run in manifest.runs:
        for entry in run.steps:
            if entry is run.subject and _breaks_bsn(entry, run.rule):
                continue
            for bsn in _elements((suite_dir / entry.file).read_bytes(), "Bsn"):
                assert bsn.isdigit() and int(bsn) in TEST_RANGE, f"{entry.file}: {bsn}"
                assert elfproef(bsn), f"{entry.file}: {bsn} fails the eleven-test"
                checked += 1
    assert checked > 500


def test_no_two_runs_share_a_bsn(manifest: Manifest, suite_dir: Path) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for run in manifest.runs:
        for entry in run.steps:
            for bsn in _elements((suite_dir / entry.file).read_bytes(), "Bsn"):
                owners[bsn].add(run.name)
    shared = {bsn: names for bsn, names in owners.items() if len(names) > 1}
    assert not shared


def test_no_two_runs_share_a_message_identification(manifest: Manifest, suite_dir: Path) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for run in manifest.runs:
        for entry in run.steps:
            data = (suite_dir / entry.file).read_bytes()
            for ident in _elements(data, "Identificatie") + _elements(data, "IdentificatieRetour"):
                owners[ident].add(run.name)
    shared = {i: names for i, names in owners.items() if len(names) > 1 and len(i) <= 12}
    assert not shared
