"""The contract book: a loaded configuration, indexed for matching message items.

Matching answers one question per message item — which contracted product lines of this
provider, for this municipality, cover this product in this period — or says precisely
why none does (unknown municipality, unknown provider, no contract with that
municipality, product not contracted, period not covered), because a refusal that names
what was looked for is one the sender can act on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ijw_gateway.contracts.model import (
    Line,
    Period,
    Provider,
    Region,
    Segment,
    Variant,
    covered,
)

MissReason = Literal["municipality", "provider", "no-contract", "product", "category", "period"]


@dataclass(frozen=True)
class Want:
    """What a message item asks for: provider, municipality, product and period."""

    agb: str
    gemeente: str
    categorie: str | None
    code: str | None
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Match:
    """The lines that cover a ``Want``, or why there are none (``miss``)."""

    lines: tuple[Line, ...] = ()
    miss: MissReason | None = None
    periods: tuple[Period, ...] = ()  # with miss "period": what the contracts do cover

    @property
    def found(self) -> bool:
        return self.miss is None

    @property
    def variants(self) -> frozenset[Variant]:
        return frozenset(line.variant for line in self.lines)


class ContractBook:
    """A region's contracts, immutable after construction and cheap to query."""

    def __init__(
        self,
        source: str,
        region: Region,
        segments: Mapping[str, Segment],
        providers: Mapping[str, Provider],
    ) -> None:
        self.source = source
        self.region = region
        self.segments = dict(segments)
        self.providers = dict(providers)
        self._lines = self._index()
        self._codes = self._code_list()

    def _index(self) -> dict[tuple[str, str], tuple[Line, ...]]:
        index: dict[tuple[str, str], list[Line]] = defaultdict(list)
        for provider in self.providers.values():
            for contract in provider.contracts:
                segment = self.segments[contract.segment]
                for product in contract.products:
                    for gemeente in sorted(contract.municipalities):
                        index[(provider.agb, gemeente)].append(Line(segment, contract, product))
        return {key: tuple(lines) for key, lines in index.items()}

    def _code_list(self) -> dict[str, frozenset[str]]:
        codes: dict[str, set[str]] = defaultdict(set)
        for lines in self._lines.values():
            for line in lines:
                codes[line.product.code].add(line.product.category)
        return {code: frozenset(cats) for code, cats in codes.items()}

    def categories_of(self, code: str) -> frozenset[str]:
        """The categories under which a product code is in the region's product list."""
        return self._codes.get(code, frozenset())

    def lines(self, agb: str, gemeente: str) -> tuple[Line, ...]:
        return self._lines.get((agb, gemeente), ())

    def municipality_name(self, gemeente: str) -> str:
        return self.region.municipalities.get(gemeente, gemeente)

    def parties_miss(self, agb: str, gemeente: str) -> MissReason | None:
        """Why no contract can apply between these two parties at all, or None."""
        if gemeente not in self.region.municipalities:
            return "municipality"
        if agb not in self.providers:
            return "provider"
        if not self.lines(agb, gemeente):
            return "no-contract"
        return None

    def match(self, want: Want) -> Match:
        """The contract lines covering ``want``; with ``miss`` set when nothing does."""
        miss = self.parties_miss(want.agb, want.gemeente)
        if miss is not None:
            return Match(miss=miss)
        lines = self.lines(want.agb, want.gemeente)
        if want.code is not None:
            lines = tuple(line for line in lines if line.product.code == want.code)
            lines = tuple(line for line in lines if line.product.category == want.categorie)
            if not lines:
                return Match(miss="product")
        elif want.categorie is not None:
            lines = tuple(line for line in lines if line.product.category == want.categorie)
            if not lines:
                return Match(miss="category")
        return self._in_period(lines, want)

    @staticmethod
    def _in_period(lines: tuple[Line, ...], want: Want) -> Match:
        periods = tuple(line.product.period for line in lines)
        current = tuple(line for line in lines if line.product.period.contains(want.start))
        if not current or not covered(periods, want.start, want.end):
            return Match(miss="period", periods=tuple(sorted(set(periods), key=str)))
        return Match(lines=current)

    def is_task_based(
        self,
        gemeente: str,
        agb: str,
        categorie: str | None,
        code: str | None,
        on: date | None = None,
    ) -> bool:
        """Whether this municipality buys this product from this provider as a lump sum.

        For cross-message rules such as TR019: task-based care has no allocation, so a
        start or stop without ``ToewijzingNummer`` is right there and wrong elsewhere.
        Without a code the category decides; without a product, all of the provider's
        lines for the municipality. True only when every line that fits is task-based.
        """
        lines = self.lines(agb, gemeente)
        if on is not None:
            lines = tuple(line for line in lines if line.product.period.contains(on))
        if code is not None:
            lines = tuple(line for line in lines if line.product.code == code)
        elif categorie is not None:
            lines = tuple(line for line in lines if line.product.category == categorie)
        return bool(lines) and all(line.variant is Variant.TASK for line in lines)

    def summary(self) -> str:
        contracts = sum(len(p.contracts) for p in self.providers.values())
        return (
            f"region {self.region.code} ({self.region.name}): "
            f"{len(self.region.municipalities)} municipalities, {len(self.segments)} segments, "
            f"{len(self.providers)} providers, {contracts} contracts"
        )
