"""The TOML position scanner (``contracts.tomlpos``) against a second opinion: toml-rs,
the one maintained TOML library that reports where keys are (docs/contracts.md says why
the gateway keeps its own scanner). Every key, value, array element and element of an
array of tables that toml-rs places must be on the line the scanner says."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import toml_rs

from ijw_gateway.contracts.tomlpos import Key, key_lines
from tests.support.contract_support import TEST_REGION
from tests.support.shared_paths import ROOT

DOCUMENTS = {
    **{
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for folder in ("examples", "src")
        for p in sorted((ROOT / folder).rglob("*.toml"))
    },
    "the test region": TEST_REGION,
    "strings, comments, dotted and quoted keys": (
        'a.b = "x # not a comment"  # a comment\n'
        '"c.d" = """\nline [x]\n"""\n'
        "[t]\n"
        "'e f' = [\n  1,\n  { g = 2 },\n]\n"
        "[[arr]]\nh = 1\n[[arr]]\n[arr.sub]\ni = { j = [3, 4] }\n"
        'k = "say \\"hi\\" = [not, an, array]"\n'
        "l = '''\n[[arr]]\n'''\nm = [\n  # [x]\n  5,\n]\n"
    ),
}


def _placed(path: Key, meta: object) -> Iterator[tuple[Key, int]]:
    """(path, line) of what toml-rs places: a key or element has ``key_line`` or
    ``value_line``; a standard table is a plain mapping of its keys (no line of its own)."""
    if not isinstance(meta, Mapping):
        return
    line = meta.get("key_line", meta.get("value_line"))
    if line is None:  # a table: its keys
        for name, child in meta.items():
            yield from _placed((*path, name), child)
        return
    yield path, line[0] if isinstance(line, tuple | list) else line
    value = meta.get("value")
    children = dict(enumerate(value)) if isinstance(value, list) else value
    if isinstance(children, Mapping):  # an array's elements, an inline table's keys
        for name, child in children.items():
            yield from _placed((*path, name), child)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_scanner_places_what_toml_rs_places_on_the_same_line(name: str) -> None:
    text = DOCUMENTS[name]
    nodes = toml_rs.load_with_metadata(text, toml_version="1.0.0").meta["nodes"]
    theirs = dict(p for key, meta in nodes.items() for p in _placed((key,), meta))
    ours = key_lines(text)
    assert theirs, "toml-rs placed nothing"
    assert {k: ours.get(k) for k in theirs} == theirs
    # what only the scanner places are the tables (their header lines), nothing else
    assert all(isinstance(_at(tomllib.loads(text), k), dict) for k in set(ours) - set(theirs))


def _at(data: object, key: Key) -> object:
    for part in key:
        assert isinstance(data, dict | list), key
        data = data[part]  # type: ignore[index]
    return data


def test_the_documents_cover_the_shapes_the_scanner_follows() -> None:
    """The comparison is only worth as much as the shapes it covers."""
    assert any(Path(n).name == "contracts.toml" for n in DOCUMENTS)
    lines = key_lines(DOCUMENTS["strings, comments, dotted and quoted keys"])
    assert lines[("a", "b")] == 1 and lines[("c.d",)] == 2 and lines[("t", "e f", 1, "g")] == 8
    assert lines[("arr", 1, "sub", "i", "j", 1)] == 14
    assert lines[("arr", 1, "sub", "m", 0)] == 21
