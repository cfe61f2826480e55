"""The release is a key, not a constant: no module outside the catalogue names a release.

Every string, bytes, name and number in the code of ``src/`` is scanned (docstrings and
comments may give examples); the catalogue, where releases are data, is exempt. A release
named anywhere else would be a code path to edit when the next release comes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ijw_gateway.catalogue.releases import RELEASES

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "ijw_gateway"
EXEMPT = (SRC / "catalogue",)  # the releases as data
_NAMESPACE = re.compile(r"istandaarden\.nl/\w+/\d+_\d+")


def _release_pattern(names: list[str]) -> re.Pattern[str]:
    spellings = {s for n in names for s in (n, n.replace(".", "_"))}
    words = "|".join(re.escape(s) for s in sorted(spellings))
    return re.compile(rf"(?<![\w.])(?:{words})(?![\w.]*\d)")


_RELEASE = _release_pattern(list(RELEASES))
_DIGITS = {name.replace(".", "") for name in RELEASES}  # IJW_32 names 3.2 too


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the constants that are docstrings (of modules, classes, functions)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def named_releases(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every place the code itself names a release or its namespace."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            value = node.value
            text = value.decode("latin-1") if isinstance(value, bytes) else value
            if isinstance(text, str) and (_RELEASE.search(text) or _NAMESPACE.search(text)):
                yield node.lineno, repr(value)[:60]
            elif isinstance(value, float) and str(value) in RELEASES:
                yield node.lineno, repr(value)
        elif isinstance(node, ast.Name) and _DIGITS & set(re.findall(r"\d+", node.id)):
            yield node.lineno, node.id


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(SRC.rglob("*.py"))
        if not any(path.is_relative_to(exempt) for exempt in EXEMPT)
    ]


def test_no_module_outside_the_catalogue_names_a_release() -> None:
    modules = _modules()
    assert len(modules) > 150  # the scan covers the code, not an empty folder
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in modules
        for line, what in named_releases(path.read_text(encoding="utf-8"))
    ]
    assert not found, "release named outside the catalogue:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'RELEASE = "3.2"',
        'x = {"release": "2.3"}',
        'ns = b"/ijw/3_2/"',
        'url = f"http://www.istandaarden.nl/ijw/4_0/{name}/schema"',
        "version = 3.2",
        "IJW_32 = 1",
        'def f():\n    "Docstring 3.2."\n    return "2_3"',
    ],
)
def test_the_scan_finds_a_release_named_in_code(source: str) -> None:
    assert list(named_releases(source)), source


@pytest.mark.parametrize(
    "source",
    [
        '"""Module docstring about iJw 3.2."""',
        "# a comment on 3.2\nx = 1",
        'lock = 7_302_325\nversion = "13.2.1"\nsection = "RULES.md §3.21"',
        'release = DEFAULT.name\nx = f"iJw {release}"',
    ],
)
def test_the_scan_leaves_docstrings_comments_and_other_numbers(source: str) -> None:
    assert not list(named_releases(source)), source
