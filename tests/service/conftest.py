"""Fixtures for the service tests: every store/API test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``IJW_TEST_POSTGRES_URL`` (default: the local ``test`` database).
Each test session gets a fresh schema (``ijw_test_<random>``) that is migrated once,
emptied before every test and dropped at the end. When PostgreSQL cannot be reached the
PostgreSQL variants fail, unless ``IJW_ALLOW_NO_POSTGRES=1`` lets them skip.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ijw_gateway.api.app import create_app
from ijw_gateway.api.fastroute import FastRoutes
from ijw_gateway.config import Settings
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.store import Store
from ijw_gateway.store.engine import make_engine, normalise_url
from tests.service.monitoring_history import Clock, History, build

with warnings.catch_warnings():
    # Starlette 1.x warns at import that its TestClient wants the ``httpx2`` package; the
    # client works with httpx as installed, and this is the only place it is imported.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PARTIES = ROOT / "examples" / "zhz" / "parties.toml"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GEMEENTE, AGB = "0505", "12345678"


def demo_key(code: str) -> str:
    return f"ijw.demo-{code}.zhz-demo-secret-{code}"


def auth(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo_key(code)}"}


def pg_base_url() -> str:
    return normalise_url(os.environ.get("IJW_TEST_POSTGRES_URL", DEFAULT_PG))


def with_search_path(url: str, schema: str) -> str:
    """The URL whose connections use ``schema`` (also for subprocesses via IJW_DATABASE_URL)."""
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


def _no_postgres(reason: str) -> None:
    if os.environ.get("IJW_ALLOW_NO_POSTGRES") == "1":
        pytest.skip(f"PostgreSQL unreachable ({reason}); IJW_ALLOW_NO_POSTGRES=1")
    pytest.fail(f"PostgreSQL unreachable ({reason}); set IJW_ALLOW_NO_POSTGRES=1 to skip")


class PgSchemas:
    """Creates fresh schemas on the test server and drops them all at the end."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.engine = create_engine(base, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def fresh(self) -> str:
        schema = f"ijw_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.created.append(schema)
        return with_search_path(self.base, schema)

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for schema in self.created:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas]:
    base = pg_base_url()
    try:
        schemas = PgSchemas(base)
        with schemas.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means: no usable server
        _no_postgres(f"{make_url(base).host}: {type(exc).__name__}")
    yield schemas
    schemas.drop_all()


@pytest.fixture(scope="session")
def pg_session_url(pg_schemas: PgSchemas) -> Iterator[str]:
    """One migrated schema for the whole session; tests empty it before use."""
    url = pg_schemas.fresh()
    store = Store.open(url)
    store.upgrade()
    store.dispose()
    yield url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        names = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        tables = ", ".join(f'"{n}"' for n in names if n != "alembic_version")
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gateway.db'}"
    url: str = request.getfixturevalue("pg_session_url")
    _truncate(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, not migrated (for tests of upgrades from an older revision)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    schemas: PgSchemas = request.getfixturevalue("pg_schemas")
    return schemas.fresh()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, parties=PARTIES)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = Store.open(settings.database_url)
    prepare(settings, store)
    yield store
    store.dispose()


@pytest.fixture
def gateway(settings: Settings, store: Store) -> Gateway:
    return Gateway(settings, store)


@pytest.fixture
def client(gateway: Gateway) -> Iterator[TestClient]:
    with TestClient(create_app(gateway=gateway, with_worker=False)) as test_client:
        yield test_client


@pytest.fixture(params=["fast", "routed"])
def path_client(request: pytest.FixtureRequest, gateway: Gateway) -> Iterator[TestClient]:
    """A client of the app as served (``fast``: the hot route by ``FastRoutes``), or of the
    app without ``FastRoutes`` (``routed``: FastAPI's own request handling), for behaviour
    that both paths must show."""
    app = create_app(gateway=gateway, with_worker=False)
    if request.param == "routed":
        app.user_middleware = [m for m in app.user_middleware if m.cls is not FastRoutes]
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def history(db_url: str) -> Iterator[History]:
    """The generated history of the monitoring tests, sent through the intake."""
    settings = Settings(database_url=db_url, parties=PARTIES, export_key="k" * 32)
    clock = Clock()
    store = Store(make_engine(db_url), clock)
    prepare(settings, store)
    done = History(Gateway(settings, store), clock)
    build(done)
    yield done
    store.dispose()
