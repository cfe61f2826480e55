"""Differential conformance: our schemas judge every document exactly as the published ones.

For each release and message the published sample (read in place from ``../shared``, never
copied) and a document built from our catalogue are the bases; ``variants.py`` derives
thousands of mutants from them. Each is validated with our compiled schema and with the
published one; the verdicts must agree, and for rejected documents so must the error
locations. Counts per message guard against a vacuous pass. The pure-Python ``xmlschema``
package gives a third opinion on a subset; where it differs from libxml2 that is reported,
not failed. Both releases run wherever their folder exists (CI has both).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.releases import RELEASES
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Validator
from tests.support.catalogue_walk import structure_of
from tests.support.variants import Variant, catalogue_document, complete, variants

MIN_VARIANTS = 1000  # per message
MIN_ACCEPTED = 100
MIN_REJECTED = 500
SCHEMA_INVALID_SAMPLES = {  # per release: published samples that fail their own schema
    "3.2": {"jw315.xml", "jw318.xml"},  # an impossible date; a misplaced code
    "2.3": set(),
}
THIRD_OPINION_EVERY = 50  # xmlschema is ~20-75x slower than libxml2
CASES = [(release, message) for release, known in RELEASES.items() for message in known.messages]
Published = Callable[[str], tuple[SchemaRegistry, Path]]


def _bases(release: str, message: str, samples: Path) -> list[tuple[str, bytes]]:
    sample = samples / f"{message.lower()}.xml"
    return [
        (sample.name, sample.read_bytes()),
        (f"catalogue {message}", catalogue_document(message, release)),
    ]


def _variants(release: str, message: str, samples: Path) -> Iterator[Variant]:
    for name, base in _bases(release, message, samples):
        yield from variants(message, name, base, release=release)


def _locations(schema: etree.XMLSchema) -> list[tuple[int, str]]:
    log: etree._ListErrorLog = schema.error_log
    return [(error.line, error.path or "") for error in log]


def _verdict(valid: bool) -> str:
    return "valid" if valid else "invalid"


@pytest.fixture(scope="module")
def third_opinion(published: Published) -> Callable[[str, str], Any]:
    """xmlschema's compiled published schema of a release's message, or None without it."""
    try:
        import xmlschema
    except ImportError:  # pragma: no cover - xmlschema is a test dependency
        return lambda release, message: None
    made: dict[tuple[str, str], Any] = {}

    def of(release: str, message: str) -> Any:
        if (release, message) not in made:
            folder = published(release)[1].parent / "xsd"
            made[(release, message)] = xmlschema.XMLSchema10(str(folder / f"{message.lower()}.xsd"))
        return made[(release, message)]

    return of


@pytest.mark.parametrize(("release", "message"), CASES)
def test_our_schema_agrees_with_the_published_one(
    release: str,
    message: str,
    registry: SchemaRegistry,
    published: Published,
    third_opinion: Callable[[str, str], Any],
) -> None:
    official, samples = published(release)
    ours, theirs = registry.schema(message, release), official.schema(message, release)
    reference = third_opinion(release, message)
    tally: Counter[bool] = Counter()
    disagreements, differences = [], []
    for index, variant in enumerate(_variants(release, message, samples)):
        tree = xmlparse.parse(variant.data)
        verdict, expected = ours.validate(tree), theirs.validate(tree)
        tally[expected] += 1
        if verdict != expected:
            disagreements.append(
                f"{variant.description}: ours {_verdict(verdict)}, published {_verdict(expected)}"
            )
        elif _locations(ours) != _locations(theirs):
            disagreements.append(f"{variant.description}: same verdict, other error locations")
        third = reference is not None and index % THIRD_OPINION_EVERY == 0
        if third and reference.is_valid(variant.data) != expected:
            differences.append(f"{variant.description}: libxml2 {_verdict(expected)}")
    print(
        f"{release} {message}: {sum(tally.values())} variants, {tally[True]} valid, "
        f"{tally[False]} invalid, {len(disagreements)} disagreements; xmlschema differs from "
        f"libxml2 on {len(differences)} of {sum(tally.values()) // THIRD_OPINION_EVERY + 1} checked"
    )
    for difference in differences:  # reported, not failed: a third opinion, not the oracle
        print(f"  xmlschema differs: {difference}")
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(
        disagreements[:50]
    )
    assert sum(tally.values()) >= MIN_VARIANTS
    assert tally[True] >= MIN_ACCEPTED, "too few valid variants: the test could pass vacuously"
    assert tally[False] >= MIN_REJECTED, "too few invalid variants: the test proves little"


@pytest.mark.parametrize(("release", "message"), CASES)
def test_the_generator_builds_valid_documents(
    release: str, message: str, published: Published
) -> None:
    """The catalogue-built and the completed documents are valid for the published schema."""
    official, samples = published(release)
    schema = official.schema(message, release)
    built = catalogue_document(message, release)
    assert schema.validate(etree.fromstring(built)), schema.error_log
    sample = samples / f"{message.lower()}.xml"
    if sample.name not in SCHEMA_INVALID_SAMPLES[release]:
        completed = complete(structure_of(message, release), etree.fromstring(sample.read_bytes()))
        assert schema.validate(completed), schema.error_log


@pytest.mark.parametrize("release", list(RELEASES))
def test_published_samples_get_the_same_report(
    release: str, registry: SchemaRegistry, published: Published
) -> None:
    """Through the whole pipeline: same verdict, same findings (level, path, line, text)."""
    official, samples_dir = published(release)
    ours, theirs = Validator(registry), Validator(official)
    samples = sorted(samples_dir.glob("*.xml"))
    assert len(samples) == len(RELEASES[release].messages)
    for sample in samples:
        data = sample.read_bytes()
        mine, other = ours.validate(data, sample.name), theirs.validate(data, sample.name)
        assert (mine.message, mine.release) == (sample.stem.upper(), release)
        assert mine.schema_valid == other.schema_valid
        assert mine.schema_valid == (sample.name not in SCHEMA_INVALID_SAMPLES[release])
        assert [(f.level, f.path, f.line) for f in mine.findings] == [
            (f.level, f.path, f.line) for f in other.findings
        ]


@pytest.mark.parametrize("release", list(RELEASES))
def test_xmlschema_agrees_on_the_published_samples(
    release: str, published: Published, third_opinion: Callable[[str, str], Any]
) -> None:
    official, samples = published(release)
    for message in RELEASES[release].messages:
        reference = third_opinion(release, message)
        if reference is None:  # pragma: no cover
            pytest.skip("xmlschema is not installed")
        sample = (samples / f"{message.lower()}.xml").read_bytes()
        libxml2 = official.schema(message, release).validate(etree.fromstring(sample))
        assert reference.is_valid(sample) == libxml2, message
