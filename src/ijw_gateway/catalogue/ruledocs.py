"""Render the rule catalogue as Markdown (``docs/rules.md``).

The catalogue is the single source of what each rule means; the documentation is
generated from it so that the two cannot drift (a test compares the committed file with
this function's output). Refresh it with::

    python -m ijw_gateway.catalogue.ruledocs docs/rules.md
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from ijw_gateway.catalogue.rulecat import RuleSpec, rules
from ijw_gateway.findings import LEVELS

LEVEL_HEADINGS: Mapping[str, str] = {
    "xml": "Well-formedness",
    "schema": "Schema (level 1)",
    "message": "Within one message (level 2)",
    "history": "Against earlier messages or external data (levels 3 and 4)",
    "contract": "Against the contract",
    "policy": "Policy",
}

LEVEL_INTRO: Mapping[str, str] = {
    "message": (
        "Decidable from the message alone. Any finding rejects the whole message: the "
        "return message is a bare Header with retourcode 0001, and later checks do not run."
    ),
    "history": (
        "Need the messages received earlier (or data from outside the message traffic). "
        "The retourcode is placed on the class in which the fault sits; for JW323 only "
        "the faulty Prestaties are rejected."
    ),
    "contract": "Need the contracts the gateway is configured with (products, tariffs, variants).",
    "policy": "Organisational rules the gateway applies on top of the standard's own.",
}

_PREAMBLE = """\
# Rules checked by ijw-gateway

Generated from the rule catalogue (`src/ijw_gateway/catalogue/rules/*.toml`) by
`python -m ijw_gateway.catalogue.ruledocs docs/rules.md`; do not edit by hand.
Every finding the gateway reports carries the rule code, the retourcode, the element
path and line, and the explanation below (in Dutch or English).

Rules marked *provisional* rest on a reading of the standard where its sources are
silent or incomplete (a Gap in the rule catalogue): the section
[Provisional readings](#provisional-readings) says which reading the gateway uses.
"""


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _messages(spec: RuleSpec) -> str:
    return ", ".join(sorted(spec.messages))


def _title(spec: RuleSpec) -> str:
    title = spec.title.get("en") or spec.code
    return f"{title} *(provisional)*" if spec.provisional else title


def _table(specs: Iterable[RuleSpec]) -> list[str]:
    lines = ["| Code | Messages | Retourcode | Rule | Source |", "|---|---|---|---|---|"]
    for spec in specs:
        cells = (
            f"[{spec.code}](#{spec.code.lower()})",
            _messages(spec),
            spec.retourcode or "–",
            _title(spec),
            spec.source,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _details(spec: RuleSpec) -> list[str]:
    lines = [f"### {spec.code}", "", f"**{_title(spec)}** — {spec.title.get('nl', '')}", ""]
    lines.append(
        f"Messages: {_messages(spec)} · level: {spec.level} · "
        f"retourcode: {spec.retourcode or '–'} · source: {spec.source}"
    )
    for lang, label in (("en", "English"), ("nl", "Nederlands")):
        if lang in spec.explain:
            lines += ["", f"*{label}:* {spec.explain[lang]}"]
    return [*lines, ""]


def _level_section(level: str, specs: list[RuleSpec]) -> list[str]:
    lines = [f"## {LEVEL_HEADINGS.get(level, level)}", ""]
    if level in LEVEL_INTRO:
        lines += [LEVEL_INTRO[level], ""]
    lines += [*_table(specs), ""]
    for spec in specs:
        lines += _details(spec)
    return lines


def _provisional_section(specs: list[RuleSpec]) -> list[str]:
    lines = ["## Provisional readings", ""]
    if not specs:
        return [*lines, "None.", ""]
    lines.append(
        "The standard's sources do not fully say what these rules check. The gateway "
        "enforces the reading described in each explanation; a rejection they cause is "
        "worth confirming with the standard's maintainers."
    )
    lines.append("")
    for spec in specs:
        reading = spec.explain.get("en", "")
        lines.append(f"- **[{spec.code}](#{spec.code.lower()})** ({_messages(spec)}): {reading}")
    return [*lines, ""]


def render(catalogue: Mapping[str, RuleSpec] | None = None) -> str:
    """The Markdown documentation of every rule in ``catalogue`` (default: all rules)."""
    specs = sorted((catalogue if catalogue is not None else rules()).values(), key=lambda s: s.code)
    lines = [_PREAMBLE]
    for level in LEVELS:
        of_level = [s for s in specs if s.level == level]
        if of_level:
            lines += _level_section(level, of_level)
    lines += _provisional_section([s for s in specs if s.provisional])
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    """Write the documentation to the path given, or print it."""
    text = render()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
