"""A realistic message history of a region the size of Zuid-Holland-Zuid, for the
monitoring benchmark: trajectories over several years, as events that render two ways.

* ``model(event)``: the message as the fixture builders make it (JSON model -> XML), to
  send through the real intake;
* ``facts(event)``: the history records the intake's extraction would find in it
  (``history.model``), for the monitoring planner directly.

The benchmark sends a sample both ways and checks that the figures agree, then generates
the volume through the second path only (docs/performance.md, "Monitoring").

The mix, per trajectory: 60 % begin with a JW315 (10 % of those get a JW319 "in onderzoek"
first, 8 % are rejected); decisions within 1-8 working days; every allocation a JW301, 15 %
corrected by a second version, 3 % withdrawn; starts reported 0-9 days after the start,
stops 0-12 days after the end (so some late); one JW323 per provider, municipality and
month holding every client with care that month, 2 % of Prestaties credited and declared
again; every message answered by the gateway (its return message or JW325). Clients per
municipality follow its population; each product has three providers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns
from ijw_gateway.fixtures.zhz import SEGMENTS, SegmentProfile
from ijw_gateway.history.model import (
    Allocation,
    Answer,
    CareClass,
    Declaration,
    Facts,
    MessageId,
    Omvang,
    Prestatie,
    Request,
)
from ijw_gateway.monitoring.volumes import days_in, month_of, next_month
from ijw_gateway.monitoring.workdays import add_working_days

AMS = ZoneInfo("Europe/Amsterdam")
POPULATION = {
    "0505": 120, "1963": 88, "0642": 45, "1978": 45, "0512": 38,
    "0590": 32, "0531": 31, "0610": 25, "0482": 20, "0523": 18,
}  # fmt: skip
CODES = {"JW301": "436", "JW305": "438", "JW307": "440", "JW315": "446", "JW319": "488",
         "JW323": "490"}  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """A product one provider delivers to one municipality."""

    gemeente: str
    agb: str
    profile: SegmentProfile


@dataclass
class Event:
    """One heen message at a moment, with what it says."""

    type: str
    at: datetime
    offer: Offer
    fields: dict[str, Any] = field(default_factory=dict)
    ident: str = ""

    @property
    def day(self) -> date:
        return self.at.astimezone(AMS).date()


def _moment(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(8 + rng.randrange(9), rng.randrange(60)), AMS)
    return local.astimezone(UTC)


def offers(example_only: bool) -> list[Offer]:
    """The example contracts' combinations; for volume, every municipality and three
    providers per product (the other two invented: their segment reads as unknown)."""
    if example_only:
        from ijw_gateway.parties import embedded_directory

        parties = {party.code for party in embedded_directory()}
        return [Offer(p.gemeente, p.agb, p) for p in SEGMENTS if p.agb in parties]
    found = []
    for i, p in enumerate(SEGMENTS):
        invented = [f"97{i:02d}{n:02d}00" for n in (1, 2)]
        found += [Offer(g, agb, p) for g in POPULATION for agb in (p.agb, *invented)]
    return found


def _allowed(p: SegmentProfile, start: date, end: date, a_start: date, a_end: date) -> int:
    """What a Prestatie of this period may hold (TR321), four fifths of it."""
    if p.frequentie == "1":
        full = p.volume * ((end - start).days + 1)
    elif p.frequentie == "2":
        weeks = {
            (start + timedelta(days=i)).isocalendar()[:2] for i in range((end - start).days + 1)
        }
        full = p.volume * len(weeks)
    elif p.frequentie == "4":
        full = p.volume
    else:
        months = max(1, (a_end.year - a_start.year) * 12 + a_end.month - a_start.month + 1)
        full = p.volume // months
    return max(1, full * 4 // 5)


class Generator:
    """Trajectories in time order, with their messages (``events``)."""

    def __init__(self, seed: int, first: date, last: date, example_only: bool) -> None:
        self.rng = random.Random(seed)
        self.first, self.last = first, last
        self.offers = offers(example_only)
        weights = [POPULATION[o.gemeente] for o in self.offers]
        self.weights = weights
        self.counter = 0
        self.numbers = 100_000

    def _next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def trajectory(self) -> list[Event]:
        """One client's care of one product, its events in time order."""
        rng = self.rng
        offer = rng.choices(self.offers, self.weights)[0]
        span = (self.last - self.first).days - 120
        begin = self.first + timedelta(days=rng.randrange(max(span, 1)))
        bsn = test_bsns()[rng.randrange(len(test_bsns()))]
        self.numbers += 1
        nummer = self.numbers
        events: list[Event] = []
        common = {"bsn": bsn, "nummer": nummer}
        decided = begin
        ref = None
        if rng.random() < 0.6:
            ref = self._next("R")
            events.append(Event("JW315", _moment(begin, rng), offer, {**common, "ref": ref}))
            if rng.random() < 0.1:
                day = add_working_days(begin, rng.randrange(1, 5))
                events.append(
                    Event(
                        "JW319", _moment(day, rng), offer, {**common, "ref": ref, "antwoord": "2"}
                    )
                )
            decided = add_working_days(begin, rng.randrange(1, 9))
            if rng.random() < 0.08:
                events.append(
                    Event(
                        "JW319",
                        _moment(decided, rng),
                        offer,
                        {**common, "ref": ref, "antwoord": "1"},
                    )
                )
                return events
        start = decided + timedelta(days=rng.randrange(0, 15))
        end = start + timedelta(days=rng.randrange(90, 366))
        alloc = {**common, "ref": ref, "start": start, "end": end, "stamp": decided, "reden": None}
        events.append(Event("JW301", _moment(decided, rng), offer, alloc))
        if rng.random() < 0.03:
            gone = {
                **alloc,
                "end": start,
                "reden": "13",
                "stamp": decided + timedelta(days=1),
                "ref": None,
            }
            events.append(Event("JW301", _moment(decided + timedelta(days=1), rng), offer, gone))
            return events
        if rng.random() < 0.15:
            end = start + timedelta(days=rng.randrange(60, (end - start).days + 1))
            moved = {**alloc, "end": end, "reden": "03", "stamp": start, "ref": None}
            events.append(
                Event("JW301", _moment(max(start, decided + timedelta(days=1)), rng), offer, moved)
            )
        care = {**common, "start": start, "a_start": start}
        if rng.random() < 0.03:  # a start never reported: its deadline stays open
            return events
        events.append(
            Event("JW305", _moment(start + timedelta(days=rng.randrange(0, 10)), rng), offer, care)
        )
        reported = end + timedelta(days=rng.randrange(0, 13))
        if reported < self.last:  # care that goes on past the history's end has no stop yet
            events.append(Event("JW307", _moment(reported, rng), offer, {**care, "end": end}))
        self._months(events, offer, start, end, common)
        return events

    def _months(
        self, events: list[Event], offer: Offer, start: date, end: date, common: dict[str, Any]
    ) -> None:
        """A Prestatie per month of care (declared in the first days of the next month)."""
        month = month_of(start)
        while month <= end and next_month(month) < self.last:
            first = max(month, start)
            last = min(next_month(month) - timedelta(days=1), end)
            volume = _allowed(offer.profile, first, last, start, end)
            line = {
                **common,
                "first": first,
                "last": last,
                "volume": volume,
                "ref": self._next("P"),
            }
            events.append(Event("P", datetime.combine(month, time(), UTC), offer, line))
            later = next_month(month)  # a correction goes with the next month's declaration
            if self.rng.random() < 0.02 and next_month(later) < self.last:
                at = datetime.combine(later, time(), UTC)
                credit = {**line, "was": line["ref"], "ref": self._next("P")}
                events.append(Event("C", at, offer, credit))
                events.append(Event("P", at, offer, {**line, "ref": self._next("P")}))
            month = next_month(month)


def declarations(lines: list[Event], rng: random.Random) -> list[Event]:
    """One JW323 per provider, municipality and month, sent on the 2nd-6th working day
    of the next month: its Prestaties are the lines (credits first)."""
    grouped: dict[tuple[str, str, date], list[Event]] = {}
    for line in lines:
        grouped.setdefault((line.offer.gemeente, line.offer.agb, line.at.date()), []).append(line)
    found = []
    for (gemeente, _agb, month), members in sorted(grouped.items(), key=lambda kv: kv[0][2]):
        day = add_working_days(next_month(month), rng.randrange(2, 7))
        members.sort(key=lambda e: e.type != "C")
        fields = {"month": month, "lines": members, "nummer": f"D{gemeente}{month:%y%m}"}
        found.append(Event("JW323", _moment(day, rng), members[0].offer, fields))
    return found


def events(
    seed: int, first: date, last: date, example_only: bool, trajectories: int
) -> Iterator[Event]:
    """Every heen message of ``trajectories`` trajectories, in time order."""
    generator = Generator(seed, first, last, example_only)
    chain: list[Event] = []
    lines: list[Event] = []
    for _ in range(trajectories):
        for event in generator.trajectory():
            (lines if event.type in ("P", "C") else chain).append(event)
    found = chain + declarations(lines, generator.rng)
    found.sort(key=lambda e: e.at)
    for event in found:
        event.ident = generator._next("M")
    yield from found


# -- rendering: the model for the intake ------------------------------------------------


def _omvang(p: SegmentProfile) -> b.JsonObject:
    return b.omvang(p.volume, p.eenheid, p.frequentie)


def _head(event: Event) -> dict[str, str]:
    return {
        "dagtekening": event.day.isoformat(),
        "gemeente": event.offer.gemeente,
        "agb": event.offer.agb,
    }


def model(event: Event) -> b.JsonObject:
    f, p, head = event.fields, event.offer.profile, _head(event)
    if event.type == "JW315":
        ap = b.aangevraagd_product(
            f["ref"],
            categorie=p.categorie,
            code=p.product,
            ingangsdatum=(event.day + timedelta(days=14)).isoformat(),
            einddatum=(event.day + timedelta(days=200)).isoformat(),
            volume=_omvang(p),
            verwijzer_type=p.verwijzer,
            verwijzer_naam=p.verwijzer_naam,
            verwijzer_agb=p.verwijzer_agb,
        )
        return b.jw315(event.ident, bsn=f["bsn"], products=[ap], **head)
    if event.type == "JW319":
        reden = "1" if f["antwoord"] == "1" else None
        return b.jw319(
            event.ident, referentie=f["ref"], antwoord=f["antwoord"], reden=reden, **head
        )
    if event.type == "JW301":
        tp = b.toegewezen_product(
            f["nummer"],
            categorie=p.categorie,
            code=p.product,
            ingangsdatum=f["start"].isoformat(),
            einddatum=f["end"].isoformat(),
            volume=_omvang(p),
            reden_wijziging=f["reden"],
            referentie=f["ref"],
            toewijzingsdatum=f["stamp"].isoformat(),
        )
        return b.jw301(event.ident, bsn=f["bsn"], products=[tp], **head)
    if event.type in ("JW305", "JW307"):
        kw = {
            "categorie": p.categorie,
            "code": p.product,
            "begindatum": f["start"].isoformat(),
            "toewijzing_ingangsdatum": f["a_start"].isoformat(),
        }
        if event.type == "JW305":
            return b.jw305(
                event.ident, bsn=f["bsn"], starts=[b.start_product(f["nummer"], **kw)], **head
            )
        stop = b.stop_product(f["nummer"], einddatum=f["end"].isoformat(), **kw)
        return b.jw307(event.ident, bsn=f["bsn"], stops=[stop], **head)
    return _jw323(event, p, head)


def tariff(offer: Offer, day: date) -> int:
    """The contract tariff of the product on ``day`` (the profile's without a contract)."""
    from ijw_gateway.contracts.book import Want
    from ijw_gateway.runtime import contract_book

    p = offer.profile
    match = contract_book().match(Want(offer.agb, offer.gemeente, p.categorie, p.product, day))
    found = match.lines[0].product.tariff if match.found else None
    return found if found is not None else p.tarief


def _jw323(event: Event, p: SegmentProfile, head: dict[str, str]) -> b.JsonObject:
    f = event.fields
    clients: dict[str, list[b.JsonObject]] = {}
    for line in f["lines"]:
        g = line.fields
        clients.setdefault(g["bsn"], []).append(
            b.prestatie(
                g["ref"],
                nummer=g["nummer"],
                categorie=p.categorie,
                code=p.product,
                begindatum=g["first"].isoformat(),
                einddatum=g["last"].isoformat(),
                volume=g["volume"],
                eenheid=p.eenheid,
                tarief=tariff(line.offer, g["first"]),
                debet_credit="C" if line.type == "C" else "D",
                vorig_referentie=g.get("was"),
            )
        )
    month = f["month"]
    period = (month.isoformat(), (next_month(month) - timedelta(days=1)).isoformat())
    head = {**head, "dagtekening": event.day.isoformat()}
    return b.jw323(
        event.ident,
        nummer=f["nummer"],
        periode=period,
        declaratie_dagtekening=event.day.isoformat(),
        clients=clients,
        **head,
    )


# -- rendering: the facts for the planner ----------------------------------------------------


def facts(event: Event) -> Facts:
    f, p, o = event.fields, event.offer.profile, event.offer
    sender = o.gemeente if event.type in ("JW301", "JW319") else o.agb
    ident = MessageId(sender, CODES[event.type], event.ident, event.day)
    if event.type == "JW315":
        r = Request(
            "JW315",
            o.gemeente,
            o.agb,
            f["bsn"],
            f["ref"],
            event.ident,
            event.day,
            p.categorie,
            p.product,
        )
        return Facts(ident, requests=(r,))
    if event.type == "JW319":
        reden = "1" if f["antwoord"] == "1" else None
        return Facts(
            ident,
            answers=(
                Answer("JW319", o.gemeente, o.agb, f["ref"], f["antwoord"], event.day, reden),
            ),
        )
    if event.type == "JW301":
        a = Allocation(
            o.gemeente,
            f["nummer"],
            o.agb,
            f["bsn"],
            p.categorie,
            p.product,
            f["start"],
            f["end"],
            f["reden"],
            Omvang(p.volume, p.eenheid, p.frequentie),
            None,
            datetime.combine(f["stamp"], time(9)),
            f["ref"],
        )
        answers = (
            (Answer("JW301", o.gemeente, o.agb, f["ref"], None, event.day),) if f["ref"] else ()
        )
        return Facts(ident, allocations=(a,), answers=answers)
    if event.type in ("JW305", "JW307"):
        kind = "start" if event.type == "JW305" else "stop"
        c = CareClass(
            kind,
            o.gemeente,
            o.agb,
            f["bsn"],
            f["nummer"],
            p.categorie,
            p.product,
            f["start"],  # type: ignore[arg-type]
            f.get("end"),
            "31" if kind == "stop" else None,
            "1",
        )
        return Facts(ident, care=(c,))
    month = event.fields["month"]
    declaration = Declaration(
        o.gemeente,
        o.agb,
        event.ident,
        event.day,
        event.fields["nummer"],
        month,
        next_month(month) - timedelta(days=1),
        ("1.0.0", "1.0.0"),
    )
    lines = tuple(
        Prestatie(
            o.gemeente,
            o.agb,
            g["bsn"],
            event.ident,
            g["ref"],
            g.get("was"),
            g["nummer"],
            p.categorie,
            p.product,
            g["first"],
            g["last"],
            g["volume"],
            p.eenheid,
            tariff(line.offer, g["first"]),
            g["volume"] * tariff(line.offer, g["first"]),
            "C" if line.type == "C" else "D",
        )
        for line in event.fields["lines"]
        for g in [line.fields]
    )
    return Facts(ident, declaration=declaration, prestaties=lines)


__all__ = ["Event", "days_in", "events", "facts", "model", "offers"]
