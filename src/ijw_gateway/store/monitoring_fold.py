"""Folding the intakes' deltas into the monthly figures (``tables_monitoring``).

An intake inserts what it adds to a month's figures as a delta row, never updating a
shared monthly row (that would make intakes of one municipality and provider wait for each
other's commits). Every minute a worker moves the deltas into the monthly rows: it deletes
a batch and adds up exactly the rows it deleted (``DELETE … RETURNING``), in one
transaction, so a delta is counted once, in either place; reports read both. Two workers
folding at once take different rows or wait for each other's deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, select
from sqlmodel import SQLModel

from ijw_gateway.store.direct import Direct
from ijw_gateway.store.monitoring_sql import Write, write_all
from ijw_gateway.store.tables_monitoring import (
    PRODUCT,
    MonChainDelta,
    MonChainMonth,
    MonClientDelta,
    MonClientMonth,
    MonContractDelta,
    MonContractMonth,
)
from ijw_gateway.store.unit import table_of

BATCH = 20_000


@dataclass(frozen=True)
class _Fold:
    delta: type[SQLModel]
    month: type[SQLModel]
    keys: tuple[str, ...]
    most: tuple[str, ...] = ()

    def values(self) -> tuple[str, ...]:
        table = table_of(self.month)
        return tuple(c.key for c in table.columns if c.key not in self.keys)


FOLDS = (
    _Fold(MonContractDelta, MonContractMonth, PRODUCT),
    _Fold(MonClientDelta, MonClientMonth, (*PRODUCT, "bsn")),
    _Fold(MonChainDelta, MonChainMonth, ("month", "gemeente", "agb", "measure"), ("max_days",)),
)


def fold(connection: Connection) -> int:
    """Move at most ``BATCH`` deltas of each table into the monthly rows; how many."""
    return sum(_fold(connection, spec) for spec in FOLDS)


def _fold(connection: Connection, spec: _Fold) -> int:
    delta: Table = table_of(spec.delta)
    names = (*spec.keys, *spec.values())
    first = select(delta.c.id).order_by(delta.c.id).limit(BATCH).subquery()
    moved = connection.execute(
        delete(delta)
        .where(delta.c.id.in_(select(first.c.id)))
        .returning(*(delta.c[n] for n in names))
    ).mappings()
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    count = 0
    for row in moved:
        count += 1
        key = tuple(row[k] for k in spec.keys)
        found = totals.get(key)
        if found is None:
            totals[key] = dict(row)
            continue
        for name in spec.values():
            if name in spec.most:
                found[name] = max(found[name], row[name])
            else:
                found[name] += row[name]
    if totals:
        adds = tuple(n for n in spec.values() if n not in spec.most)
        rows = [totals[k] for k in sorted(totals)]
        write = Write(spec.month, rows, conflict=spec.keys, add=adds, most=spec.most)
        write_all(Direct(connection), [write])
    return count
