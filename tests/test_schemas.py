"""The schema registry: lookups, bundles, and findings that stay with their own message."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.errors import SchemaBundleError
from ijw_gateway.schemas import SchemaRegistry
from tests.support.variants import catalogue_document


def test_unknown_message_or_release_has_no_schema(registry: SchemaRegistry) -> None:
    with pytest.raises(SchemaBundleError):
        registry.schema("JW399")
    with pytest.raises(SchemaBundleError):
        registry.schema("JW301", release="3.1")


def test_a_bundle_whose_schema_does_not_compile_is_a_bundle_error(tmp_path: Path) -> None:
    for name in (
        "basisschema",
        *(f"jw3{n:02}" for n in (1, 2, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20, 23, 25)),
    ):
        (tmp_path / f"{name}.xsd").write_text(
            "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><broken/></xs:schema>"
        )
    bundle = SchemaRegistry(tmp_path)
    with pytest.raises(SchemaBundleError, match="JW301 cannot be compiled"):
        bundle.schema("JW301")


def test_concurrent_checks_keep_their_own_findings(registry: SchemaRegistry) -> None:
    """One compiled schema has one error log; concurrent checks must not share it."""
    good = etree.fromstring(catalogue_document("JW301")).getroottree()
    bad_root = etree.fromstring(catalogue_document("JW301"))
    next(bad_root.iter("{*}Bsn")).text = "12345678X"
    bad = bad_root.getroottree()
    wrong: list[str] = []

    def work(tree: etree._ElementTree, expected: int) -> None:
        for _ in range(1500):
            found = len(registry.check(tree, "JW301"))
            if found != expected:
                wrong.append(f"expected {expected} findings, got {found}")

    threads = [threading.Thread(target=work, args=a) for a in ((good, 0), (bad, 1), (bad, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong, wrong[:5]
