"""The indexed in-memory history answers every question as scanning its lists did."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ijw_gateway.history.memory import InMemoryHistory
from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Facts,
    History,
    MessageId,
    Prestatie,
    Rejection,
    Request,
)

GEMEENTEN, AGBS, BSNS, NUMBERS = ["0505", "0599"], ["11111111", "22222222"], ["1", "2"], [1, 2, 3]
REFS = ["R1", "R2", None]
DAY = date(2026, 3, 1)


class Scanning:
    """The former in-memory history, which scanned its lists for every question."""

    def __init__(self) -> None:
        self._ids: set[tuple[str, str, str]] = set()
        self._allocations: dict[tuple[str, int], list[Allocation]] = {}
        self._requests: list[Request] = []
        self._answers: list[Answer] = []
        self._care: list[CareClass] = []
        self._declarations: list[Declaration] = []
        self._prestaties: list[Prestatie] = []

    # -- recording ---------------------------------------------------------------

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

    # Unchanged, and on the same dictionaries: the indexed history's own.
    identification_used = InMemoryHistory.identification_used
    allocation = InMemoryHistory.allocation

    def allocations_of(self, gemeente: str, agb: str, bsn: str) -> Sequence[Allocation]:
        # mypy cannot see that the borrowed question reads what this class has too
        latest = (self.allocation(g, n) for (g, n) in self._allocations if g == gemeente)  # type: ignore[misc]
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


def _allocation(draw: st.DrawFn) -> Allocation:
    return Allocation(
        gemeente=draw(st.sampled_from(GEMEENTEN)),
        nummer=draw(st.sampled_from(NUMBERS)),
        agb=draw(st.sampled_from(AGBS)),
        bsn=draw(st.sampled_from(BSNS)),
        categorie="45",
        code=None,
        ingangsdatum=DAY,
        einddatum=None,
        reden_wijziging=None,
        omvang=None,
        budget=None,
        toegewezen_op=datetime(2026, 3, draw(st.integers(1, 3))),
        referentie_aanbieder=None,
    )


def _prestatie(draw: st.DrawFn) -> Prestatie:
    return Prestatie(
        gemeente=draw(st.sampled_from(GEMEENTEN)),
        agb=draw(st.sampled_from(AGBS)),
        bsn="1",
        declaratie=draw(st.sampled_from(["D1", "D2"])),
        referentie=draw(st.sampled_from(["R1", "R2"])),
        vorig_referentie=draw(st.sampled_from(REFS)),
        nummer=draw(st.sampled_from(NUMBERS)),
        categorie="45",
        code="45A01",
        begindatum=DAY,
        einddatum=DAY,
        volume=1,
        eenheid="01",
        tarief=1,
        bedrag=1,
        debet_credit=draw(st.sampled_from(["D", "C"])),
    )


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    gemeente, agb = draw(st.sampled_from(GEMEENTEN)), draw(st.sampled_from(AGBS))
    declaratie = draw(st.sampled_from(["D1", "D2"]))
    return Facts(
        MessageId(agb, "415", draw(st.sampled_from(["I1", "I2"])), DAY),
        allocations=tuple(_allocation(draw) for _ in range(draw(st.integers(0, 3)))),
        requests=tuple(
            Request("JW315", gemeente, agb, draw(st.sampled_from(BSNS)), r, "I", DAY)
            for r in draw(st.lists(st.sampled_from(["R1", "R2"]), max_size=2))
        ),
        answers=tuple(
            Answer("JW319", gemeente, agb, r, "1", DAY)
            for r in draw(st.lists(st.sampled_from(["R1", "R2"]), max_size=2))
        ),
        care=tuple(
            CareClass("start", gemeente, agb, b, 1, "45", None, DAY, None, None, "1")
            for b in draw(st.lists(st.sampled_from(BSNS), max_size=2))
        ),
        declaration=draw(
            st.none()
            | st.just(Declaration(gemeente, agb, declaratie, DAY, declaratie, DAY, DAY, ("1", "1")))
        ),
        prestaties=tuple(_prestatie(draw) for _ in range(draw(st.integers(0, 3)))),
        rejections=tuple(
            Rejection(gemeente, agb, draw(st.sampled_from(["D1", "D2"])), r)
            for r in draw(st.lists(st.sampled_from(REFS), max_size=2))
        ),
    )


def _answers(history: History) -> list[object]:
    asked: list[object] = []
    for g in GEMEENTEN:
        for a in AGBS:
            asked += [history.declarations_of(g, a)]
            for b in BSNS:
                asked += [
                    getattr(history, name)(g, a, b)
                    for name in ("allocations_of", "requests_of", "care_classes")
                ]
            for ref in ("R1", "R2", "D1", "D2"):
                asked += [
                    history.answers_to(g, a, ref),
                    history.declaration(g, a, ref),
                    history.prestaties_of(g, a, ref),
                ]
        for n in NUMBERS:
            asked += [history.allocation(g, n), history.prestaties_on(g, n)]
    for a in AGBS:
        for ref in ("R1", "R2", "D1", "D2"):
            asked += [
                getattr(history, name)(a, ref)
                for name in ("request", "prestatie", "credits_of", "declaration_number_used")
            ]
        asked.append(history.identification_used(a, "415", "I1"))
    return [list(x) if isinstance(x, Sequence) else x for x in asked]


@settings(max_examples=200)
@given(st.lists(facts(), max_size=8))
def test_every_answer_is_that_of_scanning(sequence: list[Facts]) -> None:
    indexed, scanning = InMemoryHistory(), Scanning()
    for found in sequence:
        indexed.apply(found)
        scanning.apply(found)
        assert _answers(indexed) == _answers(scanning)


@settings(max_examples=20)
@given(st.lists(facts(), max_size=5))
def test_a_pickled_history_answers_the_same(sequence: list[Facts]) -> None:
    """The benchmarks hand a history to a fresh process this way."""
    history = InMemoryHistory()
    for found in sequence:
        history.apply(found)
    assert _answers(pickle.loads(pickle.dumps(history))) == _answers(history)
