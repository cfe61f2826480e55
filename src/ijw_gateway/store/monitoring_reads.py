"""Reading monitoring: trajectories and their timelines, deadlines, the monthly rows.

Every read is an index lookup or a scan of the materialised monthly rows of the asked
period (docs/performance.md, "Monitoring"): nothing here walks the messages, except the
export, which is one record per message by definition and is streamed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, or_, select, union_all, update
from sqlalchemy.sql.elements import ColumnElement

from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.monitoring.model import Deadline, Trajectory
from ijw_gateway.monitoring.reports import Filters
from ijw_gateway.store.monitoring import deadline_of, trajectory_of
from ijw_gateway.store.tables import Event, Message
from ijw_gateway.store.tables_monitoring import (
    PRODUCT,
    MonChainDelta,
    MonChainMonth,
    MonClientDelta,
    MonClientMonth,
    MonContractDelta,
    MonContractMonth,
    MonDeadline,
    MonDeclared,
    MonLink,
    MonTrajectory,
)
from ijw_gateway.store.unit import table_of

_PRODUCT = PRODUCT[1:]  # the product of a provider for a municipality, without the month
T, D, L = table_of(MonTrajectory), table_of(MonDeadline), table_of(MonLink)
DECL, M = table_of(MonDeclared), table_of(Message)
CONTRACT, CLIENTS, CHAIN = (
    table_of(MonContractMonth),
    table_of(MonClientMonth),
    table_of(MonChainMonth),
)
CONTRACT_DELTA, CLIENTS_DELTA, CHAIN_DELTA = (
    table_of(MonContractDelta),
    table_of(MonClientDelta),
    table_of(MonChainDelta),
)


def _scoped(table: Any, viewer: Viewer) -> list[ColumnElement[bool]]:
    gemeente, agb = viewer.scope()
    where = []
    if gemeente is not None:
        where.append(table.c.gemeente == gemeente)
    if agb is not None:
        where.append(table.c.agb == agb)
    return where


def _filtered(table: Any, filters: Filters) -> list[ColumnElement[bool]]:
    where = []
    for name in ("gemeente", "agb", "categorie", "code"):
        value = getattr(filters, name)
        if value is not None and name in table.c:
            where.append(table.c[name] == value)
    return where


# -- trajectories ---------------------------------------------------------------------------


def trajectory(connection: Connection, trajectory_id: str) -> Trajectory | None:
    query = (
        select(T, DECL.c.n)
        .outerjoin(DECL, DECL.c.trajectory_id == T.c.id)
        .where(T.c.id == trajectory_id)
    )
    row = connection.execute(query).mappings().first()
    return trajectory_of(dict(row)) if row else None


@dataclass(frozen=True)
class Step:
    """A message of a trajectory's timeline, with the answer it got."""

    message_id: str
    type: str
    role: str
    at: datetime
    answer_id: str | None
    answer_type: str | None
    answer_at: datetime | None


def timeline(connection: Connection, trajectory_id: str, limit: int = 1000) -> list[Step]:
    answer = M.alias("answer")
    query = (
        select(
            L.c.message_id,
            L.c.type,
            L.c.role,
            L.c.at,
            answer.c.id,
            answer.c.type,
            answer.c.received_at,
        )
        .outerjoin(answer, answer.c.answers_id == L.c.message_id)
        .where(L.c.trajectory_id == trajectory_id)
        .order_by(L.c.id)
        .limit(limit)
    )
    return [Step(*row) for row in connection.execute(query)]


def trajectories_of(connection: Connection, message_id: str) -> list[str]:
    """The trajectories a message is linked to (most messages: one; a declaration may
    name several), in the order they were linked: the console's way from a message to
    its trajectory."""
    query = (
        select(L.c.trajectory_id)
        .where(L.c.message_id == message_id)
        .group_by(L.c.trajectory_id)
        .order_by(func.min(L.c.id))
        .limit(50)
    )
    return [row[0] for row in connection.execute(query)]


def effective_state() -> ColumnElement[str]:
    """The stored state, with ``declared`` for an allocated trajectory that has granted
    declarations (their count is kept apart: ``MonDeclared``)."""
    return case(
        (and_(T.c.state == "allocated", func.coalesce(DECL.c.n, 0) > 0), literal("declared")),
        else_=T.c.state,
    )


@dataclass(frozen=True)
class Search:
    gemeente: str | None = None
    agb: str | None = None
    categorie: str | None = None
    code: str | None = None
    state: str | None = None
    first: date | None = None  # active on or after
    last: date | None = None  # begun on or before


def search(
    connection: Connection, viewer: Viewer, wanted: Search, limit: int, after: str | None
) -> list[Trajectory]:
    """Trajectories by municipality, provider, product, state and period, in the order they
    began; a page of ``limit`` after the cursor ``after`` (``<first_at>|<id>``)."""
    query = select(T, DECL.c.n).outerjoin(DECL, DECL.c.trajectory_id == T.c.id)
    where = _scoped(T, viewer)
    for name in ("gemeente", "agb", "categorie", "code"):
        value = getattr(wanted, name)
        if value is not None:
            where.append(T.c[name] == value)
    if wanted.state is not None:
        where.append(effective_state() == wanted.state)
    if wanted.last is not None:
        where.append(func.date(T.c.first_at) <= wanted.last)
    if wanted.first is not None:
        where.append(or_(T.c.last_at.is_(None), func.date(T.c.last_at) >= wanted.first))
    if after:
        at, _, last_id = after.partition("|")
        moment = datetime.fromisoformat(at)
        where.append(or_(T.c.first_at > moment, and_(T.c.first_at == moment, T.c.id > last_id)))
    query = query.where(*where).order_by(T.c.first_at, T.c.id).limit(limit)
    return [trajectory_of(dict(r)) for r in connection.execute(query).mappings()]


# -- deadlines ---------------------------------------------------------------------------------


def deadlines(
    connection: Connection,
    viewer: Viewer,
    state: str,
    today: date,
    limit: int,
    after: str | None,
    owed_by: str | None = None,
    owed_type: str | None = None,
) -> list[Deadline]:
    """Deadlines in ``state`` (open, overdue: open and due before ``today``, answered,
    cancelled), oldest due first; a page after the cursor ``<due>|<id>``."""
    where = _scoped(D, viewer)
    if state == "overdue":
        where += [D.c.state == "open", D.c.due < today]
    else:
        where.append(D.c.state == state)
    if owed_by is not None:
        where.append(D.c.owed_by == owed_by)
    if owed_type is not None:
        where.append(D.c.owed_type == owed_type)
    if after:
        due, _, last_id = after.partition("|")
        day = date.fromisoformat(due)
        where.append(or_(D.c.due > day, and_(D.c.due == day, D.c.id > last_id)))
    query = select(D).where(*where).order_by(D.c.due, D.c.id).limit(limit)
    return [deadline_of(dict(r)) for r in connection.execute(query).mappings()]


def deadline_summary(connection: Connection, viewer: Viewer, today: date) -> list[dict[str, Any]]:
    """Open and overdue answers per owing party and type (the open ones are few)."""
    overdue = func.sum(case((D.c.due < today, 1), else_=0))
    query = (
        select(
            D.c.owed_by,
            D.c.owed_type,
            func.count().label("open"),
            overdue.label("overdue"),
            func.min(D.c.due).label("oldest_due"),
        )
        .where(D.c.state == "open", *_scoped(D, viewer))
        .group_by(D.c.owed_by, D.c.owed_type)
    )
    return [dict(r) for r in connection.execute(query).mappings()]


def overdue_counts(connection: Connection, today: date) -> list[tuple[str, str, int]]:
    """(type, party, overdue answers) for the metrics."""
    query = (
        select(D.c.owed_type, D.c.owed_by, func.count())
        .where(D.c.state == "open", D.c.due < today)
        .group_by(D.c.owed_type, D.c.owed_by)
    )
    return [(t, p, int(n)) for t, p, n in connection.execute(query)]


def note_overdue(connection: Connection, today: date, now: datetime, limit: int = 500) -> int:
    """Record an ``answer_overdue`` event on the message of each open deadline that passed
    its due day and has none yet; the number noted."""
    query = (
        select(D.c.id, D.c.message_id, D.c.owed_by, D.c.owed_type, D.c.due)
        .where(D.c.state == "open", D.c.due < today, D.c.noted.is_(False))
        .limit(limit)
    )
    found = list(connection.execute(query))
    if not found:
        return 0
    events = [
        {
            "message_id": m,
            "at": now,
            "kind": "answer_overdue",
            "party": owed,
            "detail": f"{owed_type} was due by {due.isoformat()}",
            "trace_id": "",
            "count": 1,
        }
        for _, m, owed, owed_type, due in found
    ]
    connection.execute(table_of(Event).insert(), events)
    connection.execute(update(D).where(D.c.id.in_([r[0] for r in found])).values(noted=True))
    return len(found)


# -- monthly rows ------------------------------------------------------------------------
# Each monthly figure is its folded row plus the deltas of intakes since the last fold
# (``MonContractDelta``): both are read, so a report is up to date with the last intake.


def _both(
    month_table: Any,
    delta_table: Any,
    names: Sequence[str],
    where: Callable[[Any], list[ColumnElement[bool]]],
) -> Any:
    """The rows of the folded table and of its deltas, as one subquery of ``names``."""
    parts = [select(*(t.c[n] for n in names)).where(*where(t)) for t in (month_table, delta_table)]
    return union_all(*parts).subquery()


def _period(
    viewer: Viewer, filters: Filters, before: bool = False
) -> Callable[[Any], list[ColumnElement[bool]]]:
    def where(table: Any) -> list[ColumnElement[bool]]:
        months = (
            [table.c.month < filters.first]
            if before
            else [table.c.month >= filters.first, table.c.month <= filters.last]
        )
        return [*months, *_scoped(table, viewer), *_filtered(table, filters)]

    return where


_FIGURES = [c.key for c in CONTRACT.c if c.key not in ("month", *_PRODUCT)]


def period_rows(connection: Connection, viewer: Viewer, filters: Filters) -> list[dict[str, Any]]:
    """The contract month rows of the period, in month order."""
    rows = _both(
        CONTRACT, CONTRACT_DELTA, ["month", *_PRODUCT, *_FIGURES], _period(viewer, filters)
    )
    keys = [rows.c.month, *(rows.c[k] for k in _PRODUCT)]
    query = (
        select(*keys, *(func.sum(rows.c[f]).label(f) for f in _FIGURES))
        .group_by(*keys)
        .order_by(*keys)
    )
    return [dict(r) for r in connection.execute(query).mappings()]


def contract_rates(
    connection: Connection, viewer: Viewer, filters: Filters
) -> dict[tuple[str, ...], tuple[float, float, float]]:
    """Per product, the rates switched on before ``filters.first`` (added up)."""
    names = [*_PRODUCT, "alloc_day", "alloc_month", "budget_day"]
    rows = _both(CONTRACT, CONTRACT_DELTA, ["month", *names], _period(viewer, filters, before=True))
    keys = [rows.c[k] for k in _PRODUCT]
    query = select(*keys, *(func.sum(rows.c[n]) for n in names[4:])).group_by(*keys)
    return {
        tuple(r[:4]): (float(r[4]), float(r[5]), float(r[6])) for r in connection.execute(query)
    }


def client_counts(
    connection: Connection, viewer: Viewer, filters: Filters
) -> dict[tuple[Any, ...], int]:
    """(month, gemeente, agb, categorie, code) -> clients with granted care that month."""
    names = ["month", *_PRODUCT]
    rows = _both(CLIENTS, CLIENTS_DELTA, [*names, "bsn", "n"], _period(viewer, filters))
    per_client = (
        select(*(rows.c[k] for k in names), rows.c.bsn)
        .group_by(*(rows.c[k] for k in names), rows.c.bsn)
        .having(func.sum(rows.c.n) > 0)
        .subquery()
    )
    keys = [per_client.c[k] for k in names]
    query = select(*keys, func.count()).group_by(*keys)
    return {tuple(r[:5]): int(r[5]) for r in connection.execute(query)}


_SUMMED = ("count", "days", "workdays", "normed", "on_time")


def chain_rows(connection: Connection, viewer: Viewer, filters: Filters) -> list[dict[str, Any]]:
    names = ["month", "gemeente", "agb", "measure"]
    rows = _both(CHAIN, CHAIN_DELTA, [*names, *_SUMMED, "max_days"], _period(viewer, filters))
    keys = [rows.c[k] for k in names]
    sums = [func.sum(rows.c[k]).label(k) for k in _SUMMED]
    query = select(*keys, *sums, func.max(rows.c.max_days).label("max_days")).group_by(*keys)
    return [dict(r) for r in connection.execute(query).mappings()]


# -- export --------------------------------------------------------------------------------------


def export_rows(
    connection: Connection, viewer: Viewer, start: datetime, end: datetime, chunk: int = 5000
) -> Iterator[dict[str, Any]]:
    """One record per message of a trajectory (a message of several trajectories: one per
    trajectory) received from ``start`` to before ``end`` (aware), in arrival order."""
    columns = (
        L.c.id.label("seq"),
        L.c.message_id,
        L.c.type,
        L.c.role,
        L.c.at,
        L.c.trajectory_id,
        T.c.gemeente,
        T.c.agb,
        T.c.bsn,
        T.c.nummer,
        T.c.categorie,
        T.c.code,
        effective_state().label("state"),
        T.c.requested_at,
        T.c.allocated_at,
        T.c.started_on,
        T.c.stopped_on,
        M.c.from_party,
        M.c.to_party,
    )
    seq = 0
    while True:
        query = (
            select(*columns)
            .join(T, T.c.id == L.c.trajectory_id)
            .outerjoin(DECL, DECL.c.trajectory_id == T.c.id)
            .join(M, M.c.id == L.c.message_id)
            .where(L.c.id > seq, L.c.at >= start, L.c.at < end, *_scoped(T, viewer))
            .order_by(L.c.id)
            .limit(chunk)
        )
        rows = [dict(r) for r in connection.execute(query).mappings()]
        yield from rows
        if len(rows) < chunk:
            return
        seq = rows[-1]["seq"]
