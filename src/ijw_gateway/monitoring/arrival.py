"""What monitoring reads of an accepted message, and which trajectories it may touch.

``Arrival`` is the message as the planner sees it: its records (``history.extract.facts``)
with who, when and whether the gateway answered it at once. ``keys_of`` names every
trajectory it may touch (the planner's own index); ``lookups_of`` says what the store must
read for it: by allocation number, by key, by client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ijw_gateway.history.model import CareClass, Facts
from ijw_gateway.monitoring.model import allocation_key, client_key, request_key, task_key
from ijw_gateway.monitoring.workdays import local_day


@dataclass(frozen=True)
class Arrival:
    """An accepted message as monitoring sees it."""

    message_id: str
    type: str
    at: datetime  # received (aware, UTC)
    gemeente: str
    agb: str
    from_party: str
    to_party: str
    facts: Facts
    answered_now: str | None = None  # the gateway's own answer, composed with it
    answers: str | None = None  # the message this one answers (a party's retour or JW325)
    day: date = field(init=False)  # the day it arrived, in Amsterdam

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", local_day(self.at))


def keys_of(arrival: Arrival) -> list[str]:
    """The keys of every trajectory ``arrival`` may touch, sorted (the lock order)."""
    found, facts = set(), arrival.facts
    for a in facts.allocations:
        found.add(allocation_key(a.gemeente, a.nummer))
        if a.referentie_aanbieder:
            found.add(request_key(a.agb, a.referentie_aanbieder))
    found |= {request_key(r.agb, r.referentie) for r in facts.requests}
    found |= {client_key(r.gemeente, r.agb, r.bsn) for r in facts.requests if r.kind == "JW317"}
    found |= {request_key(a.agb, a.referentie) for a in facts.answers if a.kind == "JW319"}
    found |= {care_key(c) for c in facts.care}
    found |= {allocation_key(p.gemeente, p.nummer) for p in facts.prestaties}
    return sorted(found)


@dataclass(frozen=True)
class Lookups:
    """What the store must look up for a message: trajectories by allocation number (of
    the message's municipality), by key (a request reference; task-based care's client and
    product), and by client (a VOW's: the client's allocations at this provider). A JW315's
    and a JW317's own references are new (TR347): nothing to find."""

    numbers: frozenset[int]
    refs: frozenset[str]
    bsns: frozenset[str]


def lookups_of(arrival: Arrival) -> Lookups:
    facts = arrival.facts
    numbers = {a.nummer for a in facts.allocations} | {p.nummer for p in facts.prestaties}
    numbers |= {c.nummer for c in facts.care if c.nummer is not None}
    refs = {
        request_key(a.agb, a.referentie_aanbieder)
        for a in facts.allocations
        if a.referentie_aanbieder
    }
    refs |= {request_key(a.agb, a.referentie) for a in facts.answers if a.kind == "JW319"}
    refs |= {care_key(c) for c in facts.care if c.nummer is None}
    bsns = {r.bsn for r in facts.requests if r.kind == "JW317"}
    return Lookups(frozenset(numbers), frozenset(refs), frozenset(bsns))


def care_key(care: CareClass) -> str:
    if care.nummer is not None:
        return allocation_key(care.gemeente, care.nummer)
    return task_key(care.gemeente, care.agb, care.bsn, care.categorie or "", care.code or "")
