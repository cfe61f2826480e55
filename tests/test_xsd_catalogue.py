"""The committed XSDs, the catalogue they come from, and the published schemas agree.

The published XSDs of every release in ``../shared`` (3.2, 2.3) are read in place and
never copied: these tests compare their *structure* with ours and guard against any of
their documentation text creeping into the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway import xsdgen
from ijw_gateway.catalogue.releases import RELEASES
from ijw_gateway.namespaces import XS
from ijw_gateway.schemas import SchemaRegistry
from tests.support.shared_paths import shared_release

ROOT = Path(__file__).resolve().parent.parent
XSD_DIR = ROOT / "xsd"
_XS = f"{{{XS}}}"

# What a restriction is made of: base type and facets (enumerations and patterns as sets).
Restriction = tuple[str, tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class ElementDecl:
    name: str
    type: str | None  # {namespace}local, None for an anonymous simple type
    restriction: Restriction | None
    min_occurs: str
    max_occurs: str


@dataclass(frozen=True)
class SchemaShape:
    target: str
    element_form: str
    imports: frozenset[str]
    elements: dict[str, str]  # global element name -> type
    complex_types: dict[str, tuple[ElementDecl, ...]]
    simple_types: dict[str, Restriction]


def _qualified(node: etree._Element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{node.nsmap.get(prefix or None, '')}}}{local}"


def _restriction(simple_type: etree._Element) -> Restriction:
    (restriction,) = simple_type.iterchildren(f"{_XS}restriction")
    facets: dict[str, set[str]] = {}
    for facet in restriction.iterchildren(tag=etree.Element):
        if facet.tag == f"{_XS}annotation":
            continue
        name = etree.QName(facet).localname
        facets.setdefault(name, set()).add(facet.get("value", ""))
    frozen = tuple(sorted((name, frozenset(values)) for name, values in facets.items()))
    return _qualified(restriction, restriction.get("base", "")), frozen


def _element_decl(node: etree._Element) -> ElementDecl:
    anonymous = node.find(f"{_XS}simpleType")
    return ElementDecl(
        name=node.get("name", ""),
        type=_qualified(node, node.get("type", "")) if node.get("type") else None,
        restriction=_restriction(anonymous) if anonymous is not None else None,
        min_occurs=node.get("minOccurs", "1"),
        max_occurs=node.get("maxOccurs", "1"),
    )


def _shape(content: bytes) -> SchemaShape:
    root = etree.fromstring(content)
    complex_types = {
        node.get("name", ""): tuple(
            _element_decl(e) for e in node.iterfind(f"{_XS}sequence/{_XS}element")
        )
        for node in root.iterchildren(f"{_XS}complexType")
    }
    for node in root.iterchildren(f"{_XS}complexType"):  # only plain sequences are modelled
        assert [etree.QName(c).localname for c in node.iterchildren(tag=etree.Element)] in (
            ["sequence"],
            ["annotation", "sequence"],
        )
    return SchemaShape(
        target=root.get("targetNamespace", ""),
        element_form=root.get("elementFormDefault", ""),
        imports=frozenset(n.get("namespace", "") for n in root.iterchildren(f"{_XS}import")),
        elements={
            n.get("name", ""): _qualified(n, n.get("type", ""))
            for n in root.iterchildren(f"{_XS}element")
        },
        complex_types=complex_types,
        simple_types={
            n.get("name", ""): _restriction(n) for n in root.iterchildren(f"{_XS}simpleType")
        },
    )


def _published_xsd(release: str) -> Path:
    folder = shared_release(release) / "xsd"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")  # conftest's IJW_REQUIRE_SHARED guards CI
    return folder


def test_committed_xsd_matches_the_generator() -> None:
    folders = sorted(p.name for p in XSD_DIR.iterdir())
    assert folders == sorted(RELEASES), (
        "one folder per release; run python -m ijw_gateway.xsdgen xsd"
    )
    for release, known in RELEASES.items():
        generated = xsdgen.all_schemas(known)
        committed = {p.name: p.read_bytes() for p in sorted((XSD_DIR / release).glob("*.xsd"))}
        assert sorted(committed) == sorted(generated), "run python -m ijw_gateway.xsdgen xsd"
        stale = [name for name, content in generated.items() if committed[name] != content]
        assert not stale, (
            f"{release}: {', '.join(stale)} differ; run python -m ijw_gateway.xsdgen xsd"
        )


@pytest.mark.parametrize("release", list(RELEASES))
def test_every_published_schema_file_has_a_counterpart(release: str) -> None:
    published = sorted(p.name for p in _published_xsd(release).glob("*.xsd"))
    assert published == sorted(xsdgen.all_schemas(RELEASES[release]))


_NAMES = [(r, n) for r, known in RELEASES.items() for n in sorted(xsdgen.all_schemas(known))]


@pytest.mark.parametrize(("release", "name"), _NAMES)
def test_structure_equals_the_published_schema(release: str, name: str) -> None:
    ours = _shape(xsdgen.all_schemas(RELEASES[release])[name])
    official = _shape((_published_xsd(release) / name).read_bytes())
    assert (ours.target, ours.element_form, ours.imports) == (
        official.target,
        official.element_form,
        official.imports,
    )
    assert ours.elements == official.elements
    assert sorted(ours.complex_types) == sorted(official.complex_types)
    for type_name, declarations in official.complex_types.items():
        assert ours.complex_types[type_name] == declarations, f"complexType {type_name}"
    assert sorted(ours.simple_types) == sorted(official.simple_types)
    for type_name, restriction in official.simple_types.items():
        assert ours.simple_types[type_name] == restriction, f"simpleType {type_name}"


def test_the_shape_comparison_notices_differences() -> None:
    """Guard the guard: a changed facet, occurrence or code must show up."""
    original = xsdgen.all_schemas()["basisschema.xsd"]
    changed = original.replace(b'name="LDT_Naam"', b'name="LDT_Naam2"', 1)
    assert _shape(changed).simple_types != _shape(original).simple_types
    one_code_less = re.sub(rb'<xs:enumeration value="NL"/>', b"", original)
    assert _shape(one_code_less).simple_types != _shape(original).simple_types
    message = xsdgen.all_schemas()["jw301.xsd"]
    optional = message.replace(b'name="Bsn" type', b'name="Bsn" minOccurs="0" type', 1)
    assert _shape(optional).complex_types != _shape(message).complex_types


def test_every_message_has_a_schema_that_compiles(registry: SchemaRegistry) -> None:
    for release, known in RELEASES.items():
        for message in known.messages:
            schema = registry.schema(message, release)
            assert isinstance(schema, etree.XMLSchema), message
    assert [len(known.messages) for known in RELEASES.values()] == [14, 10]


def test_the_committed_directory_works_as_a_schema_bundle() -> None:
    bundle = SchemaRegistry(XSD_DIR)  # a folder per release
    bundle.compile_all()
    SchemaRegistry(XSD_DIR / "2.3", release="2.3").compile_all()  # one release's folder


def test_our_schemas_state_their_release_and_versions() -> None:
    """The appinfo carries the release's schema versions: data of the catalogue."""
    for release, known in RELEASES.items():
        for name, content in xsdgen.all_schemas(known).items():
            info = etree.fromstring(content).find(f"{_XS}annotation/{_XS}appinfo")
            assert info is not None, name
            stated = {etree.QName(e).localname: e.text for e in info}
            assert stated["release"] == release and stated["standaard"] == "ijw"
            versions = known.xsd.basis_appinfo if name == "basisschema.xsd" else known.xsd.appinfo
            assert all(stated[tag] == value for tag, value in versions), name


# --- guard against copying the published documentation --------------------------------

_MIN_WORDS = 5  # shorter fragments (code labels such as "cliënt overleden") may coincide
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_SCANNED = ("src", "xsd", "docs", "bench", "tests", "examples", "fixtures")
_TEXT_SUFFIXES = {".py", ".xsd", ".xml", ".md", ".txt", ".json", ".toml", ".yaml", ".yml", ".csv"}


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _documentation_sentences(folders: list[Path]) -> set[str]:
    sentences: set[str] = set()
    for path in (p for folder in folders for p in folder.glob("*.xsd")):
        for node in etree.parse(str(path)).iter(f"{_XS}documentation"):
            for sentence in _SENTENCE_END.split(" ".join((node.text or "").split())):
                if len(sentence.split()) >= _MIN_WORDS:
                    sentences.add(_normalise(sentence))
    return sentences


def _repository_texts() -> dict[Path, str]:
    texts = {}
    candidates = [*ROOT.glob("*.md"), *(p for top in _SCANNED for p in (ROOT / top).rglob("*"))]
    for path in candidates:
        if path.is_file() and path.suffix in _TEXT_SUFFIXES and "__pycache__" not in str(path):
            texts[path] = _normalise(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def test_no_documentation_sentence_of_the_published_schemas_is_copied() -> None:
    folders = [_published_xsd(release) for release in RELEASES]
    sentences = _documentation_sentences(folders)
    assert len(sentences) > 300  # the guard is only meaningful when it has material
    texts = _repository_texts()
    assert any(p.parent.parent.name == "xsd" for p in texts) and any(
        p.suffix == ".py" for p in texts
    )
    copied = [
        f"{path.relative_to(ROOT)}: {sentence[:60]}…"
        for path, text in texts.items()
        for sentence in sentences
        if sentence in text
    ]
    assert not copied, "published documentation text found in the repository:\n" + "\n".join(copied)
