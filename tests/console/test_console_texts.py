"""Every word a console page asks for exists in English and Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import ijw_gateway.console
from ijw_gateway.console.texts import TEXTS, words

PACKAGE = Path(ijw_gateway.console.__file__).parent
ASKED = re.compile(r"""\bt\(\s*["']([a-z_]+)["']\s*\)""")


def _asked() -> set[str]:
    found: set[str] = set()
    for path in [*PACKAGE.glob("templates/*.html"), *PACKAGE.glob("*.py")]:
        found |= set(ASKED.findall(path.read_text(encoding="utf-8")))
    found |= {"all", "failed", "passed"}  # the conformance filter's options, t(s)
    return found


def test_every_asked_word_is_in_the_table() -> None:
    missing = sorted(_asked() - TEXTS.keys())
    assert missing == []


def test_every_word_has_both_languages() -> None:
    empty = [key for key, (en, nl) in TEXTS.items() if not en.strip() or not nl.strip()]
    assert empty == []
    assert words("nl")("validate") == "Valideren" and words("en")("validate") == "Validate"
    assert words("fr")("validate") == "Validate"  # anything else is English
