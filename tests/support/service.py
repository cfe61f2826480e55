"""The service tests' fixtures and helpers: every store/API test runs on SQLite and on
PostgreSQL.

PostgreSQL comes from ``IJW_TEST_POSTGRES_URL`` (default: the local ``test`` database).
Each test session gets a fresh schema (``ijw_test_<random>``) that is migrated once,
emptied before every test and dropped at the end. When PostgreSQL cannot be reached the
PostgreSQL variants fail, unless ``IJW_ALLOW_NO_POSTGRES=1`` lets them skip. The fixtures
are made available to a folder by importing them into its ``conftest.py``.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lxml import etree
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from ijw_gateway.api.app import create_app
from ijw_gateway.api.fastroute import FastRoutes
from ijw_gateway.cli import main
from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from ijw_gateway.fixtures.scenario import test_bsns as bsns
from ijw_gateway.gateway import Gateway, prepare
from ijw_gateway.parties import new_key
from ijw_gateway.retour import compose
from ijw_gateway.runtime import build_validator
from ijw_gateway.store import Store
from ijw_gateway.store.engine import normalise_url
from ijw_gateway.store.tables import Outbox
from tests.support.shared_paths import ROOT

with warnings.catch_warnings():
    # Starlette 1.x warns at import that its TestClient wants the ``httpx2`` package; the
    # client works with httpx as installed, and this is the only place it is imported.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient as TestClient  # re-exported for the tests

PARTIES = ROOT / "examples" / "zhz" / "parties.toml"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GEMEENTE, AGB = "0505", "12345678"
OTHER_GEMEENTE, OTHER_AGB = "0512", "98761001"

# What a JSON answer holds is what each test asserts about it
JsonDict = dict[str, Any]


def demo_key(code: str) -> str:
    return f"ijw.demo-{code}.zhz-demo-secret-{code}"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The command line's exit status and what it printed (stdout)."""
    status = main(list(args))
    return status, capsys.readouterr().out


def restarted(settings: Settings) -> Store:
    """What every ``serve``, ``worker`` and CLI run does first: migrate, load the file."""
    store = Store.open(settings.database_url)
    prepare(settings, store)
    return store


def auth(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo_key(code)}"}


def operator_key(store: Store, name: str = "ops") -> dict[str, str]:
    """The headers of a new operator ``name``'s key."""
    store.add_operator(name)
    text, hashed = new_key(f"{name}-1")
    store.add_operator_key(name, hashed)
    return {"Authorization": f"Bearer {text}"}


def post(client: TestClient, data: bytes, party: str) -> JsonDict:
    """The intake's JSON answer to ``data`` sent by ``party`` (which must be 200)."""
    response = client.post("/v1/messages", content=data, headers=auth(party))
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    return body


def retour_codes(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode())
    return [e.text or "" for e in root.iter() if etree.QName(e).localname == "RetourCode"]


def codes(xml: str, code: str) -> int:
    """How often ``code`` is a RetourCode of the return message ``xml``."""
    root = etree.fromstring(xml.encode())
    return sum(1 for e in root.iter("{*}RetourCode") if e.text == code)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def answer_of(data: bytes) -> bytes:
    """The gateway's return message to ``data`` (a message the answering party sends on)."""
    outcome = build_validator().run(data)
    assert outcome.message is not None
    return compose(outcome.message, outcome.report).to_bytes()


def declaration(lines: int, tag: str = "L") -> bytes:
    """A schema-valid JW323 with one Prestatie for each of ``lines`` clients, each on an
    allocation the gateway never saw: every line is refused (TR338, 9338), the message
    itself counts as received (IV087)."""
    clients = {bsns()[n]: [b.prestatie(f"{tag}-{n}", nummer=700_000 + n)] for n in range(lines)}
    return b.to_bytes(b.jw323(f"{tag}-1", nummer=f"{tag}D1", clients=clients))


def settled(store: Store, ids: list[str]) -> bool:
    """Whether every message of ``ids`` was delivered."""
    with store.session() as session:
        query = (
            select(func.count())
            .select_from(Outbox)
            .where(col(Outbox.message_id).in_(ids), Outbox.state == "delivered")
        )
        return int(session.exec(query).one()) == len(ids)


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


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    """The session's PostgreSQL schema, emptied (for tests of what only PostgreSQL does)."""
    _truncate(pg_session_url)
    return pg_session_url


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
        # Starlette types ``cls`` as a factory protocol, which mypy cannot match to a class
        kept = [m for m in app.user_middleware if m.cls is not FastRoutes]  # type: ignore[comparison-overlap]
        app.user_middleware = kept
    with TestClient(app) as test_client:
        yield test_client
