"""Which message answers which, and on which class of the answer a finding lands.

Everything here is read from the message catalogue: the answer of a message, and which of
its classes close with ``RetourCodes`` and so can carry a verdict. No list of classes is
written down by hand, so a change in the catalogue moves the verdicts with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ijw_gateway.catalogue.structure import ANSWERED_BY, MESSAGES, MessageStructure
from ijw_gateway.findings import Finding

Step = tuple[str, int]  # (element name, 1-based position among same-named siblings)
ClassPath = tuple[Step, ...]
HEADER: ClassPath = (("Header", 1),)

_UNPLACED_LEVELS = frozenset({"xml", "schema", "message"})
_STEP = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?:\[(?P<index>[0-9]+)\])?$")


def is_answer(message: str) -> bool:
    """True for the retours and the JW325: their header points at another message."""
    names = {e.name for e in MESSAGES[message].classes["Header"]}
    return bool(names & {"IdentificatieRetour", "DeclaratieIdentificatie"})


def answer_types() -> Mapping[str, str]:
    """Heen message -> the message that answers it (``JW301`` -> ``JW302`` … ``JW323`` -> ``JW325``)."""
    return ANSWERED_BY


def has_retourcodes(structure: MessageStructure, class_name: str) -> bool:
    """True when a class closes with ``RetourCodes``: it can carry a verdict."""
    sequence = structure.classes.get(class_name, ())
    return bool(sequence) and sequence[-1].name == "RetourCodes"


def parse_path(path: str) -> ClassPath | None:
    """``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]`` -> steps below the root.

    A step without a position is the first (and only) element of its name; prefixes are
    ignored. Returns None for anything that is not a path from ``Bericht`` down.
    """
    parts = [p.split(":")[-1] for p in path.split("/") if p]
    if not parts or parts[0].split("[")[0] != "Bericht":
        return None
    steps: list[Step] = []
    for part in parts[1:]:
        match = _STEP.match(part)
        if match is None:
            return None
        steps.append((match["name"], int(match["index"] or 1)))
    return tuple(steps)


def _root_renames(heen: MessageStructure, answer: MessageStructure) -> dict[str, str]:
    """Top-level classes of the original -> those of the answer, by position.

    Identity for the retours; for the JW325 it maps ``Declaratie`` to ``DeclaratieAntwoord``.
    """
    pairs = zip(heen.classes["Root"], answer.classes["Root"], strict=False)
    return {h.name: a.name for h, a in pairs}


def class_path(heen: str, path: str) -> ClassPath:
    """The class of the answer that carries the verdict on a finding at ``path``.

    That is the nearest enclosing element whose class closes with ``RetourCodes`` in the
    answer (a list wrapper such as ``ToegewezenProducten`` belongs to its parent). A path
    that leads to no such class — the root, or a path that does not fit the message —
    lands on the header, the one class every answer has.
    """
    answer = MESSAGES[answer_types()[heen]]
    steps = parse_path(path) or ()
    if steps:
        renames = _root_renames(MESSAGES[heen], answer)
        steps = ((renames.get(steps[0][0], steps[0][0]), steps[0][1]), *steps[1:])
    sequence, best = answer.classes["Root"], 0
    for depth, (name, _index) in enumerate(steps, 1):
        element = next((e for e in sequence if e.name == name), None)
        if element is None or element.type not in answer.classes:
            break
        sequence = answer.classes[element.type]
        if has_retourcodes(answer, element.type):
            best = depth
    return steps[:best] if best else HEADER


@dataclass(frozen=True)
class Verdict:
    """What a report means for the answer: a level-2 refusal, and codes per class."""

    refused: bool  # a within-message rule failed: the header gets 0001 and nothing else
    placed: Mapping[ClassPath, tuple[str, ...]]  # class -> its own codes, in finding order

    def codes(self, where: ClassPath) -> tuple[str, ...]:
        return self.placed.get(where, ())

    def below(self, where: ClassPath) -> bool:
        """True when ``where`` or a class inside it has codes of its own."""
        return any(p[: len(where)] == where for p in self.placed)


def placeable(finding: Finding) -> bool:
    """Level 3/4 (and any later level) findings that carry a code; the rest stay in the
    report only: levels 1 and 2 have their own answer, and a finding without a code
    (a warning, or one of the rules the standard gave no code) cannot be expressed."""
    return finding.level not in _UNPLACED_LEVELS and finding.retourcode is not None


def unexpressed(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings of level 3 or later that the standard gave no retourcode, such as the
    gateway's own contract checks: they refuse in the report but cannot be said in the
    answer, so the caller has to decide what to do with them."""
    return tuple(f for f in findings if f.level not in _UNPLACED_LEVELS and f.retourcode is None)


def verdict(heen: str, findings: Iterable[Finding]) -> Verdict:
    """Sort a report's findings into what an answer to ``heen`` has to say."""
    refused = False
    placed: dict[ClassPath, list[str]] = {}
    for finding in findings:
        refused |= finding.level == "message"
        if placeable(finding) and finding.retourcode is not None:
            codes = placed.setdefault(class_path(heen, finding.path), [])
            if finding.retourcode not in codes:
                codes.append(finding.retourcode)
    return Verdict(refused, {where: tuple(codes) for where, codes in placed.items()})
