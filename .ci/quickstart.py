"""Print a command from the README's Quick start: `quickstart.py serve` or `quickstart.py test`.

CI runs exactly what a newcomer types, so it reads the commands from the README instead of
keeping a copy of them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quickstart_commands(text: str) -> list[str]:
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.M | re.S)
    if section is None:
        raise SystemExit("README.md has no '## Quick start' section")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section.group(1), re.M | re.S)
    if len(blocks) != 1:
        raise SystemExit(f"Quick start must hold exactly one fenced block, found {len(blocks)}")
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    if len(commands) != 2:
        raise SystemExit(f"Quick start must hold exactly two commands, found {len(commands)}")
    return commands


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "test"
    serve, test = quickstart_commands(README.read_text(encoding="utf-8"))
    print(serve if which == "serve" else test)
