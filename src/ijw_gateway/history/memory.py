"""The history in memory: both protocols on plain lists, for tests and the command line.

Lists keep arrival order, which the protocol promises; every question is answered from
an index by its key, as the gateway store answers it with indexed queries. Scanning the
lists made a replayed directory cost its size times the size of every message judged
against it: each Prestatie of a large declaration asks several questions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from operator import attrgetter
from typing import Generic, TypeVar

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

T = TypeVar("T")


class _Indexed(Generic[T]):
    """Records in arrival order, with the positions of each key's records (in order).
    Keys are ``attrgetter``s, so a history can be pickled (the benchmarks do)."""

    def __init__(self, *keys: Callable[[T], Hashable]) -> None:
        self.records: list[T] = []
        self._keys = keys
        self._at: list[dict[Hashable, list[int]]] = [{} for _ in keys]

    def add(self, record: T) -> None:
        for key, at in zip(self._keys, self._at, strict=True):
            at.setdefault(key(record), []).append(len(self.records))
        self.records.append(record)

    def positions(self, index: int, key: Hashable) -> list[int]:
        return self._at[index].get(key, [])

    def find(self, index: int, key: Hashable) -> list[T]:
        return [self.records[i] for i in self.positions(index, key)]


class InMemoryHistory:
    """A ``HistoryStore`` that lives as long as the object does."""

    def __init__(self) -> None:
        self._ids: set[tuple[str, str, str]] = set()
        self._allocations: dict[tuple[str, int], list[Allocation]] = {}  # in first-seen order
        self._first: dict[tuple[str, int], int] = {}  # the place of each number in that order
        self._numbers: dict[tuple[str, str, str], set[int]] = {}  # every number a client had
        self._requests = _Indexed[Request](
            attrgetter("agb", "referentie"), attrgetter("gemeente", "agb", "bsn")
        )
        self._answers = _Indexed[Answer](attrgetter("gemeente", "agb", "referentie"))
        self._care = _Indexed[CareClass](attrgetter("gemeente", "agb", "bsn"))
        self._declarations = _Indexed[Declaration](
            attrgetter("gemeente", "agb", "identificatie"),
            attrgetter("gemeente", "agb"),
            attrgetter("agb", "nummer"),
        )
        self._prestaties = _Indexed[Prestatie](
            attrgetter("agb", "referentie"),
            attrgetter("agb", "vorig_referentie"),
            attrgetter("gemeente", "nummer"),
            attrgetter("gemeente", "agb", "declaratie"),
        )

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
            self._first.setdefault(key, len(self._first))
            self._allocations.setdefault(key, []).append(allocation)
            client = (allocation.gemeente, allocation.agb, allocation.bsn)
            self._numbers.setdefault(client, set()).add(allocation.nummer)
        for request in found.requests:
            self._requests.add(request)
        for answer in found.answers:
            self._answers.add(answer)
        for care in found.care:
            self._care.add(care)
        if found.declaration is not None:
            self._declarations.add(found.declaration)
        for prestatie in found.prestaties:
            self._prestaties.add(prestatie)
        for rejection in found.rejections:
            self._reject(rejection)

    def _reject(self, rejection: Rejection) -> None:
        prestaties = self._prestaties
        for i in prestaties.positions(3, (rejection.gemeente, rejection.agb, rejection.declaratie)):
            if rejection.referentie in (None, prestaties.records[i].referentie):
                prestaties.records[i] = replace(prestaties.records[i], rejected=True)
        if rejection.referentie is None:
            declarations = self._declarations
            key = (rejection.gemeente, rejection.agb, rejection.declaratie)
            for i in declarations.positions(0, key):
                declarations.records[i] = replace(declarations.records[i], rejected=True)

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
        """Latest versions whose client and provider are these (a number's latest version
        may have moved it to another client), in the order the numbers first arrived."""
        numbers = self._numbers.get((gemeente, agb, bsn), set())
        ordered = sorted(numbers, key=lambda nummer: self._first[(gemeente, nummer)])
        latest = (self.allocation(gemeente, nummer) for nummer in ordered)
        return [a for a in latest if a is not None and (a.agb, a.bsn) == (agb, bsn)]

    def request(self, agb: str, referentie: str) -> Request | None:
        return next(iter(self._requests.find(0, (agb, referentie))), None)

    def requests_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Request]:
        return self._requests.find(1, (gemeente, agb, bsn))

    def answers_to(self, gemeente: str, agb: str, referentie: str) -> Sequence[Answer]:
        return self._answers.find(0, (gemeente, agb, referentie))

    def care_classes(self, gemeente: str, agb: str, bsn: str) -> Sequence[CareClass]:
        return self._care.find(0, (gemeente, agb, bsn))

    def declaration(self, gemeente: str, agb: str, identificatie: str) -> Declaration | None:
        return next(iter(self._declarations.find(0, (gemeente, agb, identificatie))), None)

    def declarations_of(self, gemeente: str, agb: str) -> Sequence[Declaration]:
        return self._declarations.find(1, (gemeente, agb))

    def declaration_number_used(self, agb: str, nummer: str) -> bool:
        return any(not d.rejected for d in self._declarations.find(2, (agb, nummer)))

    def prestatie(self, agb: str, referentie: str) -> Prestatie | None:
        counted = (p for p in self._prestaties.find(0, (agb, referentie)) if not p.rejected)
        return next(counted, None)

    def credits_of(self, agb: str, referentie: str) -> Sequence[Prestatie]:
        return [p for p in self._prestaties.find(1, (agb, referentie)) if p.is_credit]

    def prestaties_on(self, gemeente: str, nummer: int) -> Sequence[Prestatie]:
        return self._prestaties.find(2, (gemeente, nummer))

    def prestaties_of(self, gemeente: str, agb: str, declaratie: str) -> Sequence[Prestatie]:
        return self._prestaties.find(3, (gemeente, agb, declaratie))
