"""Settings: one frozen object, read once from the environment (``IJW_`` prefix), passed on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ijw_gateway.errors import ConfigurationError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told from outside."""

    schema_dir: Path | None = None  # None: the schemas generated from our catalogue
    database_url: str = "sqlite:///ijw-gateway.db"
    contracts: Path | None = None  # None: the embedded Zuid-Holland-Zuid example
    refusal_log: Path | None = None  # None: ijw-refusals.jsonl in the working directory
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    parties: Path | None = None  # None: the ZHZ example parties, but only with the default DB
    delivery_deadline_hours: float = 72.0  # then dead-lettered (kept in the mailbox)
    delivery_timeout_seconds: float = 10.0  # one HTTP push to a receiver
    delivery_lease_seconds: float = 60.0  # a worker's hold on a claimed delivery
    worker_poll_seconds: float = 1.0  # idle wait between outbox polls
    intake_threads: int = 2  # messages one process judges at once (see docs/performance.md)
    worker_in_serve: bool = False  # set by `serve --with-worker` for its uvicorn processes
    vecozo_url: str | None = None  # VECOZO's base URL (…/berichtenservice); None: no VECOZO
    vecozo_cert: Path | None = None  # the system certificate (PEM, with its key unless below)
    vecozo_key: Path | None = None
    vecozo_ca: Path | None = None  # trust only this CA for VECOZO (a test VECOZO)
    vecozo_poll_seconds: float = 30.0  # `vecozo worker`: wait between pulls when none came

    @property
    def embedded_defaults(self) -> bool:
        """The Quick start: default database and no parties file of one's own."""
        return self.database_url == Settings.database_url and self.parties is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        schema_dir = env.get("IJW_SCHEMA_DIR")
        contracts = env.get("IJW_CONTRACTS")
        return cls(
            schema_dir=Path(schema_dir) if schema_dir else None,
            database_url=env.get("IJW_DATABASE_URL", cls.database_url),
            contracts=Path(contracts) if contracts else None,
            refusal_log=Path(env["IJW_REFUSAL_LOG"]) if env.get("IJW_REFUSAL_LOG") else None,
            host=env.get("IJW_HOST", DEFAULT_HOST),
            port=int(env.get("IJW_PORT", str(DEFAULT_PORT))),
            parties=Path(env["IJW_PARTIES"]) if env.get("IJW_PARTIES") else None,
            delivery_deadline_hours=_number(env, "IJW_DELIVERY_DEADLINE_HOURS", 72.0),
            delivery_timeout_seconds=_number(env, "IJW_DELIVERY_TIMEOUT_SECONDS", 10.0),
            delivery_lease_seconds=_number(env, "IJW_DELIVERY_LEASE_SECONDS", 60.0),
            worker_poll_seconds=_number(env, "IJW_WORKER_POLL_SECONDS", 1.0),
            intake_threads=max(1, int(_number(env, "IJW_INTAKE_THREADS", 2))),
            worker_in_serve=env.get("IJW_WORKER_IN_SERVE", "") == "1",
            vecozo_url=env.get("IJW_VECOZO_URL") or None,
            vecozo_cert=_path(env, "IJW_VECOZO_CERT"),
            vecozo_key=_path(env, "IJW_VECOZO_KEY"),
            vecozo_ca=_path(env, "IJW_VECOZO_CA"),
            vecozo_poll_seconds=_number(env, "IJW_VECOZO_POLL_SECONDS", 30.0),
        )


def _path(env: Mapping[str, str], name: str) -> Path | None:
    return Path(env[name]) if env.get(name) else None


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigurationError(f"{name} must be a positive number, not {text!r}")
    return value
