"""Alembic migrations, run from code: ``ijw-gateway db upgrade`` and at ``serve`` start.

The migration scripts live inside the package (``store/migrations``) so an installed
gateway can upgrade its own database. On PostgreSQL an advisory lock makes concurrent
starts (gateway and worker containers) take turns instead of racing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from ijw_gateway.store.engine import is_postgres

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK = 7_302_325  # arbitrary, constant: the advisory lock id of our migrations


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; a no-op when it is there already."""
    with engine.begin() as connection:
        if is_postgres(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        if is_postgres(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
        command.downgrade(_config(connection), revision)
