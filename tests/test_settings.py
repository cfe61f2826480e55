"""Settings are read and checked once, at the edge: bad values are usage errors (exit 2).

``Settings(...)`` never reads the environment; ``Settings.from_env(mapping)`` reads the
mapping it is given; the command line and the app factory are the only places that hand
it the process environment, and nothing else in the package touches the environment.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import ijw_gateway
from ijw_gateway.cli import main
from ijw_gateway.config import Settings
from ijw_gateway.errors import ConfigurationError

PACKAGE = Path(ijw_gateway.__file__).resolve().parent


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("IJW_PORT", "abc", "Expected `int`, got `str`"),
        ("IJW_PORT", "0", "Expected `int` >= 1"),
        ("IJW_PORT", "70000", "Expected `int` <= 65535"),
        ("IJW_INTAKE_THREADS", "2.5", "Expected `int`, got `str`"),
        ("IJW_INTAKE_THREADS", "0", "Expected `int` >= 1"),
        ("IJW_DELIVERY_LEASE_SECONDS", "-1", "Expected `float` > 0.0"),
        ("IJW_DELIVERY_TIMEOUT_SECONDS", "nan", "Expected `float` > 0.0"),
        ("IJW_DELIVERY_DEADLINE_HOURS", "inf", "Expected `float` <= 8760.0"),
        ("IJW_WORKER_POLL_SECONDS", "soon", "Expected `float`, got `str`"),
        ("IJW_HOST", " ", "Expected `str` matching regex"),
    ],
)
def test_a_bad_value_is_a_configuration_error_naming_the_variable(
    name: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({name: value})
    text = str(raised.value)
    assert f"{name}={value!r}" in text and says in text
    assert "\n" not in text and raised.value.exit_code == 2


def test_every_bad_value_is_named_and_a_database_url_is_never_repeated() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({"IJW_PORT": "x", "IJW_DATABASE_URL": "mysql://ijw:s3cret@db/ijw"})
    text = str(raised.value)
    assert "IJW_PORT='x'" in text and "IJW_DATABASE_URL: must be sqlite:///FILE" in text
    assert "s3cret" not in text and "s3cret" not in repr(Settings(database_url="sqlite:///x"))


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"], ["db", "current"]])
def test_a_command_with_a_bad_setting_exits_2_with_one_line(
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_cwd: Path,
) -> None:
    monkeypatch.setenv("IJW_PORT", "abc")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "IJW_PORT='abc'" in err and "internal error" not in err
    assert not list(tmp_cwd.iterdir())  # nothing started, no database made


def test_help_and_explain_do_not_need_the_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IJW_PORT", "abc")
    assert main(["--help"]) == 0
    assert main(["explain", "9019"]) == 0


def test_settings_made_in_code_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_PORT", "1234")
    monkeypatch.setenv("IJW_INTAKE_THREADS", "abc")
    assert Settings().port == 8000
    assert Settings(port=9000).port == 9000
    assert Settings.from_env({"IJW_PORT": "9001", "IJW_HOST": ""}).port == 9001
    assert Settings.from_env({}).intake_threads == 2


def test_settings_stay_a_frozen_dataclass_checked_on_every_change() -> None:
    settings = Settings(port=9000, parties=Path("p.toml"))
    assert dataclasses.replace(settings, intake_threads=4).intake_threads == 4
    with pytest.raises(ConfigurationError, match="IJW_PORT='0'"):
        dataclasses.replace(settings, port=0)
    with pytest.raises(ConfigurationError, match="IJW_PARTIES: Expected a path"):
        dataclasses.replace(settings, parties=b"p.toml")  # type: ignore[arg-type]
    assert isinstance(Settings(schema_dir="xsd").schema_dir, Path)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]
    assert Settings.from_env({"IJW_WORKER_IN_SERVE": "1"}).worker_in_serve is False


# --- the edge is the only place that touches the environment ---------------------------

_READS_ENVIRONMENT = {"environ", "getenv", "putenv", "unsetenv", "environb"}
_EDGE = {"config.py", "cli/__init__.py", "cli/serve.py"}
_FROM_ENV_CALLERS = {"cli/__init__.py", "api/app.py"}


def _uses(path: Path) -> tuple[bool, bool]:
    """(touches ``os.environ``/``getenv``/…, calls ``Settings.from_env``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    environment = from_env = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            environment |= node.attr in _READS_ENVIRONMENT and _named(node.value, "os")
            from_env |= node.attr == "from_env"
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            environment |= any(alias.name in _READS_ENVIRONMENT for alias in node.names)
    return environment, from_env


def _named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def test_nothing_below_the_command_line_and_the_app_factory_touches_the_environment() -> None:
    touching, reading = set(), set()
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        environment, from_env = _uses(path)
        if environment:
            touching.add(name)
        if from_env and name != "config.py":
            reading.add(name)
    assert touching <= _EDGE, sorted(touching - _EDGE)
    assert reading <= _FROM_ENV_CALLERS, sorted(reading - _FROM_ENV_CALLERS)


def test_the_export_key_is_checked_and_never_repeated() -> None:
    assert Settings.from_env({"IJW_EXPORT_KEY": "a-key-of-the-region"}).export_key == (
        "a-key-of-the-region"
    )
    assert Settings.from_env({}).export_key is None  # then the export refuses
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"IJW_EXPORT_KEY": "short-s3cret"})
    assert "IJW_EXPORT_KEY" in str(refused.value) and "s3cret" not in str(refused.value)
    assert "region" not in repr(Settings(export_key="a-key-of-the-region"))


def test_every_setting_is_in_the_table_of_docs_service_md() -> None:
    """An operator finds every ``IJW_`` variable, its default and range in one table."""
    table = (Path(ijw_gateway.__file__).parents[2] / "docs" / "service.md").read_text("utf-8")
    variables = {
        f"IJW_{f.name.upper()}" for f in dataclasses.fields(Settings) if f.name != "worker_in_serve"
    }
    missing = sorted(v for v in variables if f"`{v}`" not in table)
    assert missing == []
