"""A generated history for the monitoring tests: messages sent through the real intake on
days the test picks (the store's clock), around Easter and King's Day 2026. The ``history``
fixture (on SQLite and PostgreSQL) is imported into ``tests/service/conftest.py``.

Every message is built by the fixture builders; the expected figures in the tests are
worked out by hand from the dates below (working days skip weekends and the holidays of
the ``holidays`` package: Good Friday 3 April, Easter Monday 6 April, King's Day 27 April).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.builders import synthetic_bsn
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.received import Result
from ijw_gateway.store import Store
from ijw_gateway.store.engine import make_engine
from tests.support.service import AGB, GEMEENTE, PARTIES

AMS = ZoneInfo("Europe/Amsterdam")
PRODUCT, TARIFF = "45A02", 7200  # hours, 72 euros an hour (examples/zhz/contracts.toml)
CLIENT = [synthetic_bsn(i) for i in range(1, 6)]


@dataclass
class Clock:
    now: datetime = datetime(2026, 4, 1, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: str, hour: int = 10) -> None:
        self.now = (
            datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=AMS).astimezone(UTC)
        )


@dataclass
class History:
    gateway: Gateway
    clock: Clock
    sent: dict[str, Result] = field(default_factory=dict)

    def send(self, name: str, day: str, party: str, model: JsonObject) -> Result:
        self.clock.at(day)
        result = self.gateway.intake.submit(party, b.to_bytes(model), "0" * 32)[0]
        self.sent[name] = result
        return result


def tp(
    nummer: int,
    *,
    einddatum: str = "2026-06-30",
    toewijzingsdatum: str = "2026-04-14",
    referentie: str | None = None,
    reden_wijziging: str | None = None,
) -> JsonObject:
    """An allocation of 7 hours a day from 20 April."""
    return b.toegewezen_product(
        nummer,
        code=PRODUCT,
        ingangsdatum="2026-04-20",
        einddatum=einddatum,
        toewijzingsdatum=toewijzingsdatum,
        volume=b.omvang(7, "04", "1"),
        referentie=referentie,
        reden_wijziging=reden_wijziging,
    )


def ap(referentie: str, ingangsdatum: str) -> JsonObject:
    volume = b.omvang(7, "04", "1")
    return b.aangevraagd_product(
        referentie, code=PRODUCT, ingangsdatum=ingangsdatum, einddatum="2026-06-30", volume=volume
    )


def pr(
    referentie: str,
    begin: str,
    end: str,
    hours: int,
    *,
    nummer: int = 2001,
    debet_credit: str = "D",
    vorig_referentie: str | None = None,
) -> JsonObject:
    return b.prestatie(
        referentie,
        nummer=nummer,
        code=PRODUCT,
        begindatum=begin,
        einddatum=end,
        volume=hours,
        eenheid="04",
        tarief=TARIFF,
        debet_credit=debet_credit,
        vorig_referentie=vorig_referentie,
    )


def start(nummer: int) -> JsonObject:
    """The start on 20 April of the allocation ``nummer`` (which begins that day)."""
    return b.start_product(
        nummer, code=PRODUCT, begindatum="2026-04-20", toewijzing_ingangsdatum="2026-04-20"
    )


def stop(nummer: int, einddatum: str) -> JsonObject:
    """The stop on ``einddatum`` of the care ``start(nummer)`` began."""
    return b.stop_product(
        nummer,
        code=PRODUCT,
        begindatum="2026-04-20",
        toewijzing_ingangsdatum="2026-04-20",
        einddatum=einddatum,
    )


def build(history: History) -> None:
    """The history every monitoring test reads (see the expectations in the tests)."""
    send = history.send
    # Client 1: a request on Thursday 2 April; due 5 working days later, after Good
    # Friday and Easter Monday: Monday 13 April. Allocated on Tuesday 14 April: 1 day late.
    asked = [ap("REF-A", "2026-04-20")]
    send(
        "315-A",
        "2026-04-02",
        AGB,
        b.jw315("M315A", bsn=CLIENT[0], products=asked, dagtekening="2026-04-02"),
    )
    ref = tp(2001, referentie="REF-A")
    send(
        "301-A",
        "2026-04-14",
        GEMEENTE,
        b.jw301("M301A", bsn=CLIENT[0], products=[ref], dagtekening="2026-04-14"),
    )
    # Client 2: a request answered "in onderzoek" (due moves to 8 weeks after its
    # Dagtekening, 28 May), then rejected on 1 May: on time.
    asked = [ap("REF-B", "2026-05-01")]
    send(
        "315-B",
        "2026-04-02",
        AGB,
        b.jw315("M315B", bsn=CLIENT[1], products=asked, dagtekening="2026-04-02"),
    )
    send(
        "319-B2",
        "2026-04-07",
        GEMEENTE,
        b.jw319("M319B2", referentie="REF-B", antwoord="2", dagtekening="2026-04-07"),
    )
    send(
        "319-B1",
        "2026-05-01",
        GEMEENTE,
        b.jw319("M319B1", referentie="REF-B", antwoord="1", reden="1", dagtekening="2026-05-01"),
    )
    # Client 1 starts on Monday 20 April; reported Tuesday 28 April (King's Day on 27th):
    # due 5 working days after the 20th = 28 April, on time.
    send(
        "305-A",
        "2026-04-28",
        AGB,
        b.jw305("M305A", bsn=CLIENT[0], starts=[start(2001)], dagtekening="2026-04-28"),
    )
    # Client 3: allocated, then corrected (a later version ends on 31 May), never started.
    send(
        "301-C",
        "2026-04-14",
        GEMEENTE,
        b.jw301("M301C", bsn=CLIENT[2], products=[tp(2002)], dagtekening="2026-04-14"),
    )
    later = tp(2002, einddatum="2026-05-31", toewijzingsdatum="2026-04-16", reden_wijziging="03")
    send(
        "301-C2",
        "2026-04-16",
        GEMEENTE,
        b.jw301("M301C2", bsn=CLIENT[2], products=[later], dagtekening="2026-04-16"),
    )
    # Client 4: allocated and withdrawn (RedenWijziging 13, Einddatum = Ingangsdatum).
    send(
        "301-D",
        "2026-04-14",
        GEMEENTE,
        b.jw301("M301D", bsn=CLIENT[3], products=[tp(2003)], dagtekening="2026-04-14"),
    )
    gone = tp(2003, einddatum="2026-04-20", toewijzingsdatum="2026-04-15", reden_wijziging="13")
    send(
        "301-D2",
        "2026-04-15",
        GEMEENTE,
        b.jw301("M301D2", bsn=CLIENT[3], products=[gone], dagtekening="2026-04-15"),
    )
    # A start for an allocation that does not exist: rejected (TR019), counts as never sent.
    send(
        "305-X",
        "2026-04-28",
        AGB,
        b.jw305("M305X", bsn=CLIENT[4], starts=[start(9999)], dagtekening="2026-04-28"),
    )
    # Declarations for client 1: April (70 hours), then a credit of it and a corrected
    # debit (56 hours), and May (150 hours); one for the withdrawn allocation of client 4
    # is refused on its own (TR384) while the rest of its declaration is granted.
    april = pr("P-APR", "2026-04-20", "2026-04-30", 70)
    send(
        "323-1",
        "2026-05-04",
        AGB,
        b.jw323(
            "M3231",
            nummer="D1",
            periode=("2026-04-01", "2026-04-30"),
            declaratie_dagtekening="2026-05-04",
            clients={CLIENT[0]: [april]},
        ),
    )
    credit = pr(
        "P-APR-C", "2026-04-20", "2026-04-30", 70, debet_credit="C", vorig_referentie="P-APR"
    )
    again = pr("P-APR-2", "2026-04-20", "2026-04-30", 56)
    may = pr("P-MAY", "2026-05-01", "2026-05-31", 150)
    gone = pr("P-GONE", "2026-05-01", "2026-05-31", 10, nummer=2003)
    send(
        "323-2",
        "2026-06-02",
        AGB,
        b.jw323(
            "M3232",
            nummer="D2",
            periode=("2026-05-01", "2026-05-31"),
            declaratie_dagtekening="2026-06-02",
            clients={CLIENT[0]: [credit, again, may], CLIENT[3]: [gone]},
        ),
    )
    # Client 1 stops on 31 May; reported 10 June: due 5 working days after = 5 June, late.
    send(
        "307-A",
        "2026-06-10",
        AGB,
        b.jw307("M307A", bsn=CLIENT[0], stops=[stop(2001, "2026-05-31")], dagtekening="2026-06-10"),
    )


@pytest.fixture
def history(db_url: str) -> Iterator[History]:
    """The generated history of the monitoring tests, sent through the intake."""
    settings = Settings(database_url=db_url, parties=PARTIES, export_key="k" * 32)
    clock = Clock()
    store = Store(make_engine(db_url), clock)
    prepare(settings, store)
    done = History(Gateway(settings, store), clock)
    build(done)
    yield done
    store.dispose()
