"""Differential test: our envelope schema judges every document exactly as the published one.

The bases are the published samples (read in place from ``../shared``, the SOAP ones
unwrapped) and envelopes our codec writes; ``envelope_variants`` derives thousands of
mutants from them. Each is validated with our schema (the one the gateway uses at run
time) and with the published schemas; the verdicts must be the same. The domain is
documents whose root is one of the envelope elements (Di01, Du01, Fo01, Bv03): the published
schemas declare every other StUF message too, which the codec refuses before any schema
is asked. Counts guard against a vacuous pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.fixtures import builders as b
from ijw_gateway.stuf import codec
from ijw_gateway.stuf.answers import fault_for, receipt_for
from ijw_gateway.stuf.model import SOAP
from ijw_gateway.stuf.schema import envelope_schema
from tests.support.envelope_variants import Variant, type_names, variants
from tests.support.shared_paths import ROOT
from tests.support.stuf_support import AGB, GEMEENTE, NOW, envelope

TYPED = {"envelopHeenbericht-ggk_Di01_v21-xml.xml", "envelopRetourbericht-ggk_Du01-v21.xml"}
TYPED |= {"Fo01.xml", "our Bv03"}  # bases that also get every xsi:type
MIN_VARIANTS, MIN_VALID, MIN_INVALID = 50_000, 2_000, 20_000


def _element(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    if root.tag == f"{{{SOAP}}}Envelope":
        return root.find(f"{{{SOAP}}}Body")[0]  # type: ignore[index]
    return root


def _ours() -> list[tuple[str, bytes]]:
    di01 = envelope(b.to_bytes(b.jw301()), "JW301", GEMEENTE, AGB)
    received = codec.read(codec.write(di01))
    du01 = envelope(
        b"<x/>", "JW302", AGB, GEMEENTE, kind="Du01", cross=di01.routing.referentienummer
    )
    text = envelope(b"a;b\n", "JW301", GEMEENTE, AGB, bestandsnaam="lijst.csv")
    return [
        ("our Di01", codec.write(di01)),
        ("our Du01", codec.write(du01)),
        ("our Di01 text", codec.write(text)),
        ("our Fo01", codec.write(fault_for(received, "StUF055", NOW, "line 3"))),
        ("our Bv03", codec.write(receipt_for(received, NOW))),
    ]


def _bases(samples: dict[str, bytes]) -> list[tuple[str, etree._Element]]:
    return [(name, _element(data)) for name, data in [*samples.items(), *_ours()]]


def _all_variants(samples: dict[str, bytes], names: list[str]) -> Iterator[Variant]:
    for name, element in _bases(samples):
        yield from variants(name, element, names if name in TYPED else [])


@pytest.fixture(scope="module")
def names(stuf_ggk_dir: Path) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    files = sorted((stuf_ggk_dir / "xsd").rglob("*.xsd"))
    return type_names([etree.parse(str(f), parser) for f in files])


def test_the_published_samples_are_valid_with_both(
    stuf_samples: dict[str, bytes], reference_schema: etree.XMLSchema
) -> None:
    assert len(stuf_samples) == 7
    for name, element in _bases(stuf_samples):
        assert envelope_schema().validate(element), (name, envelope_schema().error_log)
        assert reference_schema.validate(element), (name, reference_schema.error_log)


def test_every_variant_gets_the_same_verdict_from_both(
    stuf_samples: dict[str, bytes], reference_schema: etree.XMLSchema, names: list[str]
) -> None:
    ours = envelope_schema()
    counts: Counter[str] = Counter()
    differences = []
    for variant in _all_variants(stuf_samples, names):
        mine, theirs = ours.validate(variant.document), reference_schema.validate(variant.document)
        counts["valid" if theirs else "invalid"] += 1
        counts[f"xsi valid {theirs}"] += "xsi:type" in variant.change
        if mine != theirs:
            differences.append(f"{variant.base} {variant.change}: ours {mine}, published {theirs}")
    assert not differences, "\n".join(differences[:20]) + f"\n({len(differences)} in all)"
    assert counts["valid"] + counts["invalid"] >= MIN_VARIANTS, counts
    assert counts["valid"] >= MIN_VALID and counts["invalid"] >= MIN_INVALID, counts
    assert counts["xsi valid True"] >= 50, counts  # xsi:type that the schemas accept


def test_the_comparison_notices_a_schema_that_differs_in_one_facet(
    stuf_samples: dict[str, bytes], reference_schema: etree.XMLSchema
) -> None:
    """A copy of our schema with Applicatie allowing two characters instead of three."""
    package = ROOT / "src" / "ijw_gateway" / "stuf" / "xsd"
    files = {p.name: p.read_bytes() for p in package.glob("*.xsd")}
    name = "stuf0301-envelope.xsd"
    assert files[name].count(b'<xs:minLength value="3"/>') == 1
    files[name] = files[name].replace(b'<xs:minLength value="3"/>', b'<xs:minLength value="2"/>')

    class Resolver(etree.Resolver):
        def resolve(self, url: str, pubid: str, context: object) -> object:  # type: ignore[override]
            return self.resolve_string(files[url.rsplit("/", 1)[-1]], context)  # type: ignore[call-arg]

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Resolver())
    sabotaged = etree.XMLSchema(
        etree.fromstring(files["ggk0210-envelope.xsd"], parser, base_url="g.xsd")
    )
    base = _element(stuf_samples["envelopHeenbericht-ggk_Di01_v21-xml.xml"])
    differ = [
        v.change
        for v in variants("Di01", base, [])
        if sabotaged.validate(v.document) != reference_schema.validate(v.document)
    ]
    assert differ and all("'xx'" in change for change in differ), differ
