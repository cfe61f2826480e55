"""``--history`` that cannot be used is a usage error (exit 2, one line), never exit 3.

A database is never created by checking against it, the URL (which may hold a password)
is never repeated, and the line says what is wrong. The same holds for ``retour``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.fixtures import builders as b


@pytest.fixture
def message(tmp_path: Path) -> Path:
    path = tmp_path / "start.xml"
    path.write_bytes(b.to_bytes(b.jw305()))
    return path


def _usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    for command in ("validate", "retour"):
        assert main([command, *args]) == 2, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("ijw-gateway: --history"), err
        assert "internal error" not in err and "Traceback" not in err
    return err


def test_a_missing_sqlite_database_is_refused_and_not_created(
    tmp_path: Path, message: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.db"
    err = _usage_error(capsys, "--history", f"sqlite:///{missing}", str(message))
    assert f"no database file {missing}" in err
    assert not missing.exists()
    nested = tmp_path / "no" / "such" / "dir.db"
    _usage_error(capsys, "--history", f"sqlite:///{nested}", str(message))
    assert not (tmp_path / "no").exists()


def test_a_database_without_the_gateways_tables_is_refused(
    tmp_path: Path, message: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "other.db"
    sqlite3.connect(empty).close()
    err = _usage_error(capsys, "--history", f"sqlite:///{empty}", str(message))
    assert "not a gateway database" in err and "db upgrade" in err
    _usage_error(capsys, "--history", "sqlite://", str(message))  # in memory: always empty


def test_an_unreachable_database_is_a_usage_error_with_the_drivers_reason(
    message: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/ijw"
    err = _usage_error(capsys, "--history", url, str(message))
    assert "cannot be reached" in err and "refused" in err.lower()
    assert "s3cret" not in err and "user:" not in err


@pytest.mark.parametrize(
    "argument",
    [
        "foo://bar",
        "mysql://user:s3cret@db/ijw",
        "postgresql+psycopg://user:s3cret@[::1/x",
        "postgresql://user@db:s3cret/ijw",
    ],
)
def test_a_url_the_gateway_cannot_use_is_a_usage_error(
    argument: str, message: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _usage_error(capsys, "--history", argument, str(message))
    assert "not a database URL the gateway can use" in err and "s3cret" not in err
