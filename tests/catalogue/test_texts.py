"""Finding texts come from one mechanism, the catalogue: every text in ``texts.toml`` is
there in both languages with the same blanks, every key the code says exists, and no
module outside the catalogue picks a language for a text itself."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import ijw_gateway
from ijw_gateway.catalogue.texts import say, texts
from ijw_gateway.findings import LANGUAGES

SRC = Path(ijw_gateway.__file__).parent
_FORMATTER = string.Formatter()


def _blanks(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in _FORMATTER.parse(template) if name is not None)


def test_every_text_is_there_in_both_languages_with_the_same_blanks() -> None:
    for key, entry in texts().items():
        assert set(entry) == set(LANGUAGES), key
        assert _blanks(entry["en"]) == _blanks(entry["nl"]), key


def _said_keys() -> set[str]:
    """The literal keys the code asks the catalogue for: ``say("group.key", …)``,
    ``detail(ctx, "key", …)``, ``sentence(ctx, "group.key", …)``, and the schema and
    screen sentences by their short names."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if name == "detail" and len(args) > 1 and isinstance(args[1], str):
                found.add(f"detail.{args[1]}")
            elif name == "sentence" and len(args) > 1 and isinstance(args[1], str):
                found.add(args[1])
            elif name == "_in" and args and isinstance(args[0], str):  # schematext
                found.add(f"schema.{args[0]}")
            elif name == "say" and args and isinstance(args[0], str):
                found.add(args[0])
            elif name == "say" and len(args) > 2 and isinstance(args[2], str):  # the screen's
                found.add(f"screen.{args[2]}")
    return found


def test_every_key_the_code_says_is_in_the_catalogue() -> None:
    said = _said_keys()
    assert len(said) > 35  # the scan finds the calls (detail, sentence, say, _in)
    assert said - set(texts()) == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_text_is_filled_in_in_its_language(lang: str) -> None:
    text = say("contract.lump_sum", lang, refs="C-1")
    assert "C-1" in text and ("lumpsum" in text) == (lang == "nl")
    assert say("detail.missing", "de", "Bsn") == "(Bsn missing)"  # English where none


def test_no_module_outside_the_catalogue_chooses_a_text_by_language() -> None:
    """``nl if lang == "nl" else en`` beside the texts was the second and third way of
    saying a finding; the catalogue is the one left (the command line's own help aside)."""
    chooses = re.compile(r"""lang\s*==\s*["']nl["']""")
    found = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if chooses.search(path.read_text(encoding="utf-8"))
        and path.parent.name not in ("catalogue", "cli")
    ]
    assert found == []
