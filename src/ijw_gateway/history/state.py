"""Derived state: what is current, open or still standing, computed from plain records.

The history stores what arrived; whether a start is still running or a request still
open follows from the sequence. Keeping these derivations here (pure, on records)
means every store gives the rules the same answers without storing derived flags.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ijw_gateway.history.model import (
    TEMPORARY_STOP,
    CareClass,
    CareKind,
    History,
    Prestatie,
    Request,
)

DELIVERED = frozenset({"1", "2"})
"""StatusAanlevering values that deliver a class (2 is forbidden by CS058 but delivers)."""
REMOVED = "3"
"""StatusAanlevering that removes an earlier delivered class with the same key."""


StartKey = tuple[int | None, str | None, str | None, date]


@dataclass
class _Stops:
    """The standing stops of one start (by ToewijzingNummer and Begindatum)."""

    temporary: int = 0  # with RedenBeeindiging 20 (tijdelijk beëindigd)
    definitive: int = 0  # with any other reason
    ends: Counter[date] = field(default_factory=Counter)
    latest: list[int] = field(default_factory=list)  # a max-heap of -ordinal of ``ends``

    def change(self, item: CareClass, delta: int) -> None:
        if item.reden == TEMPORARY_STOP:
            self.temporary += delta
        else:
            self.definitive += delta
        if item.einddatum is not None:
            self.ends[item.einddatum] += delta
            if delta > 0:
                heapq.heappush(self.latest, -item.einddatum.toordinal())

    def latest_end(self) -> date | None:
        """The latest Einddatum among them (None when none has one)."""
        while self.latest and not self.ends[date.fromordinal(-self.latest[0])]:
            heapq.heappop(self.latest)  # every end leaves the heap at most once
        return date.fromordinal(-self.latest[0]) if self.latest else None


class Standing:
    """The start and stop classes that stand after a sequence: delivered (status 1 or 2)
    and not removed by a later status-3 class with the same key.

    Kept up to date one class at a time, with every question the start/stop rules ask
    answered from counts: recomputing the standing classes before each class of a
    message made a JW305 or JW307 with n classes cost n². Classes with the same key are
    alike for these questions (the key holds all they compare), so counts suffice.
    """

    def __init__(self, classes: Iterable[CareClass] = ()) -> None:
        self._keys: dict[CareKind, Counter[tuple[object, ...]]] = {
            "start": Counter(),
            "stop": Counter(),
        }
        self._stopped: Counter[StartKey] = Counter()  # start keys of standing stops
        self._running: Counter[int | None] = Counter()  # standing starts without a stop
        self._stops: dict[tuple[int | None, date], _Stops] = {}
        for item in classes:
            self.add(item)

    def add(self, item: CareClass) -> None:
        """The state after ``item``: a delivery stands, a removal takes one away."""
        if item.status == REMOVED:
            if self._keys[item.kind][item.key]:
                self._change(item, -1)
        elif item.status in DELIVERED:
            self._change(item, 1)

    def _change(self, item: CareClass, delta: int) -> None:
        self._keys[item.kind][item.key] += delta
        start = item.start_key
        if item.kind == "start":
            if not self._stopped[start]:
                self._running[item.nummer] += delta
            return
        was_stopped = bool(self._stopped[start])
        self._stopped[start] += delta
        if was_stopped != bool(self._stopped[start]):
            self._running[item.nummer] -= delta * self._keys["start"][start]
        self._stops.setdefault((item.nummer, item.begindatum), _Stops()).change(item, delta)

    def has(self, item: CareClass) -> bool:
        """A standing class of the same kind has the key of ``item``."""
        return bool(self._keys[item.kind][item.key])

    def start_stands(self, start: StartKey) -> bool:
        return bool(self._keys["start"][start])

    def start_stopped(self, start: StartKey) -> bool:
        """A standing stop refers to this start."""
        return bool(self._stopped[start])

    def running(self, nummer: int | None) -> bool:
        """A standing start for this allocation has no standing stop."""
        return self._running[nummer] > 0

    def stops_of(self, nummer: int | None, begindatum: date) -> _Stops:
        """The standing stops with this ToewijzingNummer and Begindatum."""
        return self._stops.get((nummer, begindatum)) or _Stops()


def request_open(history: History, request: Request) -> bool:
    """Open until a JW319 rejection or a JW301 carrying its reference arrived (TR374)."""
    answers = history.answers_to(request.gemeente, request.agb, request.referentie)
    return not any(a.final for a in answers)


def counted(prestaties: Iterable[Prestatie]) -> list[Prestatie]:
    """The Prestaties that count as declared: not refused by the gateway or a JW325."""
    return [p for p in prestaties if not p.rejected]


def credited(prestaties: Iterable[Prestatie]) -> set[str]:
    """References of the debits that a counted credit among ``prestaties`` cancels."""
    return {
        p.vorig_referentie
        for p in counted(prestaties)
        if p.is_credit and p.vorig_referentie is not None
    }


def standing_debits(
    prestaties: Sequence[Prestatie], also_credited: Iterable[str] = ()
) -> list[Prestatie]:
    """Counted debits not cancelled by a counted credit (or by ``also_credited``)."""
    gone = credited(prestaties) | set(also_credited)
    return [p for p in counted(prestaties) if not p.is_credit and p.referentie not in gone]
