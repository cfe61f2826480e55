"""Core statements compiled once per dialect and run on the driver's own cursor.

The intake transaction issues about ten small statements per message. Through the ORM
each costs ~0.4 ms of CPU, more than validating the message; on the driver's cursor a
statement costs ~0.07 ms (figures in docs/performance.md). The statements here are still
SQLAlchemy Core expressions: the dialect compiles each one once (PostgreSQL and SQLite get
their own SQL), and values pass through the column types' own bind and result processors,
so what is written here reads back through the ORM unchanged, and the other way round.

Only statements whose parameters are known when they are compiled fit here: no expanding
``IN`` lists. Everything runs inside the transaction of the SQLAlchemy connection given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from psycopg import Connection as PgConnection
from psycopg import RawCursor
from sqlalchemy import Connection, Dialect, Executable, Table, exc, insert
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.schema import ScalarElementColumnDefault

Processor = Callable[[Any], Any]
Row = dict[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # parameter order for qmark drivers (sqlite3)
    fixed: Mapping[str, Any]  # values compiled into the statement (LIMIT 1, literals)
    binds: tuple[tuple[str, Processor], ...]  # only parameters whose type converts values
    names: tuple[str, ...]  # result columns
    results: tuple[Processor | None, ...]

    def parameters(self, values: Mapping[str, Any]) -> Mapping[str, Any] | tuple[Any, ...]:
        merged = {**self.fixed, **values} if self.fixed else dict(values)
        for name, process in self.binds:
            merged[name] = process(merged[name])
        if self.positional is None:
            return merged
        return tuple(merged[name] for name in self.positional)

    def row(self, values: Sequence[Any]) -> Row:
        return {
            name: (value if process is None or value is None else process(value))
            for name, process, value in zip(self.names, self.results, values, strict=True)
        }


def _compile(statement: ClauseElement, dialect: Dialect, keys: Sequence[str] = ()) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    assert isinstance(compiled, SQLCompiler)
    binds: list[tuple[str, Processor]] = []
    fixed: dict[str, Any] = {}
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds.append((name, process))
        if not bind.required and bind.value is not None and name not in keys:
            fixed[name] = bind.effective_value
    columns = list(getattr(statement, "selected_columns", ()))
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    positional = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    return _Compiled(
        compiled.string, positional, fixed, tuple(binds), tuple(c.key for c in columns), results
    )


class Statement:
    """A Core statement with its compiled form per dialect (compiled on first use);
    ``keys`` are the columns an ``INSERT`` gives values for."""

    def __init__(self, statement: Executable, keys: Sequence[str] = ()) -> None:
        assert isinstance(statement, ClauseElement)
        self.statement = statement
        self.keys = tuple(keys)
        self._by_dialect: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = _compile(self.statement, dialect, self.keys)
        return found


class _Insert:
    """``INSERT`` of every column but the generated key, scalar defaults filled in."""

    def __init__(self, table: Table) -> None:
        self.table = table
        columns = [c for c in table.columns if c is not table.autoincrement_column]
        self.keys = tuple(c.key for c in columns)
        self.defaults = {
            c.key: c.default.arg
            for c in columns
            if isinstance(c.default, ScalarElementColumnDefault)
        }
        self.statement = Statement(insert(table), self.keys)

    def complete(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {key: row.get(key, self.defaults.get(key)) for key in self.keys}


_INSERTS: dict[str, _Insert] = {}


def _prepared(table: Table) -> _Insert:
    found = _INSERTS.get(table.name)
    if found is None or found.table is not table:
        found = _INSERTS[table.name] = _Insert(table)
    return found


Writes = Sequence[tuple[Table, Sequence[Mapping[str, Any]]]]


@lru_cache(maxsize=256)
def _one_statement(shape: tuple[tuple[str, tuple[str, ...], int], ...]) -> str:
    """PostgreSQL: the inserts of several tables (name, columns, rows) as one statement
    (data-modifying ``WITH``), so a whole intake is written in one round trip, prepared
    once per shape. Its parameters are PostgreSQL's own ``$n``: the statement is long and
    has many of them, and psycopg would otherwise re-parse it on every run instead of
    caching the translation (``RawCursor``)."""
    parts, number = [], 0
    for name, keys, count in shape:
        rows = []
        for _ in range(count):
            rows.append("(" + ", ".join(f"${number + i + 1}" for i in range(len(keys))) + ")")
            number += len(keys)
        columns = ", ".join(f'"{k}"' for k in keys)
        parts.append(f'INSERT INTO "{name}" ({columns}) VALUES ' + ", ".join(rows))
    *first, last = parts
    if not first:
        return last
    return "WITH " + ", ".join(f"w{i} AS ({p})" for i, p in enumerate(first)) + " " + last


MAX_PARAMETERS = 65_535
"""PostgreSQL's protocol counts a statement's parameters in 16 bits: one statement may have
no more (psycopg refuses it, and the intake would answer 503 to any large message)."""


def batches(writes: Writes, limit: int) -> Iterator[Writes]:
    """``writes`` cut into pieces of at most ``limit`` parameters each, tables and rows in
    their order. The usual intake (a dozen rows) is one piece; a declaration of 14,000
    lines is a few dozen."""
    piece: list[tuple[Table, Sequence[Mapping[str, Any]]]] = []
    used = 0
    for table, rows in writes:
        width = len(_prepared(table).keys)
        start = 0
        while start < len(rows):
            room = (limit - used) // width
            if room == 0:
                assert piece, "a table with more columns than one statement's parameters"
                yield piece
                piece, used = [], 0
                continue
            taken = rows[start : start + room]
            piece.append((table, taken))
            used += len(taken) * width
            start += len(taken)
    if piece:
        yield piece


class Direct:
    """Runs prepared statements on the DBAPI cursor of one SQLAlchemy connection.

    Driver errors are translated as SQLAlchemy translates them (``IntegrityError``,
    ``OperationalError``, ...), so ``Store`` sees one kind of exception whichever path a
    statement took. A lost connection fails the rollback that follows, and SQLAlchemy
    then invalidates it (tested: it is never handed out again)."""

    def __init__(self, connection: Connection) -> None:
        self.dialect = connection.dialect
        self.postgres = self.dialect.name == "postgresql"
        self._connection = connection

    @contextmanager
    def _cursor(self, sql: str, raw: bool = False) -> Iterator[Any]:
        # The pool's proxy of the DBAPI connection, in the transaction SQLAlchemy began.
        proxy = self._connection.connection
        cursor = (
            RawCursor(cast(PgConnection[Any], proxy.dbapi_connection)) if raw else proxy.cursor()
        )
        try:
            yield cursor
        except self.dialect.loaded_dbapi.Error as error:
            raise exc.DBAPIError.instance(
                sql, None, error, self.dialect.loaded_dbapi.Error
            ) from error
        finally:
            cursor.close()

    def rows(self, statement: Statement, **values: Any) -> list[Row]:
        compiled = statement.compiled(self.dialect)
        with self._cursor(compiled.sql) as cursor:
            cursor.execute(compiled.sql, compiled.parameters(values))
            return [compiled.row(r) for r in cursor.fetchall()]

    def first(self, statement: Statement, **values: Any) -> Row | None:
        found = self.rows(statement, **values)
        return found[0] if found else None

    def scalar(self, statement: Statement, **values: Any) -> Any:
        found = self.first(statement, **values)
        return next(iter(found.values())) if found else None

    def execute(self, statement: Statement, **values: Any) -> None:
        compiled = statement.compiled(self.dialect)
        with self._cursor(compiled.sql) as cursor:
            cursor.execute(compiled.sql, compiled.parameters(values))

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """The driver's own ``sql`` (in its parameter style) once for each row."""
        with self._cursor(sql) as cursor:
            cursor.executemany(sql, rows)

    def insert(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        self.insert_all([(table, rows)])

    def insert_all(self, writes: Writes) -> None:
        """Insert every row; on PostgreSQL in one statement (several when the rows need
        more parameters than one statement may have), elsewhere one ``executemany`` per
        table."""
        writes = [(table, rows) for table, rows in writes if rows]
        if not writes:
            return
        if not self.postgres:
            for table, rows in writes:
                self._executemany(_prepared(table), rows)
            return
        for batch in batches(writes, MAX_PARAMETERS):
            self._insert_one(batch)

    def _insert_one(self, writes: Writes) -> None:
        flat: list[Any] = []
        for table, rows in writes:
            prepared = _prepared(table)
            compiled = prepared.statement.compiled(self.dialect)
            for row in rows:
                values = compiled.parameters(prepared.complete(row))
                assert isinstance(values, Mapping)
                flat.extend(values[k] for k in prepared.keys)
        shape = tuple((table.name, _prepared(table).keys, len(rows)) for table, rows in writes)
        sql = _one_statement(shape)
        with self._cursor(sql, raw=True) as cursor:
            cursor.execute(sql, flat)

    def _executemany(self, prepared: _Insert, rows: Sequence[Mapping[str, Any]]) -> None:
        compiled = prepared.statement.compiled(self.dialect)
        batch = [compiled.parameters(prepared.complete(r)) for r in rows]
        with self._cursor(compiled.sql) as cursor:
            cursor.executemany(compiled.sql, batch)

    def run(self, sql: str, values: Sequence[Any], many: bool = False) -> None:
        """A statement in the caller's own SQL (``$n`` parameters on PostgreSQL, ``?`` on
        SQLite), for what Core statements compiled once cannot say (``store.monitoring_sql``:
        one statement of upserts of any shape)."""
        with self._cursor(sql, raw=self.postgres) as cursor:
            if many:
                cursor.executemany(sql, values)
            else:
                cursor.execute(sql, values)
