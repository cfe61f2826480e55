"""Wiring: build the validator and its checks from settings. The only place that composes."""

from __future__ import annotations

import os
from pathlib import Path

from ijw_gateway.config import Settings
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Check, Validator


def build_registry(schema_dir: Path | None = None) -> SchemaRegistry:
    settings = Settings.from_env(os.environ)
    return SchemaRegistry(schema_dir or settings.schema_dir)


def build_validator(schema_dir: Path | None = None) -> Validator:
    checks: list[Check] = []
    return Validator(build_registry(schema_dir), checks)
