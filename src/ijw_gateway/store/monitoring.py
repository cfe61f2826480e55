"""Monitoring in the intake's own transaction: read what a message touches, write the plan.

``record_traffic`` is the one call the intake makes (after it decided and stored the
message): it reads the trajectories under the message's keys, asks the pure planner
(``monitoring.plan``) what changes, and writes it — on PostgreSQL in one statement,
upserts included, so monitoring costs an intake two round trips. Locks: the intake's own
keys (client, reference, allocation number; ``routing``) already serialise every message
that changes a trajectory's row; declarations, which run under other keys, only add to
counters, which concurrent transactions cannot lose.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ARRAY, String, bindparam, select, text
from sqlalchemy.sql.elements import ColumnElement

from ijw_gateway.catalogue.structure import ORIGINAL_OF
from ijw_gateway.findings import Report
from ijw_gateway.history.extract import ExtractError, facts, parties
from ijw_gateway.monitoring.model import (
    ContractDelta,
    Deadline,
    Plan,
    Slot,
    Trajectory,
)
from ijw_gateway.monitoring.plan import Arrival, keys_of, plan
from ijw_gateway.store.direct import Statement
from ijw_gateway.store.monitoring_sql import Write, write_all
from ijw_gateway.store.tables_monitoring import (
    MonChainMonth,
    MonClientMonth,
    MonContractMonth,
    MonDeadline,
    MonDeclared,
    MonKey,
    MonLink,
    MonTrajectory,
)
from ijw_gateway.store.unit import NewMessage, Unit, table_of
from ijw_gateway.validation import ParsedMessage

_KEY, _TRAJECTORY, _DECLARED = table_of(MonKey), table_of(MonTrajectory), table_of(MonDeclared)
_DEADLINE = table_of(MonDeadline)
_SLOTS = ("req", "care")


def record_traffic(
    unit: Unit,
    new: NewMessage,
    message: ParsedMessage | None,
    report: Report,
    answer: str | None,
) -> None:
    """Monitoring's part of an intake: ``new`` was stored, ``answer`` is the id of the
    return message (or JW325) the gateway composed with it. A message that does not count
    as received (rejected, or not an iJw message) changes nothing."""
    arrival = _arrival(unit, new, message, report, answer)
    if arrival is None:
        return
    known = trajectories(unit, keys_of(arrival))
    answering = _answering(unit, arrival) if arrival.answers else None
    changes = plan(arrival, known, answering, lambda: uuid.uuid4().hex)
    for note in changes.notes:
        unit.event(note.message_id, note.kind, note.party, note.detail, new.trace_id)
    write_all(unit.sql, _writes(changes))


def _arrival(
    unit: Unit, new: NewMessage, message: ParsedMessage | None, report: Report, answer: str | None
) -> Arrival | None:
    if not new.accepted or message is None or new.type is None:
        return None
    found = facts(message, report)
    if found is None or new.from_party is None or new.to_party is None:
        return None
    try:
        who = parties(message)
    except ExtractError:
        return None
    posted_answer = new.type in ORIGINAL_OF or new.type == "JW325"
    return Arrival(
        new.id,
        new.type,
        unit.clock(),
        who.gemeente,
        who.agb,
        new.from_party,
        new.to_party,
        found,
        answer,
        new.answers_id if posted_answer else None,
    )


# -- reading ---------------------------------------------------------------------------


def _any(column: ColumnElement[Any], postgres: bool) -> ColumnElement[bool]:
    """``column`` is one of the texts of the parameter ``keys`` (a list on PostgreSQL, a
    JSON array on SQLite): one prepared statement for any number of keys."""
    if postgres:
        return column == text("ANY(:keys)").bindparams(bindparam("keys", type_=ARRAY(String)))
    return column.in_(text("SELECT value FROM json_each(:keys)"))


def _found(postgres: bool) -> Statement:
    query = (
        select(_KEY.c.key, _TRAJECTORY, _DECLARED.c.n)
        .join(_TRAJECTORY, _TRAJECTORY.c.id == _KEY.c.trajectory_id)
        .outerjoin(_DECLARED, _DECLARED.c.trajectory_id == _KEY.c.trajectory_id)
        .where(_any(_KEY.c.key, postgres))
    )
    return Statement(query)


_FOUND = {True: _found(True), False: _found(False)}


def trajectories(unit: Unit, keys: Sequence[str]) -> list[tuple[str, Trajectory]]:
    """(key, trajectory) for every trajectory stored under one of ``keys``."""
    if not keys:
        return []
    values = list(keys) if unit.postgres else json.dumps(list(keys))
    rows = unit.sql.rows(_FOUND[unit.postgres], keys=values)
    return [(row["key"], trajectory_of(row)) for row in rows]


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive moments: they were written as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _slot(row: dict[str, Any], name: str) -> Slot | None:
    if row[f"{name}_id"] is None:
        return None
    opened = _aware(row[f"{name}_opened"])
    assert opened is not None
    return Slot(row[f"{name}_id"], opened, row[f"{name}_due"], row[f"{name}_since"])


_PLAIN = frozenset(Trajectory.__dataclass_fields__) - {
    "request_slot",
    "care_slot",
    "declared",
    "requested_at",
    "allocated_at",
    "first_at",
    "last_at",
    "toegewezen_op",
}


def trajectory_of(row: dict[str, Any]) -> Trajectory:
    values: dict[str, Any] = {name: row[name] for name in _PLAIN}
    toegewezen = row["toegewezen_op"]
    return Trajectory(
        **values,
        requested_at=_aware(row["requested_at"]),
        allocated_at=_aware(row["allocated_at"]),
        first_at=_aware(row["first_at"]),
        last_at=_aware(row["last_at"]),
        toegewezen_op=toegewezen.replace(tzinfo=None) if toegewezen else None,
        declared=row.get("n") or 0,
        request_slot=_slot(row, "req"),
        care_slot=_slot(row, "care"),
    )


_ANSWERING = Statement(
    select(_DEADLINE).where(
        _DEADLINE.c.message_id == bindparam("message_id"), _DEADLINE.c.state == "open"
    )
)


def _answering(unit: Unit, arrival: Arrival) -> Deadline | None:
    """The open deadline a party's return message or JW325 answers."""
    row = unit.sql.first(_ANSWERING, message_id=arrival.answers)
    return deadline_of(row) if row else None


def deadline_of(row: dict[str, Any]) -> Deadline:
    opened = _aware(row["opened_at"])
    assert opened is not None
    return Deadline(
        row["id"],
        row["kind"],
        row["owed_type"],
        row["message_id"],
        row["trajectory_id"],
        row["gemeente"],
        row["agb"],
        row["owed_by"],
        opened,
        row["due"],
        row["state"],
        _aware(row["answered_at"]),
        row["answer_id"],
        row["late"],
    )


# -- writing -----------------------------------------------------------------------------


def trajectory_row(t: Trajectory) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(t, name) for name in _PLAIN}
    row.update(
        requested_at=t.requested_at,
        allocated_at=t.allocated_at,
        first_at=t.first_at,
        last_at=t.last_at,
        toegewezen_op=t.toegewezen_op,
        state=t.state,
    )
    for name, slot in zip(_SLOTS, (t.request_slot, t.care_slot), strict=True):
        row[f"{name}_id"] = slot.id if slot else None
        row[f"{name}_opened"] = slot.opened if slot else None
        row[f"{name}_due"] = slot.due if slot else None
        row[f"{name}_since"] = slot.since if slot else None
    return row


def _group(delta: ContractDelta) -> dict[str, Any]:
    g = delta.group
    return {
        "month": g.month,
        "gemeente": g.gemeente,
        "agb": g.agb,
        "categorie": g.categorie,
        "code": g.code,
    }


def _contract_rows(deltas: Iterable[ContractDelta]) -> list[dict[str, Any]]:
    """Deltas of one month and product added up: one row each, in key order (concurrent
    transactions then take the rows' locks in the same order)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for delta in deltas:
        key = _group(delta)
        row = merged.setdefault(tuple(key.values()), key)
        for name, value in delta.values:
            row[name] = row.get(name, 0.0) + value
    return [merged[k] for k in sorted(merged)]


def _chain_rows(changes: Plan) -> list[dict[str, Any]]:
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for d in changes.chain:
        key = (d.month, d.gemeente, d.agb, d.measure)
        row = merged.setdefault(
            key,
            {
                "month": d.month,
                "gemeente": d.gemeente,
                "agb": d.agb,
                "measure": d.measure,
                "count": 0,
                "days": 0.0,
                "workdays": 0,
                "normed": 0,
                "on_time": 0,
                "max_days": 0.0,
            },
        )
        row["count"] += 1
        row["days"] += d.days
        row["workdays"] += d.workdays
        row["normed"] += d.on_time is not None
        row["on_time"] += bool(d.on_time)
        row["max_days"] = max(row["max_days"], d.days)
    return [merged[k] for k in sorted(merged)]


def _client_rows(changes: Plan) -> list[dict[str, Any]]:
    merged: dict[tuple[Any, ...], int] = {}
    for c in changes.clients:
        g = c.group
        key = (g.month, g.gemeente, g.agb, g.categorie, g.code, c.bsn)
        merged[key] = merged.get(key, 0) + c.n
    names = ("month", "gemeente", "agb", "categorie", "code", "bsn")
    return [{**dict(zip(names, k, strict=True)), "n": merged[k]} for k in sorted(merged)]


def _deadline_row(d: Deadline) -> dict[str, Any]:
    return {name: getattr(d, name) for name in Deadline.__dataclass_fields__} | {"noted": False}


def _writes(changes: Plan) -> list[Write]:
    trajectories_ = [trajectory_row(t) for _, t in sorted(changes.trajectories.items())]
    declared = [{"trajectory_id": k, "n": v} for k, v in sorted(changes.declared.items())]
    updates = [
        {
            "id": c.id,
            "state": c.state,
            "due": c.due,
            "answered_at": c.answered_at,
            "answer_id": c.answer_id,
            "late": c.late,
        }
        for _, c in sorted(changes.changed.items())
    ]
    links = [
        {
            "trajectory_id": k.trajectory_id,
            "message_id": k.message_id,
            "type": k.type,
            "role": k.role,
            "at": k.at,
        }
        for k in changes.links
    ]
    return [
        Write(MonTrajectory, trajectories_, conflict=("id",)),
        Write(MonKey, [{"key": k, "trajectory_id": t} for k, t in changes.keys]),
        Write(MonLink, links),
        Write(MonDeadline, [_deadline_row(d) for d in changes.opened]),
        Write(MonDeadline, updates, update_by="id"),
        Write(MonDeclared, declared, conflict=("trajectory_id",), add=("n",)),
        Write(MonContractMonth, _contract_rows(changes.contract), conflict=_MONTH, add=_FIGURES),
        Write(MonClientMonth, _client_rows(changes), conflict=(*_MONTH, "bsn"), add=("n",)),
        Write(
            MonChainMonth, _chain_rows(changes), conflict=_CHAIN, add=_CHAIN_ADD, most=("max_days",)
        ),
    ]


_MONTH = ("month", "gemeente", "agb", "categorie", "code")
_CHAIN = ("month", "gemeente", "agb", "measure")
_CHAIN_ADD = ("count", "days", "workdays", "normed", "on_time")
_FIGURES = tuple(c.key for c in table_of(MonContractMonth).columns if c.key not in _MONTH)


def today_of(moment: datetime) -> date:
    from ijw_gateway.monitoring.workdays import local_day

    return local_day(moment)
