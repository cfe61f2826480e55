"""The contract model: region, segments, providers, contracts and their product lines.

A region buys youth care per segment; each segment has a purchasing route, one or more
financing variants and the access routes (referrer types) it admits. Providers hold
contracts per segment, and every contract lists the products it covers with unit and
tariff. The iJw standard carries none of this, yet rules TR381, TR346 and TR418 and the
execution variants of RULES.md §1.3 depend on it, so the gateway keeps it as plain,
immutable values that the matching code reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Variant(StrEnum):
    """Financing variant (uitvoeringsvariant) of a product."""

    EFFORT = "effort"  # inspanningsgericht, P×Q
    OUTPUT = "output"  # outputgericht
    TASK = "task"  # taakgericht, lump sum
    UNDECIDED = "to-be-decided"


class Purchasing(StrEnum):
    """How the region buys a segment."""

    SAS = "sas"  # procedure for social and other specific services
    OPEN_HOUSE = "open-house"
    BUDGET_SUBSIDY = "budget-subsidy"
    UNDECIDED = "to-be-decided"


class Scope(StrEnum):
    """Whether a segment is bought by the region or per municipality."""

    REGIONAL = "regional"
    LOCAL = "local"


PER_CLIENT = frozenset({Variant.EFFORT, Variant.OUTPUT})
"""The variants for which Regeling Jeugdwet art. 6c.1 makes the iJw messages mandatory, so
that Jeugdwet art. 2.15 lid 2 forbids asking for more (the no-extra-data rule)."""

EFFORT_UNITS = frozenset({"01", "04", "14", "16", "84"})
OUTPUT_UNITS = frozenset({"82", "83"})
UNITS: Mapping[Variant, frozenset[str]] = {
    Variant.EFFORT: EFFORT_UNITS,
    Variant.OUTPUT: OUTPUT_UNITS,
}
MINUTE, HOUR, EUROS = "01", "04", "83"


@dataclass(frozen=True)
class Period:
    """A validity period; ``end`` is inclusive and None means open-ended."""

    start: date
    end: date | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat() if self.end else 'open'}"


def covered(periods: tuple[Period, ...], start: date, end: date | None) -> bool:
    """Whether the union of ``periods`` covers ``start`` through ``end`` (or just ``start``).

    Consecutive contracts for the same product (a renewal, a new tariff year) together
    cover a longer allocation, so coverage is judged on the union, not on one period.
    """
    day = start
    last = end or start
    for period in sorted(periods, key=lambda p: p.start):
        if period.start > day:
            break
        if period.end is None or period.end >= last:
            return period.start <= day
        if period.end >= day:
            day = date.fromordinal(period.end.toordinal() + 1)
    return False


def merged(periods: tuple[Period, ...]) -> tuple[Period, ...]:
    """Overlapping or adjacent periods joined: how coverage reads to a person."""
    out: list[Period] = []
    for period in sorted(periods, key=lambda p: p.start):
        last = out[-1] if out else None
        if last is not None and (
            last.end is None or period.start.toordinal() <= last.end.toordinal() + 1
        ):
            end = None if last.end is None or period.end is None else max(last.end, period.end)
            out[-1] = Period(last.start, end)
        else:
            out.append(period)
    return tuple(out)


class CheckPurpose(StrEnum):
    """What a detail check (detailcontrole) under Regeling Jeugdwet §6b may be for."""

    MATERIAL_CONTROL = "material-control"  # materiële controle
    FRAUD_INQUIRY = "fraud-inquiry"  # fraudeonderzoek


@dataclass(frozen=True)
class DetailCheck:
    """A detail check a contract announces: an inquiry into the provider's own records.

    Regeling Jeugdwet §6b allows it after a specific risk analysis, for material control
    or a fraud inquiry. It checks what was declared instead of asking for more data, so
    the no-extra-data rule does not refuse it; the configuration names the purpose and
    the risk analysis so that the report can list the clause as lawful.
    """

    purpose: CheckPurpose
    risk_analysis: str


@dataclass(frozen=True)
class Conditions:
    """What a contract demands of a provider beyond delivering care.

    Listed so that demands the no-extra-data rule forbids can be *named* in a
    configuration and refused, instead of living in side letters nobody checks; and so
    that lawful ones (detail checks) are named and shown as lawful.
    """

    extra_client_data: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    message_extensions: tuple[str, ...] = ()
    side_reports: tuple[str, ...] = ()
    payment_requires_start_stop: bool = False
    detail_checks: tuple[DetailCheck, ...] = ()

    @property
    def empty(self) -> bool:
        return self == Conditions()


@dataclass(frozen=True)
class Segment:
    """One of the region's purchasing segments (e.g. ``4B``)."""

    id: str
    name: str
    purchasing: Purchasing
    variants: frozenset[Variant]
    scope: Scope
    access: frozenset[str]  # COD327 referrer codes
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class ContractProduct:
    """A product a contract covers: its code, variant, unit and tariff."""

    category: str
    code: str
    variant: Variant
    unit: str | None  # WJ756 Eenheid; None for task-based products
    tariff: int | None  # euro cents per unit; None for task-based products and unit 83
    period: Period
    access: frozenset[str] | None = None  # narrows the segment's access routes
    name: str = ""


@dataclass(frozen=True)
class Contract:
    """A provider's contract in one segment for a set of municipalities."""

    ref: str
    provider: str  # AGB
    segment: str
    municipalities: frozenset[str]
    period: Period
    products: tuple[ContractProduct, ...]
    monitoring: bool = False  # task-based: start/stop messages agreed for monitoring
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class Provider:
    agb: str
    name: str
    wnt_compliant: bool
    contracts: tuple[Contract, ...]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    municipalities: Mapping[str, str]  # gemeentecode -> name
    require_wnt: bool = True
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class Line:
    """One contracted product for one provider: what a message item is matched against."""

    segment: Segment
    contract: Contract
    product: ContractProduct

    @property
    def variant(self) -> Variant:
        return self.product.variant

    @property
    def access(self) -> frozenset[str]:
        return self.product.access if self.product.access is not None else self.segment.access
