"""The history in memory: both protocols on plain lists, for tests and the command line.

Lists keep arrival order, which the protocol promises. Lookups scan; that is fine for a
test sequence or a replayed directory, and the gateway store answers the same questions
with indexed queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ijw_gateway.findings import Report
from ijw_gateway.history.extract import facts
from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Facts,
    Prestatie,
    Rejection,
    Request,
)
from ijw_gateway.validation import ParsedMessage


class InMemoryHistory:
    """A ``HistoryStore`` that lives as long as the object does."""

    def __init__(self) -> None:
        self._ids: set[tuple[str, str, str]] = set()
        self._allocations: dict[tuple[str, int], list[Allocation]] = {}
        self._requests: list[Request] = []
        self._answers: list[Answer] = []
        self._care: list[CareClass] = []
        self._declarations: list[Declaration] = []
        self._prestaties: list[Prestatie] = []

    # -- recording ---------------------------------------------------------------

    def record(self, message: ParsedMessage, report: Report) -> None:
        found = facts(message, report)
        if found is not None:
            self.apply(found)

    def apply(self, found: Facts) -> None:
        """Add the facts of one message (the part every store implements the same way)."""
        ident = found.message
        self._ids.add((ident.sender, ident.berichtcode, ident.identificatie))
        for allocation in found.allocations:
            key = (allocation.gemeente, allocation.nummer)
            self._allocations.setdefault(key, []).append(allocation)
        self._requests.extend(found.requests)
        self._answers.extend(found.answers)
        self._care.extend(found.care)
        if found.declaration is not None:
            self._declarations.append(found.declaration)
        self._prestaties.extend(found.prestaties)
        for rejection in found.rejections:
            self._reject(rejection)

    def _reject(self, rejection: Rejection) -> None:
        def hit(p: Prestatie) -> bool:
            return (
                (p.gemeente, p.agb, p.declaratie)
                == (rejection.gemeente, rejection.agb, rejection.declaratie)
            ) and rejection.referentie in (None, p.referentie)

        self._prestaties = [replace(p, rejected=True) if hit(p) else p for p in self._prestaties]
        if rejection.referentie is None:
            self._declarations = [
                replace(d, rejected=True)
                if (d.gemeente, d.agb, d.identificatie)
                == (rejection.gemeente, rejection.agb, rejection.declaratie)
                else d
                for d in self._declarations
            ]

    # -- questions ---------------------------------------------------------------

    def identification_used(self, sender: str, berichtcode: str, identificatie: str) -> bool:
        return (sender, berichtcode, identificatie) in self._ids

    def allocation(self, gemeente: str, nummer: int) -> Allocation | None:
        versions = self._allocations.get((gemeente, nummer))
        if not versions:
            return None
        # Highest Toewijzingsdatum + tijd wins (IV013); on a tie the later arrival.
        return max(enumerate(versions), key=lambda iv: (iv[1].toegewezen_op, iv[0]))[1]

    def allocations_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Allocation]:
        latest = (self.allocation(g, n) for (g, n) in self._allocations if g == gemeente)
        return [a for a in latest if a is not None and (a.agb, a.bsn) == (agb, bsn)]

    def request(self, agb: str, referentie: str) -> Request | None:
        return next((r for r in self._requests if (r.agb, r.referentie) == (agb, referentie)), None)

    def requests_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Request]:
        return [r for r in self._requests if (r.gemeente, r.agb, r.bsn) == (gemeente, agb, bsn)]

    def answers_to(self, gemeente: str, agb: str, referentie: str) -> Sequence[Answer]:
        wanted = (gemeente, agb, referentie)
        return [a for a in self._answers if (a.gemeente, a.agb, a.referentie) == wanted]

    def care_classes(self, gemeente: str, agb: str, bsn: str) -> Sequence[CareClass]:
        return [c for c in self._care if (c.gemeente, c.agb, c.bsn) == (gemeente, agb, bsn)]

    def declaration(self, gemeente: str, agb: str, identificatie: str) -> Declaration | None:
        wanted = (gemeente, agb, identificatie)
        found = (d for d in self._declarations if (d.gemeente, d.agb, d.identificatie) == wanted)
        return next(found, None)

    def declarations_of(self, gemeente: str, agb: str) -> Sequence[Declaration]:
        return [d for d in self._declarations if (d.gemeente, d.agb) == (gemeente, agb)]

    def declaration_number_used(self, agb: str, nummer: str) -> bool:
        return any(
            d.agb == agb and d.nummer == nummer and not d.rejected for d in self._declarations
        )

    def prestatie(self, agb: str, referentie: str) -> Prestatie | None:
        counted = (
            p
            for p in self._prestaties
            if (p.agb, p.referentie) == (agb, referentie) and not p.rejected
        )
        return next(counted, None)

    def credits_of(self, agb: str, referentie: str) -> Sequence[Prestatie]:
        return [
            p
            for p in self._prestaties
            if p.is_credit and (p.agb, p.vorig_referentie) == (agb, referentie)
        ]

    def prestaties_on(self, gemeente: str, nummer: int) -> Sequence[Prestatie]:
        return [p for p in self._prestaties if (p.gemeente, p.nummer) == (gemeente, nummer)]

    def prestaties_of(self, gemeente: str, agb: str, declaratie: str) -> Sequence[Prestatie]:
        wanted = (gemeente, agb, declaratie)
        return [p for p in self._prestaties if (p.gemeente, p.agb, p.declaratie) == wanted]
