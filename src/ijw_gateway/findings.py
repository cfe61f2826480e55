"""Findings and reports: validation results are data, never exceptions.

A ``Finding`` says what is wrong, where (element path and line), which rule of the
standard it breaks and which retourcode answers it. A ``Report`` gathers the findings
for one message; a message is accepted exactly when it has no findings.

A report keeps every finding: the return message must refuse every faulty line and carry
every retourcode the standard requires. What is *shown* of them is capped
(``MAX_FINDINGS``): the JSON of a report, the command line's output and the store list the
first ones and count the rest (``findings_omitted``), so a message with a finding on every
one of 200,000 attributes does not answer with a 30 MB list. ``retourcodes`` always
covers every finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["xml", "schema", "message", "history", "contract", "policy"]
LEVELS: tuple[Level, ...] = ("xml", "schema", "message", "history", "contract", "policy")
LANGUAGES = ("en", "nl")
"""The languages of finding texts; the first is the default."""

JsonDict = dict[str, object]

MAX_FINDINGS = 1000
"""Findings listed per message (answer, command line, store); the rest are counted."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a message."""

    level: Level
    rule: str | None
    retourcode: str | None
    path: str
    line: int
    text: str

    def to_json(self) -> JsonDict:
        return {
            "level": self.level,
            "rule": self.rule,
            "retourcode": self.retourcode,
            "path": self.path,
            "line": self.line,
            "text": self.text,
        }


def listed(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Of ``findings``, those that are listed: the first ``MAX_FINDINGS`` (a message's, or
    a StUF-GGk envelope's)."""
    return findings[:MAX_FINDINGS]


def omitted(findings: tuple[Finding, ...]) -> int:
    """How many of ``findings`` are counted but not listed."""
    return max(0, len(findings) - MAX_FINDINGS)


@dataclass(frozen=True)
class Report:
    """The verdict on one message (or one file that should have held a message)."""

    file: str
    message: str | None = None
    release: str | None = None
    schema_valid: bool = False
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return self.schema_valid and not self.findings

    @property
    def retourcodes(self) -> list[str]:
        """Distinct retourcodes of the findings, in the order they were found."""
        seen: dict[str, None] = {}
        for finding in self.findings:
            if finding.retourcode is not None:
                seen.setdefault(finding.retourcode, None)
        return list(seen)

    @property
    def shown(self) -> tuple[Finding, ...]:
        """The findings that are listed: the first ``MAX_FINDINGS``."""
        return listed(self.findings)

    @property
    def omitted(self) -> int:
        """How many findings are counted but not listed."""
        return omitted(self.findings)

    def with_findings(self, extra: Iterable[Finding]) -> Report:
        return Report(
            self.file, self.message, self.release, self.schema_valid, self.findings + tuple(extra)
        )

    def to_json(self) -> JsonDict:
        return {
            "file": self.file,
            "message": self.message,
            "release": self.release,
            "schema_valid": self.schema_valid,
            "accepted": self.accepted,
            "retourcodes": self.retourcodes,
            "findings": [f.to_json() for f in self.shown],
            "findings_omitted": self.omitted,
        }
