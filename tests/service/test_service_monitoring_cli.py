"""``ijw-gateway operators …`` and ``ijw-gateway report trajectories|chain|contracts|
deadlines|export`` on the generated history."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ijw_gateway.cli import main
from ijw_gateway.errors import Conflict, NotFound
from ijw_gateway.monitoring.access import operator_principal
from ijw_gateway.store import Store
from tests.support.monitoring_history import CLIENT, History
from tests.support.service import PARTIES

PERIOD = ("--from", "2026-04-01", "--to", "2026-06-30")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


@pytest.fixture
def env(history: History, monkeypatch: pytest.MonkeyPatch) -> History:
    monkeypatch.setenv("IJW_DATABASE_URL", history.gateway.settings.database_url)
    monkeypatch.setenv("IJW_PARTIES", str(PARTIES))
    return history


def test_operators_and_their_keys(env: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(capsys, "operators", "add", "region")[0] == 0
    assert _cli(capsys, "operators", "add", "region")[0] == Conflict.exit_code
    assert _cli(capsys, "operators", "add", "no spaces")[0] == 2
    status, key = _cli(capsys, "operators", "key", "add", "region", "--id", "region-1")
    assert status == 0 and key.startswith("ijw.region-1.")
    store = Store.open(env.gateway.settings.database_url)
    try:
        assert store.authenticate(key.strip()) == operator_principal("region")
        # one namespace of key ids: a party cannot take an operator's, nor the other way
        assert _cli(capsys, "parties", "key", "add", "0505", "--id", "region-1")[0] == 2
        assert _cli(capsys, "operators", "key", "add", "region", "--id", "demo-0505")[0] == 2
        assert _cli(capsys, "operators", "key", "add", "nobody")[0] == NotFound.exit_code
        assert "region\tkeys: region-1" in _cli(capsys, "operators", "list")[1]
        assert _cli(capsys, "operators", "key", "revoke", "region-1")[0] == 0
        assert store.authenticate(key.strip()) is None
        assert _cli(capsys, "operators", "key", "revoke", "nope")[0] == NotFound.exit_code
    finally:
        store.dispose()


def test_reports_in_every_format(env: History, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _cli(capsys, "report", "contracts", *PERIOD, "--format", "json")
    assert status == 0
    rows = json.loads(out)["rows"]
    assert [(r["month"], r["granted_cents"], r["clients"]) for r in rows] == [
        ("2026-04", 403_200, 1),
        ("2026-05", 1_080_000, 1),
        ("2026-06", 0, 0),
    ]
    status, out = _cli(
        capsys, "report", "chain", *PERIOD, "--format", "csv", "--municipality", "0505"
    )
    assert status == 0 and "lead:request_to_decision" in out
    status, out = _cli(capsys, "report", "trajectories", *PERIOD, "--provider", "98761001")
    assert status == 0 and out.splitlines()[1:] == []  # the header only: not this provider's
    status, out = _cli(capsys, "report", "deadlines")
    assert status == 0 and "JW305" in out
    assert _cli(capsys, "report", "chain", "--from", "2026-06-01", "--to", "2026-04-01")[0] == 2


def test_the_export_needs_its_key(
    env: History, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status = main(["report", "export", *PERIOD])
    assert status == 2 and "set IJW_EXPORT_KEY" in capsys.readouterr().err
    monkeypatch.setenv("IJW_EXPORT_KEY", "a-key-of-the-region")
    status, out = _cli(capsys, "report", "export", *PERIOD)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 14 and not any(bsn in out for bsn in CLIENT)
