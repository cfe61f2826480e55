"""Inserts, upserts and updates of several tables, sent as one statement on PostgreSQL.

Monitoring writes a handful of rows per intake into up to nine tables, and adds to
monthly figures that other intakes add to at the same time (``INSERT … ON CONFLICT DO
UPDATE SET n = t.n + excluded.n``). Round trips are what cost (docs/performance.md), so on
PostgreSQL every write of an intake goes in one data-modifying ``WITH`` statement, its SQL
kept per shape; on SQLite, one ``executemany`` per write. Values pass through the columns'
own bind processors, so what is written here reads back through the ORM unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table
from sqlmodel import SQLModel

from ijw_gateway.store.direct import Direct
from ijw_gateway.store.unit import table_of


@dataclass(frozen=True)
class Write:
    """Rows for one table: plain inserts; upserts on ``conflict`` (columns in ``add`` are
    added up, in ``most`` the greater kept, the others replaced); or, with ``update_by``,
    updates of the named columns of the row whose ``update_by`` column matches."""

    model: type[SQLModel]
    rows: Sequence[Mapping[str, Any]]
    conflict: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    most: tuple[str, ...] = ()
    update_by: str | None = None


@dataclass(frozen=True)
class _Shape:
    """A write's columns, in statement order, with their bind processors and defaults:
    worked out once per table, kind of write and dialect."""

    names: tuple[str, ...]
    processors: tuple[Any, ...]
    defaults: tuple[Any, ...]

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, process, default in zip(self.names, self.processors, self.defaults, strict=True):
            value = row.get(name, default)
            out.append(process(value) if process is not None and value is not None else value)
        return out


_SHAPES: dict[tuple[str, tuple[str, ...] | None, str], _Shape] = {}


def _shape(table: Table, write: Write, dialect: Dialect) -> _Shape:
    given = tuple(write.rows[0]) if write.update_by is not None else None
    key = (table.name, given, dialect.name)
    found = _SHAPES.get(key)
    if found is None:
        if given is not None:
            assert write.update_by is not None
            names = (*(n for n in given if n != write.update_by), write.update_by)
        else:
            names = tuple(c.key for c in table.columns if c is not table.autoincrement_column)
        processors = tuple(
            table.columns[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        )
        defaults = tuple(_default(table, n) for n in names)
        found = _SHAPES[key] = _Shape(names, processors, defaults)
    return found


def _default(table: Table, name: str) -> Any:
    default = table.columns[name].default
    return getattr(default, "arg", None) if default is not None else None


def _set(table: str, write: Write, names: tuple[str, ...], postgres: bool) -> str:
    greatest = "GREATEST" if postgres else "max"
    parts = []
    for name in names:
        if name in write.conflict:
            continue
        if name in write.add:
            parts.append(f'"{name}" = "{table}"."{name}" + excluded."{name}"')
        elif name in write.most:
            parts.append(f'"{name}" = {greatest}("{table}"."{name}", excluded."{name}")')
        else:
            parts.append(f'"{name}" = excluded."{name}"')
    return ", ".join(parts)


def _statement(
    table: str, write: Write, names: tuple[str, ...], rows: list[list[str]], postgres: bool
) -> str:
    """One statement for ``rows`` of parameter marks (one row for an update)."""
    if write.update_by is not None:
        (marks,) = rows
        pairs = zip(names[:-1], marks[:-1], strict=True)
        assignments = ", ".join(f'"{n}" = {m}' for n, m in pairs)
        return f'UPDATE "{table}" SET {assignments} WHERE "{write.update_by}" = {marks[-1]}'
    columns = ", ".join(f'"{n}"' for n in names)
    tuples = ", ".join("(" + ", ".join(marks) + ")" for marks in rows)
    sql = f'INSERT INTO "{table}" ({columns}) VALUES {tuples}'
    if write.conflict:
        keys = ", ".join(f'"{k}"' for k in write.conflict)
        sql += f" ON CONFLICT ({keys}) DO UPDATE SET {_set(table, write, names, postgres)}"
    return sql


def write_all(sql: Direct, writes: Sequence[Write]) -> None:
    """Every row of ``writes``, in their order: one statement on PostgreSQL."""
    writes = [w for w in writes if w.rows]
    if not writes:
        return
    shapes = [(w, table_of(w.model), _shape(table_of(w.model), w, sql.dialect)) for w in writes]
    if not sql.postgres:
        for write, table, shape in shapes:
            marks = [["?"] * len(shape.names)]
            rows = [shape.values(row) for row in write.rows]
            sql.run(_statement(table.name, write, shape.names, marks, False), rows, many=True)
        return
    key = tuple(
        (t.name, s.names, w.conflict, w.add, w.most, w.update_by, len(w.rows)) for w, t, s in shapes
    )
    text = _TEXTS.get(key)
    if text is None:
        if len(_TEXTS) > 1024:
            _TEXTS.clear()
        text = _TEXTS[key] = _build([(w, t.name, s.names) for w, t, s in shapes])
    sql.run(text, [v for w, _, s in shapes for row in w.rows for v in s.values(row)])


_TEXTS: dict[tuple[Any, ...], str] = {}
"""PostgreSQL statements per shape (tables, columns, row counts): built once each."""


def _build(writes: Sequence[tuple[Write, str, tuple[str, ...]]]) -> str:
    """PostgreSQL: each write (and each update row) a sub-statement of one ``WITH``."""
    parts: list[str] = []
    number = 0
    for write, table, names in writes:
        rows = []
        for _ in write.rows:
            rows.append([f"${number + i + 1}" for i in range(len(names))])
            number += len(names)
        if write.update_by is not None:
            parts += [_statement(table, write, names, [marks], True) for marks in rows]
        else:
            parts.append(_statement(table, write, names, rows, True))
    *first, last = parts
    if not first:
        return last
    return "WITH " + ", ".join(f"w{i} AS ({p})" for i, p in enumerate(first)) + " " + last
