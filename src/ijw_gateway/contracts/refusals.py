"""Refusals under the no-extra-data rule: what is recorded, the log interface, the summary.

The region has to be able to show which demands for data beyond the iJw standard were
refused, per municipality and period. A record therefore says who and what, never about
whom: municipality and provider codes, a date, the element or contract term concerned,
and the rule — no BSN, no names, no element content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Literal, Protocol

Source = Literal["message", "contract"]
RULE_CITATION = "Jeugdwet art. 2.15 lid 2 with Regeling Jeugdwet art. 6c.1"
"""The no-extra-data rule's legal basis: the law forbids requirements beyond what the
minister regulated (art. 2.15 lid 2), and the regulation makes iJw the exchange for
effort- and output-based care (art. 6c.1)."""
DETAIL_CHECK_BASIS = "Regeling Jeugdwet §6b"
"""Where detail checks (detailcontrole) are allowed: after a specific risk analysis, for
material control or a fraud inquiry."""


@dataclass(frozen=True)
class Refusal:
    """One refused demand or message part; free of personal data by construction."""

    source: Source  # a message that carried it, or a contract term that demanded it
    municipality: str | None  # gemeentecode
    provider: str | None  # AGB
    on: date | None  # the message's Dagtekening, or the contract's start
    subject: str  # "JW301 T301-1" or "contract ZHZ-4B-001"
    what: str  # "foreign-namespace element at /Bericht/Client/Extra"
    rule: str  # "NO-EXTRA-DATA" or "OP364"
    why: str
    recorded_at: datetime | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "source": self.source,
            "municipality": self.municipality,
            "provider": self.provider,
            "on": self.on.isoformat() if self.on else None,
            "subject": self.subject,
            "what": self.what,
            "rule": self.rule,
            "why": self.why,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Refusal:
        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value is not None else None

        recorded, on = text("recorded_at"), text("on")
        source = text("source")
        return cls(
            source="contract" if source == "contract" else "message",
            municipality=text("municipality"),
            provider=text("provider"),
            on=date.fromisoformat(on) if on else None,
            subject=text("subject") or "",
            what=text("what") or "",
            rule=text("rule") or "",
            why=text("why") or "",
            recorded_at=datetime.fromisoformat(recorded) if recorded else None,
        )

    def stamped(self) -> Refusal:
        """This refusal with ``recorded_at`` set to now (UTC) when it has none yet."""
        return self if self.recorded_at else replace(self, recorded_at=datetime.now(UTC))


class RefusalLog(Protocol):
    """Where refusals go. A JSON-lines file today (``refusallog.py``); a table later."""

    def record(self, refusal: Refusal) -> None: ...

    def refusals(self, start: date | None = None, end: date | None = None) -> list[Refusal]:
        """Recorded refusals whose date lies in [start, end] (either bound optional)."""
        ...


def within(refusal: Refusal, start: date | None, end: date | None) -> bool:
    """Whether a refusal's date lies in the (optional) bounds; undated ones always do."""
    day = refusal.on or (refusal.recorded_at.date() if refusal.recorded_at else None)
    if day is None:
        return True
    return (start is None or day >= start) and (end is None or day <= end)


class MemoryRefusalLog:
    """A log in memory, for tests and for callers that forward refusals elsewhere."""

    def __init__(self) -> None:
        self.items: list[Refusal] = []

    def record(self, refusal: Refusal) -> None:
        self.items.append(refusal.stamped())

    def refusals(self, start: date | None = None, end: date | None = None) -> list[Refusal]:
        return [r for r in self.items if within(r, start, end)]


@dataclass(frozen=True)
class SummaryRow:
    municipality: str  # gemeentecode, or "-" when unknown
    period: str  # "2026-03", or "-" when undated
    messages: int
    contract_terms: int

    @property
    def total(self) -> int:
        return self.messages + self.contract_terms


def summarise(refusals: Iterable[Refusal]) -> list[SummaryRow]:
    """Counts per municipality and month, split into refused messages and contract terms."""
    counts: Counter[tuple[str, str, Source]] = Counter()
    for refusal in refusals:
        day = refusal.on or (refusal.recorded_at.date() if refusal.recorded_at else None)
        period = f"{day.year:04d}-{day.month:02d}" if day else "-"
        counts[(refusal.municipality or "-", period, refusal.source)] += 1
    keys = sorted({(m, p) for m, p, _ in counts})
    return [
        SummaryRow(m, p, counts[(m, p, "message")], counts[(m, p, "contract")]) for m, p in keys
    ]
