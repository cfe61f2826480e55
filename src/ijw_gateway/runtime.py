"""Wiring: build the validator and its checks from settings. The only place that composes.

Each area contributes its check here (rules, history, contracts, policy); the core modules
never import each other's edges.
"""

from __future__ import annotations

import os
from pathlib import Path

from ijw_gateway.config import Settings
from ijw_gateway.rules.stages import within_message
from ijw_gateway.schemas import SchemaRegistry
from ijw_gateway.validation import Check, Validator


def build_registry(schema_dir: Path | None = None) -> SchemaRegistry:
    settings = Settings.from_env(os.environ)
    return SchemaRegistry(schema_dir or settings.schema_dir)


def build_checks(lang: str = "en") -> list[Check]:
    """The checks after the schema, in the order the standard's levels prescribe."""
    checks: list[Check] = [within_message(lang=lang)]
    return checks


def build_validator(schema_dir: Path | None = None, lang: str = "en") -> Validator:
    return Validator(build_registry(schema_dir), build_checks(lang))
