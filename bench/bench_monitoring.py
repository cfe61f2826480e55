"""Monitoring at scale: a region's message history in PostgreSQL, then every report.

    python bench/bench_monitoring.py                       # one million messages
    python bench/bench_monitoring.py --messages 100000     # a quicker run

How the history is made (``bench/monitoring_history.py``): trajectories of a region the
size of Zuid-Holland-Zuid over four and a half years (2022-01 to 2026-06: the example
contracts run from 2022), every heen message answered
by the gateway (so a message and its answer are two of the million). Two paths:

1. **A sample through the real intake**: ``--sample`` trajectories of the example
   contracts' providers are rendered by the fixture builders and sent through
   ``Intake.submit`` (a store clock set to each message's moment) into one schema; the
   same events go through the second path into another; every report must come out the
   same in both, or the benchmark stops. This shows the second path writes what the
   intake writes.
2. **Volume by the planner**: the events become the records the intake's extraction finds
   (``history.model``), go through the same pure planner (``monitoring.plan``) in memory,
   and the rows it plans (trajectories, keys, links, deadlines, monthly figures folded)
   are loaded with ``COPY``, with a ``message`` row per message and per answer (the
   metadata reports and the export join; the body is a placeholder, which no report
   reads). The history tables of the cross-message rules are not loaded: no report reads
   them.

Then 20,000 delta rows are added (a minute of intake at ~330 msg/s not folded yet, which
reports read too), and each report, the deadline query, a trajectory search and a
trajectory's timeline are timed: the median and best of five runs each, for an operator
(the whole region), a municipality (Dordrecht) and a provider. Target: under 1 s each.
``IJW_TEST_POSTGRES_URL`` names the server; the schemas are dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import monitoring_history as mh
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from ijw_gateway import reporting
from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.monitoring.access import EVERYONE, Viewer
from ijw_gateway.monitoring.arrival import Arrival, keys_of
from ijw_gateway.monitoring.model import Trajectory, allocation_key
from ijw_gateway.monitoring.plan import plan
from ijw_gateway.monitoring.reports import Filters
from ijw_gateway.runtime import contract_book
from ijw_gateway.store import Store
from ijw_gateway.store import monitoring as sm
from ijw_gateway.store import monitoring_reads as reads
from ijw_gateway.store.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST, LAST = date(2022, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 1, 8, tzinfo=UTC)
ANSWER = {"JW301": "JW302", "JW305": "JW306", "JW307": "JW308", "JW315": "JW316",
          "JW319": "JW320", "JW323": "JW325"}  # fmt: skip


@contextmanager
def schema() -> Iterator[str]:
    base = os.environ.get("IJW_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"ijw_mon_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{name}"'))
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options={quote(f'-csearch_path={name}', safe='')}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _store(url: str, clock: Callable[[], datetime]) -> tuple[Store, Settings]:
    settings = Settings(database_url=url, parties=ROOT / "examples" / "zhz" / "parties.toml")
    store = Store(make_engine(url), clock)
    prepare(settings, store)
    return store, settings


# -- path 1: the intake ------------------------------------------------------------------


def through_intake(url: str, events: list[mh.Event]) -> set[str]:
    """Send every event through the intake; the idents of those accepted."""
    moment = [NOW]
    store, settings = _store(url, lambda: moment[0])
    gateway, accepted = Gateway(settings, store), set()
    for event in events:
        moment[0] = event.at
        sender = event.offer.gemeente if event.type in ("JW301", "JW319") else event.offer.agb
        result = gateway.intake.submit(sender, b.to_bytes(mh.model(event)), "0" * 32)[0]
        if result.report["accepted"]:
            accepted.add(event.ident)
    moment[0] = NOW
    store.fold_figures()
    store.dispose()
    return accepted


# -- path 2: the planner, loaded with COPY ----------------------------------------------------


class Bulk:
    """The planner over an in-memory store; the rows it plans, for ``COPY``."""

    def __init__(self) -> None:
        self.trajectories: dict[str, Trajectory] = {}
        self.by_key: dict[str, list[str]] = {}
        self.declared: dict[str, int] = {}
        self.deadlines: dict[str, dict[str, Any]] = {}
        self.keys: list[tuple[str, str]] = []
        self.links: list[tuple[Any, ...]] = []
        self.messages: list[tuple[Any, ...]] = []
        self.figures: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        self.count = 0

    def take(self, event: mh.Event) -> None:
        facts = mh.facts(event)
        heen, answer = os.urandom(16).hex(), os.urandom(16).hex()
        o = event.offer
        sender, receiver = (
            (o.gemeente, o.agb) if event.type in ("JW301", "JW319") else (o.agb, o.gemeente)
        )
        arrival = Arrival(
            heen, event.type, event.at, o.gemeente, o.agb, sender, receiver, facts, answer
        )
        known = [
            (k, self._with_declared(self.trajectories[t]))
            for k in keys_of(arrival)
            for t in self.by_key.get(k, [])
        ]
        changes = plan(arrival, known, None, lambda: os.urandom(16).hex())
        self._apply(changes, {t.id for _, t in known})
        self.messages.append(
            (heen, event.at, "party", sender, event.type, sender, receiver, None, heen, True)
        )
        self.messages.append(
            (
                answer,
                event.at,
                "gateway",
                None,
                ANSWER[event.type],
                receiver,
                sender,
                heen,
                heen,
                True,
            )
        )
        self.count += 2

    def _with_declared(self, t: Trajectory) -> Trajectory:
        return t.with_(declared=self.declared.get(t.id, 0))

    def _apply(self, changes: Any, stored: set[str]) -> None:
        for key, tid in changes.keys:
            self.by_key.setdefault(key, []).append(tid)
            if key[0] in "rt":
                self.keys.append((key, tid))
        for tid, t in changes.trajectories.items():
            self.trajectories[tid] = t
            if t.nummer is not None:
                ids = self.by_key.setdefault(allocation_key(t.gemeente, t.nummer), [])
                if tid not in ids:
                    ids.append(tid)
        for tid, n in changes.declared.items():
            self.declared[tid] = self.declared.get(tid, 0) + n
        for link in changes.links:
            self.links.append((link.trajectory_id, link.message_id, link.type, link.role, link.at))
        for d in changes.opened:
            self.deadlines[d.id] = sm._deadline_row(d)
        for c in changes.changed.values():
            self.deadlines[c.id].update(
                state=c.state,
                due=c.due,
                answered_at=c.answered_at,
                answer_id=c.answer_id,
                late=c.late,
            )
        for name, rows, keys in (
            ("mon_contract_month", sm._contract_rows(changes.contract), 5),
            ("mon_client_month", sm._client_rows(changes), 6),
            ("mon_chain_month", sm._chain_rows(changes), 4),
        ):
            self._fold(name, rows, keys)

    def _fold(self, name: str, rows: list[dict[str, Any]], keys: int) -> None:
        table = self.figures.setdefault(name, {})
        for row in rows:
            key = tuple(row.values())[:keys]
            held = table.get(key)
            if held is None:
                table[key] = dict(row)
                continue
            for k, v in list(row.items())[keys:]:
                held[k] = max(held.get(k, 0), v) if k == "max_days" else held.get(k, 0) + v

    def load(self, url: str) -> None:
        store, _ = _store(url, lambda: NOW)
        raw = store.engine.raw_connection()
        try:
            with raw.cursor() as cursor:  # type: ignore[attr-defined]
                self._copy(cursor)
            raw.commit()
        finally:
            raw.close()
            store.dispose()

    def _copy(self, cursor: Any) -> None:
        def copy(table: str, columns: list[str], rows: Any) -> None:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(row)

        copy(
            "message",
            [
                "id",
                "received_at",
                "origin",
                "poster",
                "type",
                "from_party",
                "to_party",
                "answers_id",
                "conversation_id",
                "accepted",
                "file",
                "sha256",
                "size",
                "raw",
                "trace_id",
            ],
            ((*m, "", "0" * 64, 1, b"-", "") for m in self.messages),
        )
        rows = [sm.trajectory_row(t) for t in self.trajectories.values()]
        copy("mon_trajectory", list(rows[0]), (tuple(r.values()) for r in rows))
        copy("mon_key", ["key", "trajectory_id"], self.keys)
        copy("mon_link", ["trajectory_id", "message_id", "type", "role", "at"], self.links)
        deadlines = list(self.deadlines.values())
        copy("mon_deadline", list(deadlines[0]), (tuple(r.values()) for r in deadlines))
        copy("mon_declared", ["trajectory_id", "n"], self.declared.items())
        for name, table in self.figures.items():
            columns = [c.key for c in SQLModel.metadata.tables[name].columns]
            rows = (tuple(v.get(k, 0) for k in columns) for v in table.values())
            copy(name, columns, rows)


def bulk(
    url: str, events: Iterator[mh.Event], limit: int | None = None, only: set[str] | None = None
) -> Bulk:
    loaded = Bulk()
    for event in events:
        if only is not None and event.ident not in only:
            continue
        loaded.take(event)
        if limit is not None and loaded.count >= limit:
            break
    loaded.load(url)
    return loaded


# -- measuring ------------------------------------------------------------------------------------


def _reports(url: str) -> dict[str, Any]:
    store, settings = _store(url, lambda: NOW)
    book = contract_book(settings, record=False)
    wanted = Filters(date(2022, 1, 1), date(2026, 6, 1))
    found = {n: reporting.report(store, EVERYONE, n, wanted, book).rows for n in reporting.REPORTS}
    store.dispose()
    return found


def same_both_ways(sample: int) -> tuple[int, int]:
    """The sample through the intake and through the planner: the same reports."""
    events = list(mh.events(7, FIRST, LAST, True, sample))
    with schema() as one, schema() as two:
        accepted = through_intake(one, events)
        bulk(two, iter(events), only=accepted)
        if _reports(one) != _reports(two):
            raise SystemExit("the planner path and the intake disagree: stop")
    return len(events), len(accepted)


def _timed(call: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def measure(url: str) -> list[tuple[str, str, float, float]]:
    store, settings = _store(url, lambda: NOW)
    book = contract_book(settings, record=False)
    year = Filters(date(2025, 7, 1), date(2026, 6, 1))
    results = []
    viewers = {
        "operator": EVERYONE,
        "municipality 0505": Viewer("0505"),
        "provider": Viewer("12345678"),
    }
    for who, viewer in viewers.items():
        for name in reporting.REPORTS:
            timing = _timed(lambda n=name, v=viewer: reporting.report(store, v, n, year, book))
            results.append((f"report {name}", who, *timing))
        results.append(
            ("deadlines, overdue (100)", who, *_timed(lambda v=viewer: _overdue(store, v)))
        )
        results.append(
            ("trajectory search (100)", who, *_timed(lambda v=viewer: _search(store, v)))
        )
    one = _search(store, EVERYONE)[0]
    results.append(("trajectory timeline", "operator", *_timed(lambda: _timeline(store, one.id))))
    store.dispose()
    return results


def _overdue(store: Store, viewer: Viewer) -> Any:
    with store.reading() as c:
        return reads.deadlines(c, viewer, "overdue", date(2026, 7, 1), 100, None)


def _search(store: Store, viewer: Viewer) -> list[Trajectory]:
    with store.reading() as c:
        return reads.search(c, viewer, reads.Search(), 100, None)


def _timeline(store: Store, tid: str) -> Any:
    with store.reading() as c:
        return reads.trajectory(c, tid), reads.timeline(c, tid)


def _pending(url: str, rows: int = 20_000) -> None:
    """A minute of intakes not folded yet: copies of monthly rows as deltas."""
    engine = create_engine(url)
    with engine.begin() as c:
        for table, delta in (
            ("mon_contract_month", "mon_contract_delta"),
            ("mon_chain_month", "mon_chain_delta"),
        ):
            columns = [
                r[0]
                for r in c.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                        "AND table_schema = current_schema()"
                    ),
                    {"t": table},
                )
            ]
            names = ", ".join(columns)
            c.execute(
                text(
                    f"INSERT INTO {delta} ({names}) SELECT {names} FROM {table} ORDER BY random() LIMIT :n"
                ),
                {"n": rows // 2},
            )
    engine.dispose()


def _sizes(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as c:
        found = {
            t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in (
                "message",
                "mon_trajectory",
                "mon_link",
                "mon_deadline",
                "mon_contract_month",
                "mon_client_month",
                "mon_chain_month",
                "mon_contract_delta",
            )
        }
    engine.dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=60, help="trajectories through the intake")
    args = parser.parse_args()
    started = time.perf_counter()
    events, accepted = same_both_ways(args.sample)
    print(
        f"sample: {events} messages of {args.sample} trajectories through the intake, "
        f"{accepted} accepted; the planner path gives the same reports "
        f"({time.perf_counter() - started:.0f} s)"
    )
    with schema() as url:
        started = time.perf_counter()
        # about 7.25 messages a trajectory with its share of the declarations (measured
        # at this scale: a declaration holds many clients)
        trajectories = round(args.messages / 7.25)
        loaded = bulk(url, mh.events(11, FIRST, LAST, False, trajectories))
        _pending(url)
        with create_engine(url).connect() as c:
            c.execute(text("ANALYZE"))
        print(
            f"loaded {loaded.count} messages in {time.perf_counter() - started:.0f} s: "
            + json.dumps(_sizes(url))
        )
        print(f"{'query':<28} {'as':<18} {'median ms':>10} {'best ms':>8}")
        for what, who, median, best in measure(url):
            print(f"{what:<28} {who:<18} {median:>10.1f} {best:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
