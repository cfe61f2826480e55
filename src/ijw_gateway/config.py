"""Settings: one frozen object, read once at the edge (``IJW_`` prefix), passed on.

The command line and the app factory read the environment with ``Settings.from_env``;
everything below them receives a ``Settings`` (or the values it needs) as an argument and
never looks at the environment itself. ``Settings(field=value, ...)`` builds one from code
without reading the environment.

Every construction (``from_env``, ``Settings(...)``, ``dataclasses.replace``) checks each
field's type and range with msgspec, turning the environment's text into numbers and
paths; a bad value (``IJW_PORT=abc``) is a ``ConfigurationError`` of one line that names
every bad setting (exit status 2), never a traceback. pydantic-settings was tried first:
its import (pydantic and its plugin scan) took ~85 ms + ~35 ms of CPU at every command's
start, about half of what ``validate`` of a small file takes in all (the target is
0.3 s, ``bench/bench_startup.py``), and it reads only ``os.environ``; msgspec takes ~10 ms
and gives the same types, ranges and messages.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import msgspec

from ijw_gateway.errors import ConfigurationError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_DATABASE_URL = "sqlite:///ijw-gateway.db"
DATABASE_SCHEMES = ("sqlite://", "postgresql+psycopg://", "postgresql://", "postgres://")
PREFIX = "IJW_"
_NOT_FROM_ENV = frozenset({"worker_in_serve"})  # set by `serve` for its own processes
# Never repeated in a message:
_SECRET = frozenset({"database_url", "export_key", "push_signing_key", "console_secret"})
_SHOWN = 60  # characters of a bad value repeated in the message

Seconds = Annotated[float, msgspec.Meta(gt=0, le=86_400)]
Hours = Annotated[float, msgspec.Meta(gt=0, le=8_760)]  # at most a year
Port = Annotated[int, msgspec.Meta(ge=1, le=65_535)]
Threads = Annotated[int, msgspec.Meta(ge=1, le=64)]
Processes = Annotated[int, msgspec.Meta(ge=0, le=32)]
Host = Annotated[str, msgspec.Meta(pattern=r"^\S+$")]  # a name or address, no blanks
ExportKey = Annotated[str, msgspec.Meta(min_length=16)]  # a secret: at least 16 characters


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told from outside (``IJW_<FIELD>`` in upper case)."""

    schema_dir: Path | None = None  # None: the schemas generated from our catalogue
    database_url: str = dataclasses.field(default=DEFAULT_DATABASE_URL, repr=False)
    contracts: Path | None = None  # None: the embedded Zuid-Holland-Zuid example
    refusal_log: Path | None = None  # None: ijw-refusals.jsonl in the working directory
    host: Host = DEFAULT_HOST
    port: Port = DEFAULT_PORT
    parties: Path | None = None  # None: the ZHZ example parties, but only with the default DB
    delivery_deadline_hours: Hours = 72.0  # then dead-lettered (kept in the mailbox)
    delivery_timeout_seconds: Seconds = 10.0  # one HTTP push to a receiver
    delivery_lease_seconds: Seconds = 60.0  # a worker's hold on a claimed delivery
    worker_poll_seconds: Seconds = 1.0  # idle wait between outbox polls
    intake_threads: Threads = 2  # messages one process judges at once (docs/performance.md)
    metrics_dir: Path | None = None  # serve --workers N: None is a new directory per run
    worker_in_serve: bool = False  # serve's HTTP processes also deliver (not an IJW_ setting)
    vecozo_url: str | None = None  # VECOZO's base URL (…/berichtenservice); None: no VECOZO
    vecozo_cert: Path | None = None  # the system certificate (PEM, with its key unless below)
    vecozo_key: Path | None = None
    vecozo_ca: Path | None = None  # trust only this CA for VECOZO (a test VECOZO)
    vecozo_poll_seconds: Seconds = 30.0  # `vecozo worker`: wait between pulls when none came
    # Intake processes of a puller, for listings of many messages (PostgreSQL only; 0: the
    # puller's own process takes every message in; ``vecozo.taking``).
    vecozo_pull_processes: Processes = 3
    releases: Path | None = None  # answer versions and freeze windows (``releaseconfig``)
    # The key of the monitoring export's pseudonyms (keyed hash of BSN and allocation
    # number); None: the export refuses.
    export_key: ExportKey | None = dataclasses.field(default=None, repr=False)
    # What signs the console's session cookies; None: `serve` makes one for its processes
    # (needed when several `serve` commands answer at one address).
    console_secret: ExportKey | None = dataclasses.field(default=None, repr=False)
    # The key every party's push secret is derived from (``signatures``); None: pushes
    # are not signed.
    push_signing_key: ExportKey | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        problems = []
        for name, kind in _types().items():
            given = getattr(self, name)
            try:
                value = msgspec.convert(given, kind, strict=False, dec_hook=_path)
            except msgspec.ValidationError as error:
                problems.append(_problem(name, given, str(error).removesuffix(" - at `$`")))
                continue
            object.__setattr__(self, name, value)
        if not self.database_url.startswith(DATABASE_SCHEMES):
            problems.append(_problem("database_url", self.database_url, _SCHEMES_TEXT))
        if problems:
            raise ConfigurationError("bad setting: " + "; ".join(problems))

    @property
    def embedded_defaults(self) -> bool:
        """The Quick start: default database and no parties file of one's own."""
        return self.database_url == DEFAULT_DATABASE_URL and self.parties is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings ``environ`` (default: the process environment) states; an empty
        variable counts as unset. Raises ``ConfigurationError`` naming every bad one."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            name: env[PREFIX + name.upper()]
            for name in _types()
            if name not in _NOT_FROM_ENV and env.get(PREFIX + name.upper())
        }
        return cls(**values)


_SCHEMES_TEXT = "must be sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"


@cache
def _types() -> dict[str, Any]:
    """Each field's type with its range (resolved once)."""
    return get_type_hints(Settings, include_extras=True)


def _path(kind: type, value: Any) -> Any:
    """msgspec's hook for the one type it does not know: paths, from text."""
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise ValueError(f"Expected a path, got `{type(value).__name__}`")


def _problem(name: str, given: object, text: str) -> str:
    """``IJW_PORT='abc': Expected `int`, got `str``` (a database URL is never repeated)."""
    variable = PREFIX + name.upper()
    if name in _SECRET or not isinstance(given, (str, int, float)):
        return f"{variable}: {text}"
    return f"{variable}={str(given)[:_SHOWN]!r}: {text}"
