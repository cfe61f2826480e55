"""parse -> detect -> schema -> checks: the validation pipeline, pure and reusable.

Levels follow the standard (RULES.md §0): a document that is not well-formed or not
schema-valid stops at level 1; within-message rules (level 2, retourcode 0001) reject the
whole message and stop there too; cross-message, contract and policy checks then all run,
so a sender sees every later-level fault at once.

The checks and screens are those of the release the exchange carries. A message of
another release the catalogue knows (2.3) is judged by its own release's schema only; a
validator that takes the exchange's releases alone (the service's) answers it with one
finding instead (``detect.not_exchanged``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from lxml import etree

from ijw_gateway import xmlparse
from ijw_gateway.catalogue.releases import EXCHANGED
from ijw_gateway.detect import Detected, detect, not_exchanged
from ijw_gateway.errors import InputRejected
from ijw_gateway.findings import Finding, Report
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.xmlpath import Paths


@dataclass(frozen=True)
class ParsedMessage:
    """A schema-valid iJw message, ready for the rules."""

    type: str  # "JW301"
    release: str
    tree: etree._ElementTree
    raw: bytes
    paths: Paths = field(default_factory=Paths, compare=False, repr=False)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def path(self, element: etree._Element) -> str:
        """The element path of ``element`` in this message: what findings point at."""
        return self.paths.of(element)


_R = TypeVar("_R")


def per_message(extract: Callable[[ParsedMessage], _R]) -> Callable[[ParsedMessage], _R]:
    """Compute once per message: several rules ask for the same facts of one message.

    Results are shared between callers, so they must not be mutated.
    """
    memo: weakref.WeakKeyDictionary[ParsedMessage, _R] = weakref.WeakKeyDictionary()

    def cached(message: ParsedMessage) -> _R:
        try:
            return memo[message]
        except KeyError:
            memo[message] = result = extract(message)
            return result

    cached.__doc__ = extract.__doc__
    cached.__name__ = extract.__name__
    return cached


Check = Callable[[ParsedMessage], Iterable[Finding]]
"""A stage after the schema: within-message rules, history rules, contracts, policy."""

Screen = Callable[[etree._ElementTree, str], Iterable[Finding]]
"""A look at the detected document *before* the schema (tree, message type): for content
that the standard does not allow and that must be refused for its own reason (policy),
not merely as a schema error."""

STOPPING_LEVELS = frozenset({"message"})


@dataclass(frozen=True)
class Outcome:
    """A report plus, when the document got that far, the parsed message."""

    report: Report
    message: ParsedMessage | None


@dataclass(frozen=True)
class Pending:
    """A judgement that waits for one check run later (``Validator.prepare``): the
    cross-message rules, which read the store and so belong inside a transaction, while
    everything else about a message is decided before one begins."""

    report: Report  # up to the deferred check; final when ``stopped``
    later: tuple[Finding, ...]  # of the checks after the deferred one
    message: ParsedMessage | None
    stopped: bool

    def finish(self, deferred: Check) -> Outcome:
        """The outcome ``Validator.run`` gives with ``deferred`` among the checks."""
        if self.stopped or self.message is None:
            return Outcome(self.report, self.message)
        found = tuple(deferred(self.message))
        later = () if _stops(found) else self.later
        return Outcome(self.report.with_findings(found + later), self.message)


class Validator:
    """Validates bytes against the schemas and then runs the configured checks in order.

    ``lang`` is the language of the schema findings' texts; the checks and screens were
    made in theirs. ``releases``: the releases it takes; a message of a release the
    exchange does not carry and this leaves out gets one finding instead of a verdict
    (None: it takes every release the catalogue knows).
    """

    def __init__(
        self,
        registry: SchemaRegistry,
        checks: Sequence[Check] = (),
        screens: Sequence[Screen] = (),
        lang: str = "en",
        releases: Collection[str] | None = None,
    ) -> None:
        self.registry = registry
        self.checks = tuple(checks)
        self.screens = tuple(screens)
        self.lang = lang
        self.releases = releases

    def validate(self, data: bytes, file: str = "<message>") -> Report:
        return self.run(data, file).report

    def run(
        self,
        data: bytes,
        file: str = "<message>",
        tree: etree._ElementTree | None = None,
        checks: Sequence[Check] | None = None,
    ) -> Outcome:
        """``tree``: ``data`` as ``xmlparse.parse`` already read it, to not parse it twice;
        ``checks``: instead of the validator's own."""
        if tree is None:
            try:
                tree = xmlparse.parse(data)
            except InputRejected as rejected:
                return Outcome(Report(file, findings=(rejected.finding,)), None)
        detected = detect(tree.getroot())
        if not isinstance(detected, Detected):
            return Outcome(Report(file, findings=(detected,)), None)
        if detected.release not in EXCHANGED:
            return Outcome(self._other_release(file, tree, detected), None)
        screened = (
            tuple(f for screen in self.screens for f in screen(tree, detected.message))
            if self.screens
            else ()
        )
        schema_findings = tuple(
            self.registry.check(
                tree, detected.message, len(data), lang=self.lang, release=detected.release
            )
        )
        if schema_findings or screened:
            valid = not schema_findings
            report = Report(
                file, detected.message, detected.release, valid, screened + schema_findings
            )
            return Outcome(report, None)
        message = ParsedMessage(detected.message, detected.release, tree, data)
        return Outcome(
            self._checked(file, message, self.checks if checks is None else checks), message
        )

    def prepare(self, data: bytes, file: str, tree: etree._ElementTree | None, at: int) -> Pending:
        """``run`` with one check left out, to be given to ``Pending.finish``: it belongs
        before ``self.checks[at]``. The checks after it run now already (their findings
        are kept apart), so the one left out is all that remains to be done."""
        outcome = self.run(data, file, tree, self.checks[:at])
        stopped = outcome.message is None or _stops(outcome.report.findings)
        if stopped or outcome.message is None:
            return Pending(outcome.report, (), outcome.message, True)
        later = self._checked(file, outcome.message, self.checks[at:]).findings
        return Pending(outcome.report, later, outcome.message, False)

    def _other_release(self, file: str, tree: etree._ElementTree, detected: Detected) -> Report:
        """A release the exchange no longer carries: its own schema's verdict, or, for a
        validator that does not take it, one finding that says so."""
        found = self.registry.check(
            tree, detected.message, lang=self.lang, release=detected.release
        )
        if self.releases is None or detected.release in self.releases:
            return Report(file, detected.message, detected.release, not found, tuple(found))
        refusal = not_exchanged(tree.getroot(), detected, len(found))
        return Report(file, detected.message, detected.release, False, (refusal,))

    def _checked(self, file: str, message: ParsedMessage, checks: Sequence[Check]) -> Report:
        report = Report(file, message.type, message.release, True)
        for check in checks:
            found = tuple(check(message))
            report = report.with_findings(found)
            if _stops(found):
                break
        return report


def _stops(findings: Iterable[Finding]) -> bool:
    return any(f.level in STOPPING_LEVELS for f in findings)
