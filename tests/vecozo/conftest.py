"""Fixtures for the VECOZO tests: certificates, a running stub, a connection to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ijw_gateway.vecozo.client import Connection
from tests.support.vecozo_spec import require_specs
from tests.support.vecozo_stub import Certificates, Stub, certificates, running


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return certificates(str(tmp_path_factory.mktemp("certs")))


@pytest.fixture
def stub(certs: Certificates) -> Iterator[Stub]:
    require_specs()
    with running(Stub(), certs) as stub:
        yield stub
    assert stub.problems == [], stub.problems  # nothing the published specs do not allow


@pytest.fixture
def connection(stub: Stub, certs: Certificates) -> Connection:
    return Connection(
        stub.base_url, certificate=Path(certs.client_file), ca=Path(certs.ca_file), timeout=1.0
    )


# The service tests' database fixtures (SQLite and PostgreSQL), for the store-backed tests.
from tests.support.service import (  # noqa: E402, F401
    db_url,
    pg_schemas,
    pg_session_url,
    pg_url,
)
