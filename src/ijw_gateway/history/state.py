"""Derived state: what is current, open or still standing, computed from plain records.

The history stores what arrived; whether a start is still running or a request still
open follows from the sequence. Keeping these derivations here (pure, on records)
means every store gives the rules the same answers without storing derived flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ijw_gateway.history.model import CareClass, CareKind, History, Prestatie, Request

DELIVERED = frozenset({"1", "2"})
"""StatusAanlevering values that deliver a class (2 is forbidden by CS058 but delivers)."""
REMOVED = "3"
"""StatusAanlevering that removes an earlier delivered class with the same key."""


def standing(classes: Iterable[CareClass], kind: CareKind) -> list[CareClass]:
    """Delivered classes of ``kind`` that no later status-3 class with their key removed."""
    alive: list[CareClass] = []
    for item in classes:
        if item.kind != kind:
            continue
        if item.status == REMOVED:
            match = next((a for a in reversed(alive) if a.key == item.key), None)
            if match is not None:
                alive.remove(match)
        elif item.status in DELIVERED:
            alive.append(item)
    return alive


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
