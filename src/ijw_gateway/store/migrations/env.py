"""Alembic environment: always handed a connection by ``ijw_gateway.store.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

# Importing the table modules registers their tables on SQLModel.metadata.
import ijw_gateway.store.tables
import ijw_gateway.store.tables_history
import ijw_gateway.store.tables_monitoring  # noqa: F401
from ijw_gateway.errors import UsageError

connection = context.config.attributes.get("connection")
if connection is None:
    raise UsageError("run migrations through `ijw-gateway db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
