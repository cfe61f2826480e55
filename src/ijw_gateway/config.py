"""Settings: one frozen object, read once from the environment (``IJW_`` prefix), passed on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told from outside."""

    schema_dir: Path | None = None  # None: the schemas generated from our catalogue
    database_url: str = "sqlite:///ijw-gateway.db"
    contracts: Path | None = None  # None: the embedded Zuid-Holland-Zuid example
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        schema_dir = env.get("IJW_SCHEMA_DIR")
        contracts = env.get("IJW_CONTRACTS")
        return cls(
            schema_dir=Path(schema_dir) if schema_dir else None,
            database_url=env.get("IJW_DATABASE_URL", cls.database_url),
            contracts=Path(contracts) if contracts else None,
            host=env.get("IJW_HOST", DEFAULT_HOST),
            port=int(env.get("IJW_PORT", str(DEFAULT_PORT))),
        )
