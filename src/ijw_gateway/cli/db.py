"""``ijw-gateway db upgrade|current``: the database schema (Alembic migrations)."""

from __future__ import annotations

import click

from ijw_gateway.cli import cli, current_settings


@cli.group()
def db() -> None:
    """The gateway's database (IJW_DATABASE_URL; default sqlite:///ijw-gateway.db)."""


@db.command()
def upgrade() -> int:
    """Migrate the database to the newest schema and load the parties file."""
    from ijw_gateway.gateway import prepare
    from ijw_gateway.store import Store
    from ijw_gateway.store.migrate import current

    settings = current_settings()
    store = Store.open(settings.database_url)
    prepare(settings, store)
    click.echo(f"database at revision {current(store.engine)}")
    store.dispose()
    return 0


@db.command("current")
def current_revision() -> int:
    """Show the database's schema revision and the newest one this version knows."""
    from ijw_gateway.store import Store
    from ijw_gateway.store.migrate import current, head

    store = Store.open(current_settings().database_url)
    click.echo(f"current {current(store.engine) or '(empty)'}; newest {head()}")
    store.dispose()
    return 0
