"""What a receiver answered to one message, and how that compares with the manifest.

Targets differ in how much they tell: our own gateway returns a JSON verdict with rule
codes; a generic iJw receiver answers with a return message whose RetourCodes are all
there is; an exchange may refuse a document at the door with an HTTP error. ``Observed``
holds what is known and leaves the rest ``None``, and ``problems`` compares only what the
target actually said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the manifest module pulls in the fixture builders: not at start
    from ijw_gateway.fixtures.manifest import Entry

NEUTRAL = frozenset({"0200", "0233", "8001"})
"""Retourcodes that say "no remark", "not assessed" or "fully granted": never a rejection."""

ANSWERS = frozenset({"JW302", "JW306", "JW308", "JW316", "JW318", "JW320", "JW325"})
"""Messages that answer another. Nothing answers them, so a receiver that refuses one can
say so only outside the iJw traffic (an HTTP error, say), without a retourcode."""


@dataclass(frozen=True)
class Observed:
    """A target's answer to one message."""

    accepted: bool
    retourcodes: tuple[str, ...] = ()
    schema_valid: bool | None = None  # None: the target did not say
    rules: tuple[str, ...] | None = None  # None: the target reports no rule codes
    notes: tuple[str, ...] = ()  # e.g. findings outside the standard (contract, policy)
    refused: str | None = None  # the target refused the request itself (HTTP status, reason)

    @property
    def rejecting_codes(self) -> tuple[str, ...]:
        return tuple(sorted({c for c in self.retourcodes if c not in NEUTRAL}))

    def summary(self) -> str:
        verdict = "accepted" if self.accepted else "rejected"
        if self.refused:
            verdict = f"refused ({self.refused})"
        elif self.schema_valid is False:
            verdict += " by the schema"
        codes = self.rejecting_codes
        parts = [verdict]
        if codes:
            parts.append("retourcodes " + ", ".join(codes))
        if self.rules:
            parts.append("rules " + ", ".join(sorted(set(self.rules))))
        return "; ".join(parts)


def expected_summary(entry: Entry) -> str:
    if entry.accepted:
        return "accepted"
    if not entry.schema_valid:
        return "rejected by the schema (no retourcode)"
    text = "rejected"
    if entry.retourcodes:
        text += "; retourcodes " + ", ".join(sorted(entry.retourcodes))
    return text + "; rules " + ", ".join(sorted(entry.rules))


def problems(entry: Entry, observed: Observed) -> list[str]:
    """Every way ``observed`` differs from what ``entry`` expects (empty: it conforms)."""
    found: list[str] = []
    if observed.accepted != entry.accepted:
        found.append("accepted" if observed.accepted else "rejected")
    if observed.schema_valid is not None and observed.schema_valid != entry.schema_valid:
        found.append("schema " + ("valid" if observed.schema_valid else "invalid"))
    codes, wanted = set(observed.rejecting_codes), set(entry.retourcodes)
    unsayable = observed.refused is not None and entry.message in ANSWERS
    if codes != wanted and not (unsayable and not entry.accepted):
        found.append(_difference("retourcode", wanted, codes))
    if observed.rules is not None:
        rules = {r for r in observed.rules if r}
        if rules != set(entry.rules):
            found.append(_difference("rule", set(entry.rules), rules))
    return found


def _difference(what: str, wanted: set[str], got: set[str]) -> str:
    parts = []
    if wanted - got:
        parts.append(f"missing {what}s {', '.join(sorted(wanted - got))}")
    if got - wanted:
        parts.append(f"unexpected {what}s {', '.join(sorted(got - wanted))}")
    return "; ".join(parts)
