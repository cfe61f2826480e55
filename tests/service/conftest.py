"""Fixtures for the service tests: a gateway, its store and its API on SQLite and on
PostgreSQL (``tests.support.service``), and the monitoring tests' generated history
(``tests.support.monitoring_history``)."""

from tests.support.monitoring_history import history  # noqa: F401  (a fixture, found by name)
from tests.support.service import (  # noqa: F401  (fixtures, found by pytest by name)
    client,
    db_url,
    empty_url,
    gateway,
    path_client,
    pg_schemas,
    pg_session_url,
    settings,
    store,
)
