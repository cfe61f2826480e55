"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` for every transaction: the
gateway reads history and then writes in one transaction, and a deferred SQLite
transaction that upgrades to a writer fails at once when another process wrote in between.
Taking the write lock up front serialises intake instead, which is what SQLite is good at.
Only a connection marked ``SNAPSHOT`` begins a plain (deferred) transaction: it only
reads, and in WAL mode a reader neither waits for the writer nor holds it up.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from ijw_gateway.config import DATABASE_SCHEMES
from ijw_gateway.errors import ConfigurationError

SQLITE_BUSY_MS = 30_000


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # The sqlite3 module's own transaction handling is off; ``_begin_immediate`` replaces it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable against process kills in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


SNAPSHOT = "ijw_snapshot"
"""Execution option of a connection whose transactions only read (``Store.snapshot``)."""


def _begin_immediate(connection: Any) -> None:
    if connection.get_execution_options().get(SNAPSHOT):
        connection.exec_driver_sql("BEGIN")  # a reader: WAL lets it run beside the writer
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url``; SQLite files get the pragmas above, PostgreSQL a sized pool.
    A URL SQLAlchemy cannot use is a ``ConfigurationError`` (the URL is not repeated: it
    may hold a password)."""
    if not url.startswith(DATABASE_SCHEMES):
        raise ConfigurationError(
            "not a database URL the gateway can use (sqlite:///FILE or postgresql+psycopg://…)"
        )
    try:
        return _engine(normalise_url(url), pool_size)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:  # their texts hold no URL
        reason = str(error).splitlines()[0]
        raise ConfigurationError(f"not a database URL the gateway can use ({reason})") from None
    except ValueError:  # a port that is not a number: its text repeats part of the URL
        raise ConfigurationError("not a database URL the gateway can use") from None


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database (None for PostgreSQL and in-memory SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def _engine(url: str, pool_size: int) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
    event.listen(engine, "checkin", _idle_from)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


IDLE_PING_SECONDS = 5.0


def _idle_from(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: object) -> None:
    """Test a pooled connection that sat idle for a while before handing it out, so a
    restarted PostgreSQL or a dropped idle connection costs no request. A connection in
    steady use is not tested: that would be one more round trip per transaction (what
    ``pool_pre_ping`` does); if its server goes away meanwhile, the statement fails,
    SQLAlchemy invalidates the pool, and the next transaction gets a new connection."""
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # any failure: let the pool replace this connection
        raise exc.DisconnectionError(str(error)) from error
