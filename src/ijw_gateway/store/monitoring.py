"""Monitoring in the intake's own transaction: read what a message touches, write the plan.

``record_traffic`` is the one call the intake makes (after it decided and stored the
message): it reads the stored trajectories the message may touch, asks the pure planner
(``monitoring.plan``) what changes, and writes it. What only adds rows (a new trajectory,
its links, deadlines, the monthly figures' deltas) goes into the intake's own one insert
statement; a message that changes stored rows (a start, a stop, a new version, an answer)
adds one statement of updates. Locks: the intake's own keys (client, reference, allocation
number; ``routing``) already serialise every message that changes a trajectory's row;
declarations, which run under other keys, only add to counters (``MonDeclared``), which
concurrent transactions cannot lose.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, Integer, String, bindparam, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from ijw_gateway.catalogue.structure import ORIGINAL_OF
from ijw_gateway.history.extract import ExtractError, parties
from ijw_gateway.history.model import Facts
from ijw_gateway.monitoring.arrival import Arrival, lookups_of
from ijw_gateway.monitoring.model import (
    ContractDelta,
    Deadline,
    Plan,
    Slot,
    Trajectory,
    allocation_key,
    client_key,
)
from ijw_gateway.monitoring.plan import plan
from ijw_gateway.store.direct import Statement
from ijw_gateway.store.monitoring_sql import Write, write_all
from ijw_gateway.store.tables_history import HistAllocation
from ijw_gateway.store.tables_monitoring import (
    MonChainDelta,
    MonClientDelta,
    MonContractDelta,
    MonDeadline,
    MonDeclared,
    MonKey,
    MonLink,
    MonTrajectory,
)
from ijw_gateway.store.unit import NewMessage, Unit, table_of
from ijw_gateway.validation import ParsedMessage

_KEY, _TRAJECTORY, _DECLARED = table_of(MonKey), table_of(MonTrajectory), table_of(MonDeclared)
_HIST = table_of(HistAllocation)
_DEADLINE = table_of(MonDeadline)
_SLOTS = ("req", "care")


def record_traffic(
    unit: Unit,
    new: NewMessage,
    message: ParsedMessage | None,
    found: Facts | None,
    answer: str | None,
) -> None:
    """Monitoring's part of an intake: ``new`` was stored, ``answer`` is the id of the
    return message (or JW325) the gateway composed with it. A message that does not count
    as received (rejected, or not an iJw message) changes nothing."""
    arrival = _arrival(unit, new, message, found, answer)
    if arrival is None:
        return
    known = trajectories(unit, arrival)
    answering = _answering(unit, arrival) if arrival.answers else None
    changes = plan(arrival, known, answering, _new_id)
    for note in changes.notes:
        unit.event(note.message_id, note.kind, note.party, note.detail, new.trace_id)
    stored = {t.id for _, t in known}
    for model, rows in _inserts(changes, stored):
        if rows:
            unit.add_rows(model, rows)
    write_all(unit.sql, _updates(changes, stored))


def _new_id() -> str:
    return os.urandom(16).hex()  # random like the message ids (uuid4 costs more)


def _arrival(
    unit: Unit,
    new: NewMessage,
    message: ParsedMessage | None,
    found: Facts | None,
    answer: str | None,
) -> Arrival | None:
    if not new.accepted or message is None or new.type is None:
        return None
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


def _any(column: ColumnElement[Any], name: str, postgres: bool, kind: Any) -> ColumnElement[bool]:
    """``column`` is one of the values of the parameter ``name`` (a list on PostgreSQL, a
    JSON array on SQLite): one prepared statement for any number of them."""
    if postgres:
        return column == text(f"ANY(:{name})").bindparams(bindparam(name, type_=ARRAY(kind)))
    return column.in_(text(f"SELECT value FROM json_each(:{name})"))


def _lookups(postgres: bool) -> dict[str, Statement]:
    """A message's trajectories by allocation number, by request reference, by client."""
    rows = select(_TRAJECTORY, _DECLARED.c.n).outerjoin(
        _DECLARED, _DECLARED.c.trajectory_id == _TRAJECTORY.c.id
    )
    t = _TRAJECTORY.c
    by_ref = (
        select(_KEY.c.key, _TRAJECTORY, _DECLARED.c.n)
        .join(_TRAJECTORY, t.id == _KEY.c.trajectory_id)
        .outerjoin(_DECLARED, _DECLARED.c.trajectory_id == t.id)
        .where(_any(_KEY.c.key, "keys", postgres, String))
    )
    return {
        "number": Statement(
            rows.where(
                t.gemeente == bindparam("gemeente"), _any(t.nummer, "numbers", postgres, Integer)
            )
        ),
        "ref": Statement(by_ref),
        "client": Statement(
            rows.where(
                t.gemeente == bindparam("gemeente"),
                t.nummer.in_(
                    select(_HIST.c.nummer).where(
                        _HIST.c.gemeente == bindparam("gemeente"),
                        _HIST.c.agb == bindparam("agb"),
                        _any(_HIST.c.bsn, "bsns", postgres, String),
                    )
                ),
            )
        ),
    }


_LOOKUPS = {True: _lookups(True), False: _lookups(False)}


def _values(unit: Unit, values: Iterable[Any]) -> Any:
    ordered = sorted(values)
    return ordered if unit.postgres else json.dumps(ordered)


def trajectories(unit: Unit, arrival: Arrival) -> list[tuple[str, Trajectory]]:
    """(key, trajectory) for every stored trajectory ``arrival`` may touch. An allocation
    number the rules found unknown (TR332 asked) and a JW315's own references (never used
    before, TR347) are not asked about: they have none yet."""
    wanted = lookups_of(arrival)
    numbers = {n for n in wanted.numbers if unit.numbers.get((arrival.gemeente, n)) is not False}
    found: list[tuple[str, Trajectory]] = []
    statements = _LOOKUPS[unit.postgres]
    if numbers:
        rows = unit.sql.rows(
            statements["number"], gemeente=arrival.gemeente, numbers=_values(unit, numbers)
        )
        found += [(allocation_key(r["gemeente"], r["nummer"]), trajectory_of(r)) for r in rows]
    if wanted.refs:
        rows = unit.sql.rows(statements["ref"], keys=_values(unit, wanted.refs))
        found += [(r["key"], trajectory_of(r)) for r in rows]
    if wanted.bsns:
        values = {
            "gemeente": arrival.gemeente,
            "agb": arrival.agb,
            "bsns": _values(unit, wanted.bsns),
        }
        for row in unit.sql.rows(statements["client"], **values):
            t = trajectory_of(row)
            found.append((client_key(t.gemeente, t.agb, t.bsn), t))
    return found


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
    row: dict[str, Any] = {name: t.__dict__[name] for name in _COLUMNS}
    row["state"] = t.state
    for name, slot in (("req", t.request_slot), ("care", t.care_slot)):
        if slot is None:
            row[f"{name}_id"] = row[f"{name}_opened"] = row[f"{name}_due"] = None
            row[f"{name}_since"] = None
        else:
            row[f"{name}_id"], row[f"{name}_opened"] = slot.id, slot.opened
            row[f"{name}_due"], row[f"{name}_since"] = slot.due, slot.since
    return row


_COLUMNS = tuple(_PLAIN | {"requested_at", "allocated_at", "first_at", "last_at", "toegewezen_op"})


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
    """Deltas of one month and product added up: one row each."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for delta in deltas:
        key = _group(delta)
        row = merged.setdefault(tuple(key.values()), key)
        for name, value in delta.values:
            row[name] = row.get(name, 0.0) + value
    return list(merged.values())


def _chain_rows(changes: Plan) -> list[dict[str, Any]]:
    return [
        {
            "month": d.month,
            "gemeente": d.gemeente,
            "agb": d.agb,
            "measure": d.measure,
            "count": 1,
            "days": d.days,
            "workdays": d.workdays,
            "normed": int(d.on_time is not None),
            "on_time": int(bool(d.on_time)),
            "max_days": d.days,
        }
        for d in changes.chain
    ]


def _client_rows(changes: Plan) -> list[dict[str, Any]]:
    return [
        {
            "month": c.group.month,
            "gemeente": c.group.gemeente,
            "agb": c.group.agb,
            "categorie": c.group.categorie,
            "code": c.group.code,
            "bsn": c.bsn,
            "n": c.n,
        }
        for c in changes.clients
    ]


def _deadline_row(d: Deadline) -> dict[str, Any]:
    return {name: getattr(d, name) for name in Deadline.__dataclass_fields__} | {"noted": False}


def _inserts(changes: Plan, stored: set[str]) -> list[tuple[type[SQLModel], list[dict[str, Any]]]]:
    """What only adds rows: written with the intake's own rows, in its one statement."""
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
    new = [trajectory_row(t) for tid, t in changes.trajectories.items() if tid not in stored]
    refs = [{"key": k, "trajectory_id": t} for k, t in changes.keys if k[0] in "rt"]
    return [
        (MonTrajectory, new),
        (MonKey, refs),
        (MonLink, links),
        (MonDeadline, [_deadline_row(d) for d in changes.opened]),
        (MonContractDelta, _contract_rows(changes.contract)),
        (MonChainDelta, _chain_rows(changes)),
        (MonClientDelta, _client_rows(changes)),
    ]


def _updates(changes: Plan, stored: set[str]) -> list[Write]:
    """What changes stored rows: one more statement, only for a message that does."""
    changed = [
        trajectory_row(t) for tid, t in sorted(changes.trajectories.items()) if tid in stored
    ]
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
    return [
        Write(MonTrajectory, changed, conflict=("id",)),
        Write(MonDeadline, updates, update_by="id"),
        Write(MonDeclared, declared, conflict=("trajectory_id",), add=("n",)),
    ]
